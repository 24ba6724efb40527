/**
 * The home-visit sheet printed to PDF by a real headless Chromium (issue 16 item 7): a six-member
 * household's sheet is A4 and runs over two pages; every page carries the reference and its page
 * number ("第 1 页 共 2 页") in the margin; the member table is prefilled one row per member, with
 * the two caseworkers' and the village committee's signature lines. The PDF text is read back
 * with test/helpers/pdf-text.ts; the PDFs and print-view screenshots go to test/artifacts.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Answers } from '../../bot/dialog/answers.ts';
import kkStaff from '../../locales/kk/staff.json' with { type: 'json' };
import zhStaff from '../../locales/zh/staff.json' with { type: 'json' };
import { addCaseworker } from '../helpers/admin-cli.ts';
import type { PageClient } from '../helpers/browser-session.ts';
import { chromiumPath, launchChromium, screenshotPath } from '../helpers/chromium.ts';
import { pdfPagesText } from '../helpers/pdf-text.ts';
import { signIn } from '../helpers/staff-sign-in.ts';
import { type Started, startServer } from '../helpers/start-server.ts';
import { seedReferrals } from '../helpers/stored-referrals.ts';

declare const document: { querySelectorAll(s: string): { length: number } };

const reference = 'TE-SIX00001';
const six: Answers = {
  jurisdiction: 'tekes',
  township: 'karadala',
  area: 'rural',
  size: 6,
  members: [
    {
      age: 74,
      laborCapacity: 'none',
      selfCare: 'partial',
      disability: null,
      seriousIllness: true,
      schooling: 'none',
    },
    {
      age: 70,
      laborCapacity: 'none',
      selfCare: 'none',
      disability: { grade: 2, kind: 'physical' },
      seriousIllness: false,
      schooling: 'none',
    },
    {
      age: 46,
      laborCapacity: 'full',
      disability: null,
      seriousIllness: false,
      schooling: 'none',
      employed: true,
    },
    {
      age: 44,
      laborCapacity: 'partial',
      disability: { grade: 4, kind: 'hearing' },
      seriousIllness: false,
      schooling: 'none',
      employed: false,
    },
    {
      age: 17,
      laborCapacity: 'full',
      disability: null,
      seriousIllness: false,
      schooling: 'high_school',
      employed: false,
    },
    { age: 9, disability: null, seriousIllness: false, schooling: 'compulsory' },
  ],
  monthlyIncome: 1800,
  propertyWithinLimits: true,
  legalSupporter: 'none',
  emergency: { kind: 'illness', months: 2, persons: 6, consequence: 'lost_self_care' },
  housingDifficulty: true,
};

/** Whitespace removed: the PDF's text runs are cut at arbitrary places. */
const squeeze = (s: string) => s.replace(/\s+/g, '');

describe.skipIf(!chromiumPath)('the home-visit sheet on A4', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'visit-sheet-'));
  const artifacts = join(process.cwd(), 'test', 'artifacts');
  let server: Started;
  let browser: Browser;
  let worker: PageClient;

  beforeAll(async () => {
    await seedReferrals(dataDir, [
      { reference, lang: 'kk', answers: six, name: 'ايگۇل', phone: '13912340006' },
    ]);
    const password = addCaseworker(dataDir, 'sheet.worker', 'karadala');
    server = await startServer('server/main.ts', { PORT: '0', DATA_DIR: dataDir, LOGINS_PER_MINUTE: '100' });
    worker = await signIn(server.base, 'sheet.worker', password);
    browser = await launchChromium();
    mkdirSync(artifacts, { recursive: true });
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** The sheet in the caseworker's language, printed as Chromium prints it: the PDF and its pages' text. */
  async function printed(lang: 'zh' | 'kk') {
    await worker.get('/staff');
    await worker.post('/staff/lang', { lang, back: '/staff' });
    const context = await browser.newContext({ viewport: { width: 1000, height: 1400 } });
    await context.addCookies(worker.browserCookies(server.base));
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    const res = await page.goto(`${server.base}/staff/referrals/${reference}/print`);
    expect(res?.status()).toBe(200);
    const rows = await page.evaluate(() => document.querySelectorAll('tr.member:not(.extra)').length);
    await page.emulateMedia({ media: 'print' });
    await page.screenshot({ path: screenshotPath(`visit-sheet-${lang}-print-view`), fullPage: true });
    const pdf = await page.pdf({ format: 'A4', preferCSSPageSize: true, printBackground: true });
    writeFileSync(join(artifacts, `visit-sheet-${lang}.pdf`), pdf);
    await context.close();
    return { rows, pdf, pages: pdfPagesText(pdf).map(squeeze) };
  }

  it('zh: two A4 pages, each with the reference and 第 n 页 共 2 页; a row per member; signature lines', async () => {
    const { rows, pdf, pages } = await printed('zh');
    expect(rows).toBe(6);
    // A4 is 595 × 842 points.
    const boxes = [...pdf.toString('latin1').matchAll(/\/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]/g)];
    expect(boxes.length).toBe(pages.length);
    for (const [, w, h] of boxes) expect([Math.round(Number(w)), Math.round(Number(h))]).toEqual([595, 842]);
    expect(pages.length).toBe(2);
    pages.forEach((text, i) => {
      expect(text, `page ${i + 1}`).toContain(reference);
      expect(text, `page ${i + 1}`).toContain(
        squeeze(zhStaff.visit_sheet.page_of.replace('{{page}}', String(i + 1)).replace('{{pages}}', '2')),
      );
    });
    const all = pages.join('');
    for (const line of [
      squeeze(zhStaff.visit_sheet.staff_signature.replace('{{n}}', '1')),
      squeeze(zhStaff.visit_sheet.staff_signature.replace('{{n}}', '2')),
      squeeze(zhStaff.visit_sheet.village_committee),
      squeeze(zhStaff.visit_sheet.village_sign),
      squeeze(zhStaff.visit_sheet.members_title),
    ])
      expect(all).toContain(line);
  });

  it('kk (right to left): the reference and both page numbers on every page', async () => {
    const { rows, pages } = await printed('kk');
    expect(rows).toBe(6);
    expect(pages.length).toBeGreaterThanOrEqual(2);
    pages.forEach((text, i) => {
      expect(text, `page ${i + 1}`).toContain(reference);
      // "{{pages}} بەتتىڭ {{page}}-بەتى": both counters, as digits beside the words (the PDF holds
      // right-to-left text in visual order, so "1-" may come out as "-1").
      expect(text, `page ${i + 1}`).toContain(`${pages.length}`);
      expect(text, `page ${i + 1}`).toMatch(new RegExp(`(^|\\D)(${i + 1}-|-${i + 1})(\\D|$)`));
    });
    expect(kkStaff.visit_sheet.page_of).toContain('{{page}}-');
  });
});
