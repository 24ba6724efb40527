/**
 * Results a resident can keep, and Back that never posts twice (issue 15, item 4), in a real
 * Chromium against a really started server, in zh, ug and kk on a 360-px phone: the form's post
 * lands on a results address fetched by GET (a token, nothing typed); a referral; the sent page
 * with the papers to bring; Back shows the sent page again (no "Confirm Form Resubmission" /
 * ERR_CACHE_MISS, no second referral), and Back once more the results; the print view fits A4;
 * the status page. Screenshots of each (and the print view's PDF) go to test/artifacts/.
 */
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chromiumPath, screenshotPath } from '../helpers/chromium.ts';
import {
  elderAloneToResults,
  expectFitsPhone,
  phoneContext,
  serverAndBrowser,
} from '../helpers/phone-browser.ts';
import { storedReferrals } from '../helpers/stored-referrals.ts';

// Browser globals used inside page functions (the project compiles without the DOM library).
declare const document: {
  documentElement: { scrollWidth: number; scrollHeight: number };
  querySelectorAll(s: string): ArrayLike<{ scrollWidth: number; clientWidth: number }>;
};

const width = 360;
const langs = ['zh', 'ug', 'kk'] as const;
/** A4 at 96 CSS px per inch, less the 12 mm page margins (site.css @page). */
const a4 = { width: Math.round(((210 - 24) / 25.4) * 96), height: Math.round(((297 - 24) / 25.4) * 96) };

describe.skipIf(!chromiumPath)('results to keep, and Back after a referral', () => {
  const run = serverAndBrowser('results-back-');
  const referralCount = () => Object.keys(storedReferrals(run.dataDir)).length;

  for (const lang of langs) {
    it(`${lang}: form → results by GET → referral → sent; Back shows the sent page; print fits A4`, async () => {
      const server = run.server;
      const context = await phoneContext(run.browser, width);
      const page = await context.newPage();
      page.setDefaultTimeout(30_000);
      // Every document the browser loads, with its method: the results must come by GET.
      const documents: { method: string; url: string }[] = [];
      page.on('request', (r) => {
        if (r.isNavigationRequest()) documents.push({ method: r.method(), url: new URL(r.url()).pathname });
      });

      await page.goto(`${server.base}/${lang}/form?county=tekes&township=karadala`);
      // The rules still need a few answers: the form comes back with them opened; show results.
      await elderAloneToResults(page);
      await page.waitForURL(/\/results\/[A-Za-z0-9_-]{43}$/);
      const resultsPath = new URL(page.url()).pathname;
      expect(resultsPath).toMatch(new RegExp(`^/${lang}/results/[A-Za-z0-9_-]{43}$`));
      expect(documents.at(-1)).toEqual({ method: 'GET', url: resultsPath });
      expect(documents.at(-2)).toEqual({ method: 'POST', url: `/${lang}/form` });
      expect(await page.locator('.program').count()).toBeGreaterThan(0);
      expect(await page.locator('.kept-until').innerText()).toMatch(/\d/);
      await expectFitsPhone(page, width, `results-${lang}-${width}`);

      await page.click('.refer a.button');
      await page.fill('#name', lang === 'zh' ? '阿依古丽' : 'ئايگۈل');
      await page.fill('#phone', '13911113333');
      const before = referralCount();
      // First without the consent box: the form comes back (answered to the post) to correct.
      await page.click('form.referral button[type="submit"]');
      await page.locator('#err-consent').waitFor();
      await expectFitsPhone(page, width, `referral-${lang}-${width}`);
      await page.check('input[name="consent"]');
      await page.click('form.referral button[type="submit"]');
      await page.locator('#reference').waitFor();
      const reference = await page.locator('#reference').innerText();
      expect(reference).toMatch(/^TE-[0-9A-Z]{8}$/);
      expect(referralCount()).toBe(before + 1);
      // The sent page repeats the papers to bring and links the results.
      expect(await page.locator('.papers .papers-list').count()).toBeGreaterThan(0);
      expect(await page.locator(`a[href="${resultsPath}"]`).count()).toBe(1);
      await expectFitsPhone(page, width, `sent-${lang}-${width}`);

      // Back over the corrected form and the referral page: each shows the sent page again (its
      // address now shows it), fetched by GET without any question (a failed navigation, such as
      // ERR_CACHE_MISS behind "Confirm Form Resubmission", throws here).
      for (const step of [1, 2]) {
        const back = await page.goBack();
        expect(back?.status()).toBe(200);
        expect(back?.request().method()).toBe('GET');
        expect(await page.locator('#reference').innerText()).toBe(reference);
        expect(referralCount()).toBe(before + 1);
        await page.screenshot({
          path: screenshotPath(`sent-after-back-${step}-${lang}-${width}`),
          fullPage: true,
        });
      }
      // Back again: the results, saying the referral was sent, still no second referral.
      const results = await page.goBack();
      expect(results?.request().method()).toBe('GET');
      expect(new URL(page.url()).pathname).toBe(resultsPath);
      expect(await page.locator('.refer').innerText()).toContain(reference);
      expect(referralCount()).toBe(before + 1);
      // Nothing on the way was a re-post.
      expect(documents.filter((d) => d.method === 'POST').map((d) => d.url)).toEqual([
        `/${lang}/form`,
        `/${lang}/form`,
        `/${lang}/referral/${resultsPath.split('/').pop()}`,
        `/${lang}/referral/${resultsPath.split('/').pop()}`,
      ]);

      // The print view: on the phone it fits; on paper, one A4 sheet (two at the very most).
      await page.click(`a[href="${resultsPath}/print"]`);
      await page.locator('.print-programs').waitFor();
      expect(await page.locator('.reference-line').innerText()).toContain(reference);
      await expectFitsPhone(page, width, `print-${lang}-${width}`);
      const paper = await context.newPage();
      await paper.setViewportSize(a4);
      await paper.goto(page.url());
      await paper.emulateMedia({ media: 'print' });
      const printed = await paper.evaluate(() => {
        let overflowing = 0;
        for (const el of Array.from(document.querySelectorAll('main *')))
          if (el.scrollWidth > el.clientWidth + 1) overflowing++;
        return {
          height: document.documentElement.scrollHeight,
          width: document.documentElement.scrollWidth,
          overflowing,
        };
      });
      expect(printed.width).toBeLessThanOrEqual(a4.width);
      expect(printed.overflowing).toBe(0);
      expect(printed.height).toBeLessThanOrEqual(2 * a4.height);
      await paper.screenshot({ path: screenshotPath(`print-a4-${lang}`), fullPage: true });
      const pdf = await paper.pdf({ format: 'A4', preferCSSPageSize: true });
      writeFileSync(screenshotPath(`print-a4-${lang}`).replace(/\.png$/, '.pdf'), pdf);
      const pages = pdf.toString('latin1').match(/\/Type\s*\/Page(?!s)/g)?.length ?? 0;
      expect(pages).toBeGreaterThanOrEqual(1);
      expect(pages).toBeLessThanOrEqual(2);
      await paper.close();

      // The status page: found by reference and digits, shown at an address of its own (GET).
      await page.goto(`${server.base}/${lang}/status`);
      await page.fill('#reference', reference);
      await page.fill('#digits', '3333');
      await page.click('form button[type="submit"]');
      await page.waitForURL(`**/${lang}/status/referral`);
      expect(await page.locator('[data-status]').getAttribute('data-status')).toBe('new');
      await expectFitsPhone(page, width, `status-${lang}-${width}`);
      const again = await page.reload();
      expect(again?.request().method()).toBe('GET');
      expect(await page.locator('[data-status]').getAttribute('data-status')).toBe('new');
      await context.close();
    });
  }
});
