/**
 * Yes and no in Chinese, Uyghur and Kazakh (Arabic script, Latin Uyghur, Cyrillic Kazakh), as
 * the glossary lists them. The session's language is tried first; then the others, so a
 * Uyghur speaker typing 是 is understood. Uyghur يا means "or", so a bare يا is "yes" only in
 * a Kazakh session.
 */
import type { Language } from '../../locales/i18n.ts';
import { maxAnswerLength, normalizeAnswer } from './normalize.ts';
import { fail, type Parsed } from './result.ts';

type Words = { yes: string[]; no: string[] };

// After normalizeAnswer: lower case, Kazakh hamza removed (ءيا → يا), Persian forms folded.
const words: Record<Language, Words> = {
  zh: {
    yes: [
      '是',
      '是的',
      '对',
      '对的',
      '嗯',
      '嗯嗯',
      '好',
      '好的',
      '可以',
      '有',
      '有的',
      '行',
      '要',
      '需要',
      '同意',
      'yes',
      'y',
      'ok',
    ],
    no: ['不是', '否', '不', '没有', '没', '不对', '无', '不要', '不用', '不需要', '不同意', 'no', 'n'],
  },
  ug: {
    yes: ['ھەئە', 'ھە', 'شۇنداق', 'بولىدۇ', 'ماقۇل', 'بار', 'hee', 'he', 'xe', 'bar', 'maqul'],
    no: ['ياق', 'ئەمەس', 'يوق', 'yaq', 'yoq', 'emes'],
  },
  kk: {
    yes: ['يا', 'ماقۇل', 'بولادى', 'بار', 'иә', 'ия', 'иа', 'бар'],
    no: ['جوق', 'ەمەس', 'жоқ', 'жок', 'емес'],
  },
};

/** "Don't know" is not "no", though in Chinese it starts with 不. */
const unsure = [
  '不知道',
  '不清楚',
  '不确定',
  '不一定',
  '不晓得',
  '不好说',
  '说不清',
  'بىلمەيمەن',
  'بىلمىدىم',
  'بىلمەيمىن',
  'не знаю',
  'білмеймін',
];

const trailing = /[\s.。!！?？,，،؟؛;:：…~～]+$/;

export function parseYesNo(raw: string, lang: Language): Parsed<boolean> {
  if (raw.length > maxAnswerLength) return fail('too_long');
  const s = normalizeAnswer(raw).replace(trailing, '');
  if (s === '') return fail('empty');
  if (unsure.some((u) => s.startsWith(u))) return fail('not_yes_no');
  const order: Language[] = [lang, ...(['zh', 'ug', 'kk'] as const).filter((l) => l !== lang)];
  for (const l of order) {
    const w = words[l];
    const yes = w.yes.filter((x) => l === lang || x !== 'يا');
    const hit = longestMatch(s, yes, w.no);
    if (hit !== undefined) return { ok: true, value: hit };
  }
  return fail('not_yes_no');
}

/** The whole answer, or its first word, is a yes or no word; the longest match wins (没有 over 有). */
function longestMatch(s: string, yes: string[], no: string[]): boolean | undefined {
  let best: { length: number; value: boolean } | undefined;
  for (const [list, value] of [
    [yes, true],
    [no, false],
  ] as const) {
    for (const word of list) {
      if (s === word || startsAsWord(s, word)) {
        if (!best || word.length > best.length) best = { length: word.length, value };
      }
    }
  }
  return best?.value;
}

function startsAsWord(s: string, word: string): boolean {
  if (!s.startsWith(word)) return false;
  const next = s[word.length];
  // Chinese has no spaces: 是的我们家 starts with 是的. Other scripts need a word boundary.
  return /[\u4e00-\u9fff]/.test(word) ? true : next === undefined || /[\s.,，、。!！?？،؟]/.test(next);
}
