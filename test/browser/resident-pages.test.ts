/**
 * A resident in a real browser (Debian's Chromium via playwright-core) against a really
 * started server: in Uyghur on a 375-px phone screen through the chat (with JavaScript), and in
 * Chinese through the one-page form with JavaScript off. Screenshots are saved for review.
 */
import { describe, expect, it } from 'vitest';
import { addCaseworker } from '../helpers/admin-cli.ts';
import { chromiumPath, fontsUsed, screenshotPath } from '../helpers/chromium.ts';
import { serverAndBrowser } from '../helpers/phone-browser.ts';
import { storedReferrals } from '../helpers/stored-referrals.ts';

// Browser globals used inside page functions (the project compiles without the DOM library;
// strings would be eval'd, which the pages' Content-Security-Policy rightly forbids).
declare const document: { querySelectorAll(selector: string): { length: number } };
declare function getComputedStyle(el: unknown): { direction: string };

const phone = { width: 375, height: 740 };

describe.skipIf(!chromiumPath)('a resident in the browser', () => {
  let caseworkerPassword = '';
  // A Karadala caseworker, made with the admin command before the server takes the directory.
  const run = serverAndBrowser('browser-', {}, (dataDir) => {
    caseworkerPassword = addCaseworker(dataDir, 'karadala1', 'karadala', ['--name', '王老师']);
  });

  const referrals = () => storedReferrals(run.dataDir);

  it('completes the questionnaire in Uyghur on a 375-px screen, right to left, to a referral', async () => {
    const context = await run.browser.newContext({ viewport: phone, deviceScaleFactor: 2, locale: 'ug-CN' });
    const page = await context.newPage();
    await page.goto(`${run.server.base}/`);
    await page.click('a[href="/ug"]');
    await page.click('a[href="/ug/chat"]');
    expect(await page.getAttribute('html', 'dir')).toBe('rtl');
    expect(await page.getAttribute('html', 'lang')).toBe('ug-Arab-CN');
    await page.screenshot({ path: screenshotPath('ug-chat-start-375') });

    const turns = () => page.locator('#chat .turn').count();
    const tap = async (value: string) => {
      const n = await turns();
      await page.click(`#composer button[name="quick"][value="${value}"]`);
      await page.waitForFunction((k) => document.querySelectorAll('#chat .turn').length > k, n);
    };
    const type = async (text: string) => {
      const n = await turns();
      await page.fill('#text', text);
      await page.press('#text', 'Enter');
      await page.waitForFunction((k) => document.querySelectorAll('#chat .turn').length > k, n);
    };

    // Tap targets on a phone: every answer button at least 44 × 44 CSS pixels.
    for (const box of await page
      .locator('#composer button:visible')
      .evaluateAll((bs) =>
        bs.map((b) => b.getBoundingClientRect()).map((r) => ({ w: r.width, h: r.height })),
      )) {
      expect(box.h).toBeGreaterThanOrEqual(44);
      expect(box.w).toBeGreaterThanOrEqual(44);
    }
    const fonts = await fontsUsed(page, '.bubble.question strong');
    expect(fonts.join()).toMatch(/Arabic|Naskh/);

    await tap('1'); // Tekes
    await tap('3'); // Karadala
    await tap('2'); // rural
    await type('2');
    await type('٤٥ ٤٣'); // Arabic-Indic digits, as a phone keyboard types them
    await tap('1');
    await tap('1');
    await type('600 يۈەن');
    await tap('1'); // property within the limits
    await type('يوق');
    await type('ياق');
    await type('ياق');
    await type('يوق');
    const dibao = page.locator('.program[data-program="dibao"]').last();
    await expect.poll(() => dibao.locator('.amount').innerHTML()).toContain('<bdi>668</bdi>');
    expect(await dibao.locator('.verdict').innerText()).toBe('شەرتكە ئۇيغۇن كېلىش ئېھتىمالى زور');
    expect(await dibao.evaluate((el) => getComputedStyle(el).direction)).toBe('rtl');
    await dibao.scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath('ug-chat-results-375') });

    await tap('1'); // yes, refer me
    await tap('1'); // consent
    await type('ئايگۈل');
    await type('13912345678');
    await tap('ئاتلاش'); // skip the ID number
    await tap('1'); // submit
    const last = await page.locator('#chat .turn').last().innerHTML();
    const reference = /<bdi[^>]*>([A-Z]{2}-[0-9A-Z]{8})<\/bdi>/.exec(last)?.[1];
    expect(reference).toBeDefined();
    expect(referrals()[reference!]).toMatchObject({ name: 'ئايگۈل', lang: 'ug', status: 'new' });
    await page.screenshot({ path: screenshotPath('ug-chat-referral-375') });
    await context.close();
  });

  it('completes the one-page form in Chinese with JavaScript off, then finds the referral on the status page', async () => {
    const context = await run.browser.newContext({
      viewport: { width: 414, height: 900 },
      javaScriptEnabled: false,
    });
    const page = await context.newPage();
    await page.goto(`${run.server.base}/zh/form`);
    expect(await page.getAttribute('html', 'dir')).toBe('ltr');
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    await page.selectOption('#county', 'tekes');
    await page.selectOption('#township', 'karadala');
    await page.check('input[name="area"][value="rural"]');
    await page.fill('input[name="age_0"]', '45');
    await page.selectOption('select[name="work_0"]', 'full');
    await page.fill('input[name="age_1"]', '43');
    await page.selectOption('select[name="work_1"]', 'full');
    await page.fill('#income', '600');
    await page.check('input[name="property"][value="yes"]');
    await page.screenshot({ path: screenshotPath('zh-form-filled-nojs'), fullPage: true });
    await page.click('.actions button[value="submit"]');

    // The rules still need a few answers: those sections come back opened and marked.
    await expect.poll(() => page.locator('p.notice[role="alert"]').innerText()).toContain('已经为您展开');
    expect(await page.locator('details.section.needed[open]').count()).toBeGreaterThan(0);
    expect(await page.inputValue('input[name="age_1"]')).toBe('43');
    await page.check('input[name="emergency"][value="none"]');
    await page.check('input[name="housing"][value="no"]');
    await page.click('.actions button[value="submit"]');

    await expect.poll(() => page.locator('h2#results-title').innerText()).toBe('您家可能符合的救助');
    const dibao = page.locator('.program[data-program="dibao"]');
    expect(await dibao.locator('.verdict').innerText()).toBe('很可能符合');
    expect(await dibao.locator('.amount').innerText()).toBe('估计每月：668 元');
    await page.screenshot({ path: screenshotPath('zh-form-results-nojs'), fullPage: true });

    await page.click('.refer a.button');
    await page.check('input[name="consent"]');
    await page.fill('#name', '阿依古丽·买买提');
    await page.fill('#phone', '139 8765 4321');
    await page.click('form.referral button[type="submit"]');
    const reference = await page.locator('#reference').innerText();
    expect(reference).toMatch(/^TE-[0-9A-Z]{8}$/);
    expect(referrals()[reference]).toMatchObject({
      name: '阿依古丽·买买提',
      lang: 'zh',
      township: 'karadala',
    });
    await page.screenshot({ path: screenshotPath('zh-form-referral-nojs') });

    await page.click('a[href="/zh/status"]');
    await page.fill('#reference', reference.toLowerCase());
    await page.fill('#digits', '4321');
    await page.click('form button[type="submit"]');
    expect(await page.locator('[data-status]').innerText()).toBe('已收到，等待乡镇工作人员联系您');
    await page.screenshot({ path: screenshotPath('zh-status-nojs') });
    const fonts = await fontsUsed(page, '[data-status]');
    expect(fonts.join()).toMatch(/CJK|Han|Hei|Song/);
    await context.close();
  });

  it('a caseworker logs in, opens a referral made on the resident page, changes its status and prints; the resident sees it', async () => {
    // The resident's referral, through the pages (Kazakh, so the status page is checked in kk).
    const resident = await run.browser.newContext({ viewport: phone, javaScriptEnabled: false });
    const r = await resident.newPage();
    await r.goto(`${run.server.base}/kk/form?county=tekes&township=karadala`);
    await r.check('input[name="area"][value="rural"]');
    await r.fill('input[name="age_0"]', '70');
    await r.selectOption('select[name="work_0"]', 'none');
    await r.fill('#income', '200');
    await r.check('input[name="property"][value="yes"]');
    await r.click('.actions button[value="submit"]');
    await r.click('.actions button[value="results"]');
    await r.click('.refer a.button');
    await r.check('input[name="consent"]');
    await r.fill('#name', 'ايگۇل');
    await r.fill('#phone', '13911112222');
    await r.click('form.referral button[type="submit"]');
    const reference = await r.locator('#reference').innerText();

    const staff = await run.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const s = await staff.newPage();
    await s.goto(`${run.server.base}/staff/login`);
    await s.fill('#username', 'karadala1');
    await s.fill('#password', caseworkerPassword);
    await s.click('form button[type="submit"]');
    // First login: a password of their own before anything else.
    await s.waitForURL('**/staff/password');
    await s.fill('#current', caseworkerPassword);
    await s.fill('#new', 'karadala caseworker pw');
    await s.fill('#repeat', 'karadala caseworker pw');
    await s.click('form button[type="submit"]');
    await s.waitForURL('**/staff?changed=1');
    await s.click(`tr[data-reference="${reference}"] a`);
    expect(await s.locator('#status').getAttribute('data-status')).toBe('new');
    // The answers side by side: Chinese and the resident's Kazakh.
    expect(await s.locator('table.answers td[lang="kk"]').first().getAttribute('dir')).toBe('rtl');
    await s.selectOption('#status-to', 'visit_scheduled');
    await s.fill('form.action textarea[name="note"]', '周三上午入户');
    await s.click('#status-save');
    await s.waitForURL(`**/staff/referrals/${reference}?saved=notified`);
    expect(await s.locator('#status').getAttribute('data-status')).toBe('visit_scheduled');
    await s.screenshot({ path: screenshotPath('staff-referral-zh'), fullPage: true });
    await s.goto(`${run.server.base}/staff/referrals/${reference}/print`);
    await s.emulateMedia({ media: 'print' });
    expect(await s.locator('h1').innerText()).toBe('社会救助入户核查表');
    expect(await s.locator('.checklist li').count()).toBeGreaterThan(1);
    await s.screenshot({ path: screenshotPath('staff-print-a4'), fullPage: true });
    await s.pdf({ path: screenshotPath('staff-print-a4').replace(/\.png$/, '.pdf'), format: 'A4' });

    await r.goto(`${run.server.base}/kk/status`);
    await r.fill('#reference', reference);
    await r.fill('#digits', '2222');
    await r.click('form button[type="submit"]');
    expect(await r.locator('[data-status]').getAttribute('data-status')).toBe('visit_scheduled');
    expect(await r.getAttribute('html', 'dir')).toBe('rtl');
    await r.screenshot({ path: screenshotPath('kk-status-after-change'), fullPage: true });
    await staff.close();
    await resident.close();
  });
});
