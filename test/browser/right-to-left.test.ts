/**
 * Right to left, done properly (issue 7): every page a Uyghur or Kazakh reader sees — home,
 * results, status, and the caseworker's referral page — in Chromium, with dir, lang, <bdi>
 * around numbers and references, screenshots saved, and the fonts checked two ways: the fonts
 * Chromium really drew with are Arabic-script Noto fonts, and those fonts (installed by
 * .ci/run) contain every letter the Uyghur and Kazakh texts use, so no glyph is a box.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadResources } from '../../locales/i18n.ts';
import { addCaseworker } from '../helpers/admin-cli.ts';
import { PageClient } from '../helpers/browser-session.ts';
import { chromiumPath, fontsUsed, launchChromium, screenshotPath } from '../helpers/chromium.ts';
import { type Started, startServer } from '../helpers/start-server.ts';

const arabicFonts = /Noto (Naskh|Sans|Kufi) Arabic/;

/** Every distinct Arabic-script character in a language's locale files. */
function lettersOf(lang: 'ug' | 'kk'): string[] {
  const text = JSON.stringify(loadResources()[lang]);
  return [...new Set(text.match(/[\u0600-\u06ff\ufb50-\ufdff\ufe70-\ufeff]/g) ?? [])];
}

describe.skipIf(!chromiumPath)('right to left in Uyghur and Kazakh', () => {
  let server: Started;
  let browser: Browser;
  let dataDir: string;
  let staffPassword: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'rtl-'));
    staffPassword = addCaseworker(dataDir, 'rtl1');
    server = await startServer('server/main.ts', { PORT: '0', DATA_DIR: dataDir });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it.each(['ug', 'kk'] as const)('the installed Noto Arabic fonts contain every %s letter used', (lang) => {
    const missing = lettersOf(lang).filter((ch) => {
      const hex = ch.codePointAt(0)!.toString(16).padStart(4, '0');
      const families = execFileSync('fc-list', [`:charset=${hex}`, 'family']).toString();
      return !arabicFonts.test(families);
    });
    expect(missing.map((c) => `U+${c.codePointAt(0)!.toString(16)}`)).toEqual([]);
  });

  async function checkPage(page: Page, lang: 'ug' | 'kk', name: string, textSelector: string) {
    expect(await page.getAttribute('html', 'dir')).toBe('rtl');
    expect(await page.getAttribute('html', 'lang')).toBe(`${lang}-Arab-CN`);
    const fonts = await fontsUsed(page, textSelector);
    // Arabic-script text drawn with an Arabic Noto font; Chinese names or digits may use CJK/Latin fonts.
    expect(
      fonts.some((f) => arabicFonts.test(f)),
      `${name}: ${fonts.join(', ')}`,
    ).toBe(true);
    expect(fonts.filter((f) => /Last Resort|Tofu/i.test(f))).toEqual([]);
    await page.screenshot({ path: screenshotPath(`rtl-${lang}-${name}`), fullPage: true });
  }

  it.each([
    'ug',
    'kk',
  ] as const)('%s: home, results, status and the caseworker page read right to left', async (lang) => {
    const context = await browser.newContext({ viewport: { width: 375, height: 800 }, deviceScaleFactor: 2 });
    const page = await context.newPage();
    await page.goto(`${server.base}/${lang}`);
    await checkPage(page, lang, 'home', 'main h1, main .choice span');

    await page.goto(`${server.base}/${lang}/form?county=tekes&township=karadala`);
    await page.check('input[name="area"][value="rural"]');
    await page.fill('input[name="age_0"]', '45');
    await page.selectOption('select[name="work_0"]', 'full');
    await page.fill('input[name="age_1"]', '43');
    await page.selectOption('select[name="work_1"]', 'full');
    await page.fill('#income', '600');
    await page.check('input[name="property"][value="yes"]');
    await page.click('.actions button[value="submit"]');
    await page.click('.actions button[value="results"]');
    // Amounts isolated inside right-to-left sentences.
    expect(await page.locator('.program[data-program="dibao"] .amount').innerHTML()).toContain(
      '<bdi>668</bdi>',
    );
    await checkPage(page, lang, 'results', '.program h3, .program .verdict, .program p');

    await page.click('.refer a.button');
    await page.check('input[name="consent"]');
    await page.fill('#name', lang === 'ug' ? 'ئايگۈل' : 'ايگۇل');
    await page.fill('#phone', '13955556666');
    await page.click('form.referral button[type="submit"]');
    const reference = await page.locator('#reference').innerText();
    await page.goto(`${server.base}/${lang}/status`);
    await page.fill('#reference', reference);
    await page.fill('#digits', '6666');
    await page.click('form button[type="submit"]');
    expect(await page.locator('#status-title').innerHTML()).toContain(`<bdi>${reference}</bdi>`);
    await checkPage(page, lang, 'status', '.status-result p, .status-result h2');
    await context.close();

    // The caseworker reads the same referral with the staff pages in the resident's language.
    const staff = new PageClient(server.base);
    await staff.get('/staff/login');
    await staff.post('/staff/login', { username: 'rtl1', password: staffPassword });
    await staff.get('/staff/password');
    if (staff.last.includes('name="repeat"'))
      await staff.post('/staff/password', {
        current: staffPassword,
        new: 'rtl caseworker pw',
        repeat: 'rtl caseworker pw',
      });
    staffPassword = 'rtl caseworker pw';
    await staff.get('/staff');
    await staff.post('/staff/lang', { lang, back: '/staff' });
    const desk = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const cookies = staff
      .cookieHeader()
      .split('; ')
      .map((c) => {
        const [name, ...value] = c.split('=');
        return { name: name!, value: value.join('='), url: server.base };
      });
    await desk.addCookies(cookies.map((c) => ({ ...c, url: `${server.base}/staff` })));
    const s = await desk.newPage();
    await s.goto(`${server.base}/staff/referrals/${reference}`);
    expect(s.url()).toBe(`${server.base}/staff/referrals/${reference}`);
    expect(await s.locator('h1').innerHTML()).toContain(`<bdi>${reference}</bdi>`);
    await checkPage(s, lang, 'staff-referral', 'main h1, main h2, dl.facts dt');
    await desk.close();
  });
});
