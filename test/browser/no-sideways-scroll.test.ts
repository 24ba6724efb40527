/**
 * No page a resident sees is wider than the phone (issue 15). A mobile viewport widens its
 * layout viewport to fit whatever overflows, so scrollWidth and innerWidth agree with each other
 * even when the page is too wide: both are compared with the device's width instead. Every
 * resident page, in zh, ug and kk, at 320, 360 and 390 CSS pixels, with a phone's context
 * (isMobile, touch, two device pixels per CSS pixel). Screenshots are saved for review.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, launchChromium, screenshotPath } from '../helpers/chromium.ts';
import { type Started, startServer } from '../helpers/start-server.ts';

// Browser globals used inside page functions (the project compiles without the DOM library).
declare const document: { documentElement: { scrollWidth: number } };
declare const window: { innerWidth: number };

const widths = [320, 360, 390] as const;
const langs = ['zh', 'ug', 'kk'] as const;

describe.skipIf(!chromiumPath)('no resident page is wider than the phone', () => {
  let server: Started;
  let browser: Browser;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'widths-'));
    // Nine residents from one address within a minute: the limits are raised for this test only.
    server = await startServer('server/main.ts', {
      PORT: '0',
      DATA_DIR: dataDir,
      RATE_LIMIT_PER_MINUTE: '10000',
      STATUS_LOOKUPS_PER_MINUTE: '1000',
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /**
   * The layout's width and the viewport's width, each against the device's width. Soft, so a
   * page too wide is reported by name and the walk goes on to the next page.
   */
  async function fits(page: Page, width: number, name: string) {
    await page.screenshot({ path: screenshotPath(name), fullPage: true });
    const seen = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
    }));
    expect.soft({ page: name, ...seen }).toEqual({ page: name, scrollWidth: width, innerWidth: width });
  }

  for (const lang of langs) {
    it.each(widths)(`every ${lang} page fits %i px`, async (width) => {
      const context = await browser.newContext({
        viewport: { width, height: 740 },
        screen: { width, height: 740 },
        isMobile: true,
        hasTouch: true,
        deviceScaleFactor: 2,
      });
      const page = await context.newPage();
      // A page wider than the phone also makes taps land on the wrong element: fail that in 20 s.
      page.setDefaultTimeout(20_000);
      const at = (what: string) => fits(page, width, `width-${lang}-${what}-${width}`);

      await page.goto(`${server.base}/`);
      await at('home');
      await page.goto(`${server.base}/${lang}`);
      await at('start');
      await page.goto(`${server.base}/${lang}/chat`);
      await at('chat');
      await page.goto(`${server.base}/${lang}/form?county=tekes&township=karadala`);
      await at('form');

      // A 70-year-old alone on 200 yuan: the results, the referral form, the sent page.
      await page.check('input[name="area"][value="rural"]');
      await page.fill('input[name="age_0"]', '70');
      await page.selectOption('select[name="work_0"]', 'none');
      await page.fill('#income', '200');
      await page.check('input[name="property"][value="yes"]');
      await page.click('.actions button[value="submit"]');
      await page.click('.actions button[value="results"]');
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
