/**
 * No page a resident sees is wider than the phone (issue 15). A mobile viewport widens its
 * layout viewport to fit whatever overflows, so scrollWidth and innerWidth agree with each other
 * even when the page is too wide: both are compared with the device's width instead. Every
 * resident page, in zh, ug and kk, at 320, 360 and 390 CSS pixels, with a phone's context
 * (isMobile, touch, two device pixels per CSS pixel). Screenshots are saved for review.
 */
import { describe, it } from 'vitest';
import { chromiumPath } from '../helpers/chromium.ts';
import {
  elderAloneToResults,
  expectFitsPhone,
  phoneContext,
  serverAndBrowser,
} from '../helpers/phone-browser.ts';

const widths = [320, 360, 390] as const;
const langs = ['zh', 'ug', 'kk'] as const;

describe.skipIf(!chromiumPath)('no resident page is wider than the phone', () => {
  // Nine residents from one address within a minute: the limits are raised for this test only.
  const run = serverAndBrowser('widths-', {
    RATE_LIMIT_PER_MINUTE: '10000',
    STATUS_LOOKUPS_PER_MINUTE: '1000',
  });

  for (const lang of langs) {
    it.each(widths)(`every ${lang} page fits %i px`, async (width) => {
      const server = run.server;
      const context = await phoneContext(run.browser, width);
      const page = await context.newPage();
      // A page wider than the phone also makes taps land on the wrong element: fail that in 20 s.
      page.setDefaultTimeout(20_000);
      const at = (what: string) => expectFitsPhone(page, width, `width-${lang}-${what}-${width}`);

      await page.goto(`${server.base}/`);
      await at('home');
      await page.goto(`${server.base}/${lang}`);
      await at('start');
      await page.goto(`${server.base}/${lang}/chat`);
      await at('chat');
      await page.goto(`${server.base}/${lang}/form?county=tekes&township=karadala`);
      await at('form');

      // A 70-year-old alone on 200 yuan: the results, the referral form, the sent page.
      await elderAloneToResults(page);
      await page.locator('.program').first().waitFor();
      await at('results');
      await page.click('.refer a.button');
      await page.locator('form.referral').waitFor();
      await at('referral');
      await page.check('input[name="consent"]');
      await page.fill('#name', 'ايگۇل');
      await page.fill('#phone', '13911112222');
      await page.click('form.referral button[type="submit"]');
      const reference = await page.locator('#reference').innerText();
      await at('sent');

      await page.goto(`${server.base}/${lang}/status`);
      await at('status-ask');
      await page.fill('#reference', reference);
      await page.fill('#digits', '2222');
      await page.click('form button[type="submit"]');
      await page.locator('[data-status]').waitFor();
      await at('status');
      await context.close();
    });
  }
});
