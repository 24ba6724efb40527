/**
 * The county admin's audit page on a 375-px phone (issue 16): the page itself is no wider than
 * the phone; the wide table scrolls inside its own box. Measured as no-sideways-scroll.test.ts
 * does (a mobile viewport widens to fit what overflows, so both widths are compared with the
 * device's), in zh, ug and kk, with a screenshot for review.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { PageClient } from '../helpers/browser-session.ts';
import { chromiumPath, screenshotPath } from '../helpers/chromium.ts';
import { expectFitsPhone, pageWidths, phoneContext, serverAndBrowser } from '../helpers/phone-browser.ts';
import { signInAdmin } from '../helpers/staff-sign-in.ts';

const width = 375;

describe.skipIf(!chromiumPath)('the staff audit page fits a 375-px phone', () => {
  const run = serverAndBrowser('audit-width-', { LOGINS_PER_MINUTE: '100' });
  let admin: PageClient;

  beforeAll(async () => {
    const password = /One-time password: (\S+)/.exec(run.server.output())![1]!;
    admin = (await signInAdmin(run.server.base, 'admin', password)).page;
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
  }, 240_000);

  it.each(['zh', 'ug', 'kk'])('in %s', async (lang) => {
    await admin.get('/staff/users');
    await admin.post('/staff/lang', { lang, back: '/staff/audit' });
    const server = run.server;
    const context = await phoneContext(run.browser, width);
    const cookies = admin.browserCookies(server.base);
    await context.addCookies(cookies);
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(`${server.base}/staff/audit`);
    await expectFitsPhone(page, width, `staff-audit-${lang}-${width}`);
    expect(await page.locator('#main table').count()).toBe(1);
    // Filtered (issue 16 item 8): the filter form wraps inside the phone too.
    await page.goto(`${server.base}/staff/audit?action=user_add`);
    await expectFitsPhone(page, width, `staff-audit-filtered-${lang}-${width}`);
    expect(await page.locator('#main tbody tr').count()).toBe(2);
    await context.close();
  });

  it('filtered, at 1366 × 768 (an office screen)', async () => {
    await admin.get('/staff/users');
    await admin.post('/staff/lang', { lang: 'zh', back: '/staff/audit' });
    const server = run.server;
    const context = await run.browser.newContext({ viewport: { width: 1366, height: 768 } });
    await context.addCookies(admin.browserCookies(server.base));
    const page = await context.newPage();
    await page.goto(`${server.base}/staff/audit?action=user_add`);
    await page.screenshot({ path: screenshotPath('staff-audit-filtered-zh-1366') });
    expect((await pageWidths(page)).scrollWidth).toBe(1366);
    expect(await page.locator('#main tbody tr').count()).toBe(2);
    expect(await page.locator('select[name="action"]').inputValue()).toBe('user_add');
    await context.close();
  });
});
