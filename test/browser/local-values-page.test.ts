/**
 * The county admin's local values page at 1366×768 (issue 16 item 11), in a real Chromium: a
 * value added (so the history and the upcoming list are not empty), then the page, and the
 * add form with a refused value, in zh, ug and kk. Screenshots for review; the page is no wider
 * than the screen and shows no raw keys or JSON.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chinaToday } from '../../rules/engine/screen.ts';
import type { PageClient } from '../helpers/browser-session.ts';
import { chromiumPath, launchChromium, screenshotPath } from '../helpers/chromium.ts';
import { type Started, startServer } from '../helpers/start-server.ts';
import { signInAdmin } from '../helpers/staff-sign-in.ts';

// Browser globals used inside page functions (the project compiles without the DOM library).
declare const document: { documentElement: { scrollWidth: number }; body: { innerText: string } };
declare const window: { innerWidth: number };

const viewport = { width: 1366, height: 768 };
const source = {
  title: '特克斯县测试文件（假）',
  issuer: '测试机关',
  clause: '第二条',
  quote: '测试用原文，不是真实标准',
};

describe.skipIf(!chromiumPath)('the local values page at 1366×768', () => {
  let server: Started;
  let browser: Browser;
  let dataDir: string;
  let admin: PageClient;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'local-values-page-'));
    server = await startServer('server/main.ts', { PORT: '0', DATA_DIR: dataDir, LOGINS_PER_MINUTE: '100' });
    const password = /One-time password: (\S+)/.exec(server.output())![1]!;
    admin = (await signInAdmin(server.base, 'admin', password)).page;
    for (const [parameter, value, from] of [
      ['local.minimum_wage_monthly', '1900', chinaToday()],
      ['dibao.standard.urban', '900', '2099-01-01'],
    ] as const) {
      await admin.get(`/staff/local-values/new?parameter=${parameter}`);
      const fields = { parameter, value, from, ...source };
      const res = await admin.post('/staff/local-values', fields);
      if (res.status === 200) await admin.post('/staff/local-values', { ...fields, confirm: 'yes' });
    }
    browser = await launchChromium();
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it.each(['zh', 'ug', 'kk'])('in %s', async (lang) => {
    await admin.get('/staff/local-values');
    await admin.post('/staff/lang', { lang, back: '/staff/local-values' });
    const context = await browser.newContext({ viewport });
    await context.addCookies(admin.browserCookies(server.base));
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(`${server.base}/staff/local-values`);
    await page.screenshot({ path: screenshotPath(`local-values-${lang}-1366`) });
    await page.screenshot({ path: screenshotPath(`local-values-${lang}-1366-full`), fullPage: true });
    const seen = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
      text: document.body.innerText,
    }));
    expect(seen.scrollWidth).toBeLessThanOrEqual(seen.innerWidth);
    expect(seen.text).not.toMatch(/0\.1666|\{"|dibao\.tiers|tekun\.care_shares/);
    // The add form, with a value it refuses: the error beside the field, the rest still filled.
    await page.goto(`${server.base}/staff/local-values/new?parameter=dibao.tiers`);
    await page.fill('input[name="A_rural"]', 'abc');
    for (const [k, v] of Object.entries(source))
      await page.fill(k === 'quote' ? 'textarea[name="quote"]' : `input[name="${k}"]`, v);
    await page.click('#value-form button[type="submit"]');
    await page.waitForSelector('.field-error');
    await page.screenshot({ path: screenshotPath(`local-value-form-${lang}-1366`), fullPage: true });
    expect(await page.inputValue('input[name="title"]')).toBe(source.title);
    expect(await page.inputValue('input[name="A_rural"]')).toBe('abc');
    await context.close();
  });
});
