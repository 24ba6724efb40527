// @vitest-environment jsdom
/**
 * The mini-program's real pages in miniprogram-simulate, with wx.request reaching a really
 * started server: a language is tapped and remembered, the questionnaire opens in it and shows
 * the API's first question, and tapped and typed answers bring the next ones, in zh, ug and kk.
 * Uyghur and Kazakh pages are right to left. Expected words are read from locales/, not written
 * here, so a page that showed another language's text (or none) fails.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Started, startServer } from '../helpers/start-server.ts';
import { buildMiniprogram, fakeWx, openPage, repoRoot, waitFor } from './harness.ts';

const locale = (lang: string, file: string) =>
  JSON.parse(readFileSync(join(repoRoot, 'locales', lang, `${file}.json`), 'utf8'));

let server: Started;
let built: ReturnType<typeof buildMiniprogram>;
const dataDir = mkdtempSync(join(tmpdir(), 'miniprogram-api-'));

beforeAll(async () => {
  built = buildMiniprogram();
  server = await startServer('server/main.ts', { PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir });
});
afterAll(async () => {
  await server?.stop();
  built?.remove();
  rmSync(dataDir, { recursive: true, force: true });
});

type Page = ReturnType<typeof openPage>;
const text = (page: Page) => page.dom!.textContent ?? '';
/** True when the page's root view carries the right-to-left class. */
const rtl = (page: Page) =>
  page
    .querySelector('.root')!
    .dom!.className.split(/\s+/)
    .some((c: string) => /(^|--)rtl$/.test(c));

describe.each(['zh', 'ug', 'kk'] as const)('mini-program in %s', (lang) => {
  const chat = locale(lang, 'chat');
  const web = locale(lang, 'web');

  it('remembers the tapped language and opens the questionnaire', async () => {
    const wx = fakeWx(built.dir, server.base);
    const page = openPage(built.dir, 'language');
    expect(text(page)).toContain(web.site.language_name);
    page.querySelector(`.lang-${lang}`)!.dispatchEvent('tap');
    await waitFor(() => wx.navigations.length, 'the questionnaire to open');
    expect(wx.storage.get('lang')).toBe(lang);
    expect(wx.navigations).toEqual(['/pages/questionnaire/index']);
  });

  it('asks the API for the first question and the next after a tap and a typed answer', async () => {
    const wx = fakeWx(built.dir, server.base);
    wx.storage.set('lang', lang);
    const page = openPage(built.dir, 'questionnaire');
    expect(wx.titles.at(-1)).toBe(web.chat.title);
    expect(rtl(page)).toBe(lang !== 'zh');

    await waitFor(() => text(page).includes(chat.questions.county), 'the county question');
    // The counties are buttons (the API's numbered options), not lines of text.
    expect(page.querySelectorAll('.choice').length).toBeGreaterThan(1);
    page.querySelectorAll('.choice')[0]!.dispatchEvent('tap');
    await waitFor(() => text(page).includes(chat.questions.township), 'the township question');
    page.querySelectorAll('.choice')[0]!.dispatchEvent('tap');
    await waitFor(() => text(page).includes(chat.questions.area), 'the area question');
    page.querySelectorAll('.choice')[0]!.dispatchEvent('tap');
    await waitFor(() => text(page).includes(chat.questions.size), 'the household size question');

    // Typed: the household size, then send.
    page.querySelector('.answer')!.dispatchEvent('input', { detail: { value: '2' } });
    page.querySelector('.send')!.dispatchEvent('tap');
    await waitFor(() => text(page).includes(chat.questions.ages), 'the ages question');
    // The question shown is the next one (the size is listed above, among the answers).
    expect(page.querySelector('.prompt')!.dom!.textContent).not.toContain(chat.questions.size);
    expect(rtl(page)).toBe(lang !== 'zh');
    // Nothing the resident answered is kept on the phone: only the language.
    expect([...wx.storage.keys()]).toEqual(['lang']);
    // Every request went to the configured server base (config.ts), none elsewhere.
    expect(wx.requests.every((u) => u.startsWith('https://assist.example.invalid/api/v1/'))).toBe(true);
  });
});

/** Every page listed in app.json, stubs included, in Uyghur and Kazakh: mirrored, titled. */
describe.each(['ug', 'kk'] as const)('every page in %s', (lang) => {
  const pages: string[] = JSON.parse(readFileSync(join(repoRoot, 'miniprogram', 'app.json'), 'utf8')).pages;
  const titles = Object.values(locale(lang, 'web')).flatMap((v) => Object.values(v as object));

  it.each(pages.map((p) => p.split('/')[1]!))('%s is right to left, its title in the language', (name) => {
    const wx = fakeWx(built.dir, server.base);
    wx.storage.set('lang', lang);
    const page = openPage(built.dir, name);
    expect(rtl(page)).toBe(true);
    expect([...titles, locale(lang, 'chat').results.title]).toContain(wx.titles.at(-1));
  });
});
