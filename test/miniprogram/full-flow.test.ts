// @vitest-environment jsdom
/**
 * A resident goes through the whole questionnaire in the mini-program's real pages
 * (miniprogram-simulate), by taps and typed numbers, against a really started server, in zh, ug
 * and kk, and reads the results cards: program name, verdict, amount and the clause behind a
 * reason, in the language (expected words come from locales/, not from this file). On the way: a
 * double tap sends one request; a mistyped age and a mistyped income bring the dialog's re-ask and
 * lose nothing already answered; Uyghur and Kazakh pages are right to left with numbers isolated.
 * The answers are the Tekes rural couple of test/server/conversation-replies.test.ts (45 and 43,
 * able to work, 600 yuan a month): the rules give them dibao, 668 yuan a month.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Started, startServer } from '../helpers/start-server.ts';
import { buildMiniprogram, type FakeWx, fakeWx, openPage, repoRoot, waitFor } from './harness.ts';

// biome-ignore lint/suspicious/noExplicitAny: locale JSON read back from the files
type Json = any;
const locale = (lang: string, file: string): Json =>
  JSON.parse(readFileSync(join(repoRoot, 'locales', lang, `${file}.json`), 'utf8'));

let server: Started;
let built: ReturnType<typeof buildMiniprogram>;
const dataDir = mkdtempSync(join(tmpdir(), 'miniprogram-flow-'));

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
type Node = NonNullable<ReturnType<Page['querySelector']>>;
const text = (n: Page | Node) => n.dom!.textContent ?? '';
/** Classes as written in WXML (miniprogram-simulate prefixes them with the component's name). */
const classes = (n: Node): string[] =>
  n.dom!.className.split(/\s+/).map((c: string) => c.replace(/^.*--/, ''));
const root = (page: Page) => page.querySelector('.root')!;
const all = (page: Page, selector: string) => page.querySelectorAll(selector) as Node[];
const tap = (n: Node) => n.dispatchEvent('tap');
const type = (n: Node, value: string) => n.dispatchEvent('input', { detail: { value } });

/** The step of the question shown (the prompt's step-<id> class), or '' when none is. */
const step = (page: Page) =>
  classes(page.querySelector('.prompt') ?? root(page))
    .find((c) => c.startsWith('step-'))
    ?.slice(5) ?? '';

/** Does `act`, then waits until the page has its answer (one more request, and not busy). */
async function answered(page: Page, wx: FakeWx, act: () => void, what: string) {
  const before = wx.requests.length;
  const navigated = wx.navigations.length;
  act();
  await waitFor(
    () =>
      wx.requests.length > before &&
      (!classes(root(page)).includes('busy') || wx.navigations.length > navigated),
    what,
  );
}

describe.each(['zh', 'ug', 'kk'] as const)('the whole questionnaire in %s', (lang) => {
  const chat = locale(lang, 'chat');
  const web = locale(lang, 'web');
  const screen = locale(lang, 'screen');
  const rtl = lang !== 'zh';

  it('is answered by taps and typed numbers and ends in result cards in the language', async () => {
    const wx = fakeWx(built.dir, server.base);
    wx.storage.set('lang', lang);
    const page = openPage(built.dir, 'questionnaire');
    expect(classes(root(page)).includes('rtl')).toBe(rtl);
    await waitFor(() => step(page) === 'county', 'the county question');
    // One call starts it, in the language (no language menu answered first).
    expect(wx.requests).toHaveLength(1);

    // A double tap on a county: one request, one step on.
    const county = all(page, '.choice')[0]!;
    const countyLabel = text(county);
    await answered(
      page,
      wx,
      () => {
        tap(county);
        tap(county);
      },
      'the county answer',
    );
    expect(wx.requests).toHaveLength(2);
    expect(step(page)).toBe('township');

    let mistypedAge = false;
    let mistypedIncome = false;
    for (let i = 0; i < 40 && !wx.navigations.length; i++) {
      const now = step(page);
      const choices = all(page, '.choice');
      const act = (): (() => void) => {
        switch (now) {
          case 'area':
            return () => tap(choices[1]!); // rural
          case 'size':
            return () => {
              type(page.querySelector('.answer')!, '2');
              tap(page.querySelector('.send')!);
            };
          case 'ages': {
            const boxes = all(page, '.age');
            expect(boxes).toHaveLength(2); // one box per person the size gave
            return () => {
              if (!mistypedAge) type(boxes[0]!, '45');
              type(boxes[1]!, mistypedAge ? '43' : '200');
              tap(page.querySelector('.send-ages')!);
            };
          }
          case 'income':
            return () => {
              type(page.querySelector('.answer')!, mistypedIncome ? '600' : '1.2.3');
              tap(page.querySelector('.send')!);
            };
          case 'property':
            return () => tap(choices[0]!); // within the limits
        }
        // Several people or programs: "none of these"; a yes/no: no; a choice: the first.
        const none = page.querySelector('.none');
        if (none) return () => tap(none);
        if (choices.length === 2 && step(page) !== 'area') return () => tap(choices[1]!);
        if (choices.length) return () => tap(choices[0]!);
        throw new Error(`no control for step ${now}: ${text(page)}`);
      };
      await answered(page, wx, act(), `the answer to ${now}`);

      if (now === 'ages' && !mistypedAge) {
        mistypedAge = true;
        // The re-ask: the dialog's words and the same question. The first age is not typed
        // again below: it is still in its box (else the dialog would re-ask forever).
        expect(text(page)).toContain(chat.hints.age_out_of_range);
        expect(step(page)).toBe('ages');
        // Nothing answered before is lost: the county and the size are still listed as answered.
        expect(text(page.querySelector('.history')!)).toContain(countyLabel);
        expect(all(page, '.answered').length).toBe(4);
      }
      if (now === 'income' && !mistypedIncome) {
        mistypedIncome = true;
        expect(text(page)).toContain(chat.hints.not_a_number);
        expect(step(page)).toBe('income');
      }
    }
    expect(mistypedAge && mistypedIncome).toBe(true);

    // Results: the app opens the results page for this conversation.
    expect(wx.navigations).toHaveLength(1);
    const url = wx.navigations[0]!;
    const id = /^\/pages\/results\/index\?id=([0-9a-f-]{36})$/.exec(url)?.[1];
    expect(id, url).toBeDefined();
    // The cards wait in the running app; the phone's storage keeps only the language.
    expect((wx.app.globalData as Json).results.id).toBe(id);
    expect([...wx.storage.keys()]).toEqual(['lang']);

    const results = openPage(built.dir, 'results', { id: id! });
    expect(wx.titles.at(-1)).toBe(chat.results.title);
    expect(classes(root(results)).includes('rtl')).toBe(rtl);
    const dibao = results.querySelector('.program-dibao')!;
    expect(dibao, text(results)).toBeTruthy();
    expect(text(results.querySelector('.program-dibao .name')!)).toBe(screen.programs.dibao);
    expect(text(results.querySelector('.program-dibao .verdict')!)).toBe(screen.verdicts.likely);
    // The earlier answers made the amount: 2 people, 600 yuan a month.
    expect(text(results.querySelector('.program-dibao .amount')!)).toBe(
      web.results.monthly.replace('{{amount}}', '668'),
    );
    if (rtl) expect(all(results, '.program-dibao .amount .iso').map((n) => text(n))).toContain('668');
    expect(text(results.querySelector('.program-dibao .tier')!)).toContain(web.results.tier.split('{{')[0]);
    expect(text(results.querySelector('.program-dibao .papers')!)).toContain(
      web.results.papers.split('{{')[0],
    );

    // Why: each reason with its clause, the citation in the language's own words.
    expect(results.querySelector('.program-dibao .clause')).toBeFalsy();
    tap(results.querySelector('.program-dibao .why')!);
    await waitFor(() => all(results, '.program-dibao .clause').length, 'the reasons to open');
    const clauses = all(results, '.program-dibao .clause').map((n) => text(n));
    const cited = [screen.sources.own, screen.sources.borrowed].map((s: string) => s.split('{{')[0]);
    for (const c of clauses)
      expect(
        cited.some((p) => c.startsWith(p)),
        c,
      ).toBe(true);
    if (rtl) expect(clauses.join('')).toMatch(/[\u0600-\u06ff]{4}/);
    expect(text(results)).toContain(web.site.decides);

    // "Ask my township to contact me" opens the referral page for the same conversation.
    tap(results.querySelector('.refer-button')!);
    await waitFor(() => wx.navigations.length === 2, 'the referral page to open');
    expect(wx.navigations.at(-1)).toBe(`/pages/referral/index?id=${id}`);
    tap(results.querySelector('.start-over')!);
    await waitFor(() => wx.navigations.length === 3, 'a new questionnaire to open');
    expect(wx.navigations.at(-1)).toBe('/pages/questionnaire/index');
  });

  it('goes back to the previous question with Back, which the dialog supports', async () => {
    const wx = fakeWx(built.dir, server.base);
    wx.storage.set('lang', lang);
    const page = openPage(built.dir, 'questionnaire');
    await waitFor(() => step(page) === 'county', 'the county question');
    // Nothing answered yet: nothing to go back to.
    expect(page.querySelector('.back')).toBeFalsy();
    await answered(page, wx, () => tap(all(page, '.choice')[0]!), 'the county answer');
    await answered(page, wx, () => tap(all(page, '.choice')[0]!), 'the township answer');
    expect(step(page)).toBe('area');
    expect(all(page, '.answered')).toHaveLength(2);
    expect(text(page.querySelector('.back')!)).toBe(web.chat.back);
    await answered(page, wx, () => tap(page.querySelector('.back')!), 'going back');
    expect(step(page)).toBe('township');
    expect(all(page, '.answered')).toHaveLength(1);
    expect(text(page.querySelector('.prompt')!)).toBe(chat.questions.township);
  });

  it('says the results are gone when the app no longer holds them', () => {
    const wx = fakeWx(built.dir, server.base);
    wx.storage.set('lang', lang);
    const results = openPage(built.dir, 'results', { id: '00000000-0000-4000-8000-000000000000' });
    expect(text(results)).toContain(web.results.gone);
    expect(results.querySelector('.card')).toBeFalsy();
    expect(classes(root(results)).includes('rtl')).toBe(rtl);
  });
});
