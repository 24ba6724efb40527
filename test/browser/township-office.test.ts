/**
 * The township office on the results and sent pages, in a real Chromium on a 390-px phone with
 * JavaScript off, in zh, ug and kk (issue 15 item 3), from a test-only county configuration with
 * a fake number: the phone is a tel: link that keeps its digit order inside right-to-left text,
 * the block fits the phone, and the status page's delete needs its box ticked. Screenshots in
 * test/artifacts/screenshots.
 */
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { chromiumPath, screenshotPath } from '../helpers/chromium.ts';
import { elderAloneToResults, pageWidths, serverAndBrowser } from '../helpers/phone-browser.ts';
import { fakeOfficePhone, rulesWithOffices } from '../helpers/test-rules.ts';

const phone = { width: 390, height: 844 };

describe.skipIf(!chromiumPath)('the township office in the browser', () => {
  const rulesDir = rulesWithOffices();
  const run = serverAndBrowser('office-browser-', { RULES_DIR: rulesDir });
  afterAll(() => rmSync(rulesDir, { recursive: true, force: true }));

  it.each([
    'zh',
    'ug',
    'kk',
  ] as const)('%s: results and sent pages show the office; delete asks for the box', async (lang) => {
    const server = run.server;
    const context = await run.browser.newContext({ viewport: phone, javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${server.base}/${lang}/form?county=tekes&township=karadala`);
    await elderAloneToResults(page);
    const office = page.locator('section.office');
    await expect.poll(() => office.locator('a[href="tel:09990000000"]').innerText()).toBe(fakeOfficePhone);
    expect((await pageWidths(page)).scrollWidth).toBeLessThanOrEqual(phone.width);
    await office.scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath(`${lang}-results-office-390`) });

    await page.click('.refer a.button');
    await page.check('input[name="consent"]');
    await page.fill('#name', lang === 'zh' ? '张三' : 'ايگۇل');
    await page.fill('#phone', '13911113333');
    await page.click('form.referral button[type="submit"]');
    const reference = await page.locator('#reference').innerText();
    expect(await office.locator('a[href^="tel:"]').innerText()).toBe(fakeOfficePhone);
    await page.screenshot({ path: screenshotPath(`${lang}-sent-office-390`), fullPage: true });

    // Status page: the whole phone without the box deletes nothing.
    await page.goto(`${server.base}/${lang}/status`);
    await page.fill('#reference', reference);
    await page.fill('#digits', '3333');
    await page.click('form button[type="submit"]');
    await page.fill('form.delete-data #phone', '13911113333');
    // The box is `required`; a browser would not even send the form, so it is taken off here to
    // prove the server refuses too.
    await page.locator('form.delete-data input[name="confirm"]').evaluate((el) => {
      (el as unknown as { required: boolean }).required = false;
    });
    await page.click('form.delete-data button[type="submit"]');
    await expect.poll(() => page.locator('#err-confirm').count()).toBe(1);
    await page.screenshot({ path: screenshotPath(`${lang}-status-delete-confirm-390`), fullPage: true });
    await page.fill('form.delete-data #phone', '13911113333');
    await page.check('form.delete-data input[name="confirm"]');
    await page.click('form.delete-data button[type="submit"]');
    await expect.poll(() => page.locator('.notice').innerText()).toContain(reference);
    await context.close();
  });
});
