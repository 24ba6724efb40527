/**
 * The county admin's audit page on a 375-px phone (issue 16): the page itself is no wider than
 * the phone; the wide table scrolls inside its own box. Measured as no-sideways-scroll.test.ts
 * does (a mobile viewport widens to fit what overflows, so both widths are compared with the
 * device's), in zh, ug and kk, with a screenshot for review.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentTotp } from '../../server/staff/totp.ts';
import { PageClient } from '../helpers/browser-session.ts';
import { chromiumPath, launchChromium, screenshotPath } from '../helpers/chromium.ts';
import { type Started, startServer } from '../helpers/start-server.ts';

// Browser globals used inside page functions (the project compiles without the DOM library).
declare const document: {
  documentElement: { scrollWidth: number };
  querySelector(s: string): { scrollWidth: number; clientWidth: number } | null;
};
declare const window: { innerWidth: number };

const width = 375;

describe.skipIf(!chromiumPath)('the staff audit page fits a 375-px phone', () => {
  let server: Started;
  let browser: Browser;
  let dataDir: string;
  let admin: PageClient;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'audit-width-'));
    server = await startServer('server/main.ts', { PORT: '0', DATA_DIR: dataDir, LOGINS_PER_MINUTE: '100' });
    const password = /One-time password: (\S+)/.exec(server.output())![1]!;
    admin = new PageClient(server.base);
    await admin.get('/staff/login');
    await admin.post('/staff/login', { username: 'admin', password });
    await admin.get('/staff/totp/setup');
    const secret = /id="totp-secret">([A-Z2-7]{32})</.exec(admin.last)![1]!;
    await admin.post('/staff/totp/setup', { secret, code: currentTotp(secret) });
    await admin.get('/staff/password');
    await admin.post('/staff/password', {
      current: password,
      new: 'county admin password',
      repeat: 'county admin password',
    });
    // Entries with long targets (ids) and details, as a real log has.
    for (const name of ['caseworker.one', 'caseworker.two']) {
      await admin.get('/staff/users');
      await admin.post('/staff/users/add', {
        username: name,
        display_name: name,
        role: 'caseworker',
        township: 'karadala',
      });
    }
    browser = await launchChromium();
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it.each(['zh', 'ug', 'kk'])('in %s', async (lang) => {
    await admin.get('/staff/users');
    await admin.post('/staff/lang', { lang, back: '/staff/audit' });
    const context = await browser.newContext({
      viewport: { width, height: 740 },
      screen: { width, height: 740 },
      isMobile: true,
      hasTouch: true,
      deviceScaleFactor: 2,
    });
    const cookies = admin
      .cookieHeader()
      .split('; ')
      .map((c) => {
        const at = c.indexOf('=');
        return { name: c.slice(0, at), value: c.slice(at + 1), url: `${server.base}/staff` };
      });
    await context.addCookies(cookies);
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(`${server.base}/staff/audit`);
    await page.screenshot({ path: screenshotPath(`staff-audit-${lang}-${width}`), fullPage: true });
    const seen = await page.evaluate(() => {
      const table = document.querySelector('#main table');
      return {
        scrollWidth: document.documentElement.scrollWidth,
        innerWidth: window.innerWidth,
        tableRows: table ? 1 : 0,
      };
    });
    expect(seen).toEqual({ scrollWidth: width, innerWidth: width, tableRows: 1 });
    await context.close();
  });
});
