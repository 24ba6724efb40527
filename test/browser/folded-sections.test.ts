/**
 * Folded sections look like they open (issue 15, item 6): on a 360-px phone in Uyghur, Kazakh
 * and Chinese, every <summary> draws a triangle pointing along the line (to the left on
 * right-to-left pages), turned down once open, says "open" in words while folded, and is a tap
 * target at least 48 px high across the section. A person who cannot work gets their "more
 * about this person" opened. Screenshots (folded and opened) are saved for review.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { translator } from '../../locales/i18n.ts';
import { chromiumPath, screenshotPath } from '../helpers/chromium.ts';
import { pageWidths, phoneContext, serverAndBrowser } from '../helpers/phone-browser.ts';

// Browser globals used inside page functions (the project compiles without the DOM library).
interface El {
  open: boolean;
  getBoundingClientRect(): { height: number; width: number };
  querySelector(s: string): El | null;
  closest(s: string): El | null;
}
declare const document: { querySelector(s: string): El | null };
declare function getComputedStyle(
  el: El,
  pseudo?: string,
): {
  display: string;
  borderLeftWidth: string;
  borderRightWidth: string;
  borderTopWidth: string;
  borderLeftColor: string;
  borderRightColor: string;
  borderTopColor: string;
};

const width = 360;

/** What a summary shows: the triangle's coloured side, the words, the tap target's size. */
function summaryLook(page: Page, selector: string) {
  return page.evaluate((sel) => {
    const summary = document.querySelector(sel)!;
    const details = summary.closest('details')!;
    const before = getComputedStyle(summary, '::before');
    const opens = summary.querySelector('.opens');
    const solid = (w: string, c: string) => Number.parseFloat(w) > 0 && !/rgba\(.*, 0\)|transparent/.test(c);
    return {
      open: details.open,
      points: solid(before.borderTopWidth, before.borderTopColor)
        ? 'down'
        : solid(before.borderLeftWidth, before.borderLeftColor)
          ? 'right'
          : solid(before.borderRightWidth, before.borderRightColor)
            ? 'left'
            : 'none',
      wordsShown: opens ? getComputedStyle(opens).display !== 'none' : null,
      height: summary.getBoundingClientRect().height,
      share: summary.getBoundingClientRect().width / details.getBoundingClientRect().width,
    };
  }, selector);
}

describe.skipIf(!chromiumPath)('folded sections show that they open', () => {
  const run = serverAndBrowser('folds-', { RATE_LIMIT_PER_MINUTE: '10000' });

  it.each(['ug', 'kk', 'zh'] as const)('%s form at 360 px: folded, then opened', async (lang) => {
    const along = lang === 'zh' ? 'right' : 'left';
    const context = await phoneContext(run.browser, width);
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(`${run.server.base}/${lang}/form?county=tekes&township=karadala`);
    const more = 'fieldset.person details.more > summary';
    const spending = 'details.section > summary';

    for (const sel of [more, spending]) {
      expect(await summaryLook(page, sel), sel).toMatchObject({
        open: false,
        points: along,
        wordsShown: true,
      });
      const look = await summaryLook(page, sel);
      expect(look.height).toBeGreaterThanOrEqual(48);
      expect(look.share).toBeGreaterThan(0.8); // the whole row, inside the section's padding
    }
    expect(await page.locator(more).first().locator('.opens').innerText()).toBe(
      translator(lang)('web.form.tap_open'),
    );
    await page
      .locator('fieldset.person')
      .first()
      .screenshot({ path: screenshotPath(`folds-${lang}-folded-${width}`) });

    // The first person cannot work: their section opens by itself; the second stays folded.
    await page.fill('input[name="age_0"]', '٧٢');
    await page.selectOption('select[name="work_0"]', 'none');
    expect(await summaryLook(page, more)).toMatchObject({ open: true, points: 'down', wordsShown: false });
    expect(await summaryLook(page, 'fieldset.person:nth-of-type(2) details.more > summary')).toMatchObject({
      open: false,
      points: along,
    });
    // A tap anywhere on the row opens a section.
    await page.locator(spending).first().tap();
    expect(await summaryLook(page, spending)).toMatchObject({
      open: true,
      points: 'down',
      wordsShown: false,
    });
    await page
      .locator('fieldset.person')
      .first()
      .screenshot({ path: screenshotPath(`folds-${lang}-opened-${width}`) });
    // What the phone shows: the spending section opened, the sections after it still folded.
    await page
      .locator(spending)
      .first()
      .evaluate((el) => (el as unknown as { scrollIntoView(): void }).scrollIntoView());
    await page.screenshot({ path: screenshotPath(`folds-${lang}-both-${width}`) });
    expect((await pageWidths(page)).scrollWidth).toBe(width);
    await context.close();
  });

  it('opens a folded person server-side too (no JavaScript); the reasons say that they open', async () => {
    const context = await run.browser.newContext({
      viewport: { width, height: 740 },
      javaScriptEnabled: false,
    });
    const page = await context.newPage();
    await page.goto(`${run.server.base}/ug/form?county=tekes&township=karadala`);
    await page.check('input[name="area"][value="rural"]');
    await page.fill('input[name="age_0"]', '٧٠');
    await page.selectOption('select[name="work_0"]', 'none');
    await page.fill('input[name="age_1"]', '40');
    await page.selectOption('select[name="work_1"]', 'full');
    await page.fill('#income', 'يوق');
    // No answer about property: the form comes back with that error and what was typed.
    await page.click('.actions button[value="submit"]');
    await page.locator('#err-property').waitFor();
    expect(await page.locator('details.more').nth(0).getAttribute('open')).not.toBeNull();
    expect(await page.locator('details.more').nth(1).getAttribute('open')).toBeNull();
    await page.check('input[name="property"][value="yes"]');
    await page.click('.actions button[value="submit"]');
    if (await page.locator('.actions button[value="results"]').count())
      await page.click('.actions button[value="results"]');
    await page.locator('.program').first().waitFor();
    // The reasons stay folded (a dibao card has some fifteen), but say that they open.
    expect(await summaryLook(page, '.program details.why > summary')).toMatchObject({
      open: false,
      points: 'left',
    });
    expect(await page.locator('.program details.why > summary').first().innerText()).toBe(
      translator('ug')('web.results.why'),
    );
    await page
      .locator('.program')
      .first()
      .screenshot({ path: screenshotPath(`folds-ug-results-${width}`) });
    await context.close();
  });
});
