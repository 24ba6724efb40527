/**
 * The inbox on a 390-px phone in every staff language: the filter form's selects hold the
 * longest program name, which in Uyghur and Kazakh is wider than the phone. A flex item does
 * not shrink below its content unless told, so without `min-width: 0` on the filter labels
 * the whole page scrolled sideways (746 px wide in Uyghur) and opened on blank space.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCaseworker } from '../helpers/admin-cli.ts';
import type { PageClient } from '../helpers/browser-session.ts';
import { chromiumPath, launchChromium, screenshotPath } from '../helpers/chromium.ts';
import { signIn } from '../helpers/staff-sign-in.ts';
import { type Started, startServer } from '../helpers/start-server.ts';

describe.skipIf(!chromiumPath)('the inbox on a phone', () => {
  let server: Started;
  let browser: Browser;
  let worker: PageClient;
  const dataDir = mkdtempSync(join(tmpdir(), 'inbox-phone-'));

  beforeAll(async () => {
    const password = addCaseworker(dataDir, 'phone.worker');
    server = await startServer('server/main.ts', { PORT: '0', DATA_DIR: dataDir });
    worker = await signIn(server.base, 'phone.worker', password);
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it.each(['zh', 'ug', 'kk'])('at 390 px the inbox does not scroll sideways (%s)', async (lang) => {
    await worker.get('/staff');
    await worker.post('/staff/lang', { lang, back: '/staff' });
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    await context.addCookies(worker.browserCookies(server.base));
    const page = await context.newPage();
    await page.goto(`${server.base}/staff`);
    await page.screenshot({ path: screenshotPath(`inbox-phone-${lang}-390`) });
    const seen = (await page.evaluate(
      `({ dir: document.documentElement.dir, width: document.documentElement.scrollWidth,
          widest: Math.max(...[...document.querySelectorAll('form.filters label')].map((l) => l.getBoundingClientRect().width)) })`,
    )) as { dir: string; width: number; widest: number };
    expect(seen.dir).toBe(lang === 'zh' ? 'ltr' : 'rtl');
    expect(seen.widest).toBeLessThanOrEqual(390);
    expect(seen.width).toBe(390);
    await context.close();
  });
});
