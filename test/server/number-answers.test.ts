/**
 * One number reader for chat and form (issue 15, item 5): the same table of what residents type
 * goes through the web chat and the one-page form of a really started server, in the language
 * it is typed in. The chat must say back the figure it understood; the form must compute the
 * same results as for the plain figure, and ask the resident to check a range it filled in.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Language, translator } from '../../locales/i18n.ts';
import { PageClient, textOf } from '../helpers/browser-session.ts';
import { type Started, startServer } from '../helpers/start-server.ts';

let server: Started;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'numbers-'));
  server = await startServer('server/main.ts', {
    PORT: '0',
    DATA_DIR: dataDir,
    RATE_LIMIT_PER_MINUTE: '100000',
    NEW_CONVERSATIONS_PER_HOUR: '100000',
  });
});
afterAll(async () => {
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** [language, what the resident types as the monthly income, the figure meant, a range?] */
const incomes: [Language, string, number, [number, number]?][] = [
  ['zh', '600', 600],
  ['zh', '٦٠٠', 600],
  ['zh', '۶۰۰', 600],
  ['zh', '６００', 600],
  ['zh', '1,200', 1200],
  ['zh', '1 200', 1200],
  ['zh', '1٬200', 1200],
  ['zh', '1200,5', 1200.5],
  ['zh', '1200.5', 1200.5],
  ['zh', '800元', 800],
  ['zh', '一千五', 1500],
  ['zh', '没有', 0],
  ['zh', '无', 0],
  ['zh', '零', 0],
  ['zh', '600-800', 700, [600, 800]],
  ['zh', '600到800', 700, [600, 800]],
  ['zh', '600～800', 700, [600, 800]],
  ['ug', '٧٠٠', 700],
  ['ug', '۷۰۰ يۈەن', 700],
  ['ug', 'يوق', 0],
  ['ug', 'كىرىمىم يوق', 0],
  ['ug', 'نۆل', 0],
  ['ug', '٦٠٠-٨٠٠', 700, [600, 800]],
  ['kk', '٨٠٠ يۋان', 800],
  ['kk', 'جوق', 0],
  ['kk', 'تابىسىم جوق', 0],
  ['kk', 'نول', 0],
  ['kk', '600～800', 700, [600, 800]],
];
/** Ages as phones type them; each means 72. */
const ages = ['72', '٧٢', '۷۲', '７２', '72岁'];

const squash = (html: string) => textOf(html).replace(/\s+/g, '');
const back: Record<Language, string> = { zh: '返回', ug: 'قايتىش', kk: 'قايتۋ' };

/** A form post, following a redirect to the results if the server answers with one. */
async function post(page: PageClient, lang: Language, fields: [string, string][]) {
  const res = await page.post(`/${lang}/form`, fields);
  if (res.status >= 300 && res.status < 400) await page.get(res.headers.get('location')!);
  return page;
}

/** Everything the form asks, every section shown: one post gives results. */
const household = (income: string, age = '45', work = 'none'): [string, string][] => [
  ['rows', '4'],
  ['county', 'tekes'],
  ['township', 'karadala'],
  ['area', 'rural'],
  ['age_0', age],
  ['work_0', work],
  ['age_1', '43'],
  ['work_1', 'full'],
  ['income', income],
  ['property', 'yes'],
  ...['people', 'spending', 'emergency', 'support', 'housing', 'current'].map((s): [string, string] => [
    'seen',
    s,
  ]),
  ['emergency', 'none'],
  ['supporter', 'able'],
  ['housing', 'no'],
  ['action', 'results'],
];

/** The programs part of a results page: what the figure decides. */
function programsOf(html: string): string {
  const list = /<ul class="programs">[\s\S]*?<\/ul>\s*(?=<p|<\/section)/.exec(html)?.[0];
  expect(list, 'a results page').toBeDefined();
  return squash(list!);
}

async function formResults(lang: Language, fields: [string, string][]) {
  const page = new PageClient(server.base);
  await page.get(`/${lang}/form`);
  await post(page, lang, fields);
  return page;
}

describe('the form reads numbers as the chat does', () => {
  const plain = new Map<string, string>();
  // A person of 72 who can work fully counts as able to work; a child of 10 does not.
  const resultsFor = async (lang: Language, income: string, age?: string) => {
    const key = `${lang}/${income}/${age}`;
    const fields = age ? household(income, age, 'full') : household(income);
    if (!plain.has(key)) plain.set(key, programsOf((await formResults(lang, fields)).last));
    return plain.get(key)!;
  };

  it('compares results that depend on the figure (else the table could not fail)', async () => {
    const pages = await Promise.all(['0', '600', '700', '1200'].map((i) => resultsFor('zh', i)));
    expect(new Set(pages).size).toBe(4);
    expect(await resultsFor('zh', '300', '72')).not.toBe(await resultsFor('zh', '300', '10'));
  });

  it.each(incomes)('%s form: income "%s" is %d', async (lang, typed, meant, range) => {
    const page = await formResults(lang, household(typed));
    if (range) {
      // Not taken silently: the middle is filled in and the resident asked to check it.
      expect(page.status).toBe(400);
      expect(page.last).toContain(`name="income" value="${meant}"`);
      const message = /<p class="error" id="err-income">([\s\S]*?)<\/p>/.exec(page.last)?.[1] ?? '';
      expect(squash(message)).toBe(
        squash(translator(lang)('web.errors.range_check', { low: range[0], high: range[1], amount: meant })),
      );
      await post(page, lang, household(String(meant)));
    }
    expect(page.last).not.toContain('id="err-income"');
    expect(programsOf(page.last)).toBe(await resultsFor(lang, String(meant)));
  });

  it.each(ages)('age "%s" is 72 in every language', async (typed) => {
    for (const lang of ['zh', 'ug', 'kk'] as const) {
      const page = await formResults(lang, household('300', typed, 'full'));
      expect(page.last).not.toContain('id="err-age_0"');
      expect(programsOf(page.last)).toBe(await resultsFor(lang, '300', '72'));
    }
  });

  it('says the real upper age limit when an age is out of range', async () => {
    const page = await formResults('ug', household('300', '200'));
    expect(page.status).toBe(400);
    const message = /<p class="error" id="err-age_0">([\s\S]*?)<\/p>/.exec(page.last)?.[1] ?? '';
    expect(squash(message)).toBe(squash(translator('ug')('web.errors.age', { max: 130 })));
  });
});

describe('the chat reads the same numbers and says back what it understood', () => {
  for (const lang of ['zh', 'ug', 'kk'] as const) {
    it(`${lang} chat`, async () => {
      const t = translator(lang);
      const page = new PageClient(server.base);
      await page.get(`/${lang}/chat`);
      const at = () => /name="at" value="([^"]*)"/.exec(page.last)?.[1] ?? '';
      const say = async (field: 'text' | 'quick', value: string) => {
        const res = await page.post(`/${lang}/chat`, { [field]: value, at: at() });
        expect(res.status).toBe(200);
        return squash(page.last);
      };
      // County, township, rural, two people, ages typed as a phone types them, both can work.
      for (const [f, v] of [
        ['quick', '1'],
        ['quick', '3'],
        ['quick', '2'],
        ['text', '2'],
      ] as const)
        await say(f, v);
      expect(await say('text', '٧٢ ۷۰')).toContain(squash(t('chat.questions.work', { age: 72 })));
      await say('quick', '1');
      expect(await say('quick', '1')).toContain(squash(t('chat.questions.income')));
      for (const [rowLang, typed, meant, range] of incomes) {
        if (rowLang !== lang) continue;
        const shown = await say('text', typed);
        const expected = range
          ? t('chat.understood.income_range', { amount: meant, low: range[0], high: range[1] })
          : t('chat.understood.income', { amount: meant });
        expect(shown, typed).toContain(squash(expected));
        // "Back" returns to the income question for the next row.
        expect(await say('text', back[lang])).toContain(squash(t('chat.questions.income')));
      }
    });
  }
});
