/**
 * The staff pages on a 390-px phone in every staff language: nothing makes the page scroll
 * sideways (wide tables scroll inside their own box). Two causes found by looking:
 * - the inbox's filter selects hold the longest program name, wider than the phone in Uyghur
 *   and Kazakh; a flex item does not shrink below its content unless told (`min-width: 0`),
 *   so the whole ug/kk inbox was 746 px wide and opened on blank space;
 * - the case page's and dashboard's two-column grid asked for columns of at least 20rem
 *   (400 px here), 30 px wider than the phone's content box.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCaseworker } from '../helpers/admin-cli.ts';
import type { PageClient } from '../helpers/browser-session.ts';
import { chromiumPath, launchChromium, screenshotPath } from '../helpers/chromium.ts';
import { seedCase, seedCases, seedReference } from '../helpers/seed-cases.ts';
import { signIn } from '../helpers/staff-sign-in.ts';
import { type Started, startServer } from '../helpers/start-server.ts';

const pages = [
  ['inbox', '/staff'],
  ['case', `/staff/referrals/${seedReference(1)}`],
  ['dashboard', '/staff/dashboard'],
] as const;

describe.skipIf(!chromiumPath)('the staff pages on a phone', () => {
  let server: Started;
  let browser: Browser;
  let worker: PageClient;
  const dataDir = mkdtempSync(join(tmpdir(), 'staff-phone-'));

  beforeAll(async () => {
    const password = addCaseworker(dataDir, 'phone.worker');
    await seedCases(dataDir, () => [seedCase(1, 30, new Date())]);
    server = await startServer('server/main.ts', { PORT: '0', DATA_DIR: dataDir });
    worker = await signIn(server.base, 'phone.worker', password);
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it.each(['zh', 'ug', 'kk'])('at 390 px no page scrolls sideways (%s)', async (lang) => {
    await worker.get('/staff');
    await worker.post('/staff/lang', { lang, back: '/staff' });
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    await context.addCookies(worker.browserCookies(server.base));
    const page = await context.newPage();
    const widths: Record<string, number> = {};
    for (const [name, path] of pages) {
      await page.goto(`${server.base}${path}`);
      expect(await page.getAttribute('html', 'dir')).toBe(lang === 'zh' ? 'ltr' : 'rtl');
      await page.screenshot({ path: screenshotPath(`staff-phone-${name}-${lang}-390`) });
      widths[name] = (await page.evaluate('document.documentElement.scrollWidth')) as number;
    }
    expect(widths).toEqual({ inbox: 390, case: 390, dashboard: 390 });
    await context.close();
  });
});
