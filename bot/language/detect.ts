/**
 * Which language a first message is in (shared/GLOSSARY.md, "Telling Uyghur from Kazakh"):
 * Han → Chinese; Cyrillic → Kazakh typed in Cyrillic; Arabic script → Uyghur or Kazakh by the
 * letters only one of them uses. When the evidence is thin the answer is "not sure", and the
 * dialog keeps the session's language or asks.
 */
import type { Language } from '../../locales/i18n.ts';

export interface Detection {
  lang: Language | undefined;
  confident: boolean;
  scores: { ug: number; kk: number };
}

// Evidence weights from the glossary. ۆ ۋ ھ are shared by both languages and count little.
const ugLetters: Record<string, number> = {
  '\u0626': 3,
  '\u06D0': 3,
  '\u06C8': 3,
  '\u062E': 2,
  '\u063A': 2,
  '\u0698': 1,
  '\u06BE': 0.5,
};
const kkLetters: Record<string, number> = {
  '\u0674': 3,
  '\u0621': 3,
  '\u0675': 3,
  '\u0676': 3,
  '\u0677': 3,
  '\u0678': 3,
  '\u0639': 2,
  '\u062D': 2,
};
/**
 * Word-level evidence for the many short messages with none of those letters ("سالەمەتسىز بە",
 * "قازاقشا", "جوق"): words and endings each language has and the other spells differently
 * (Kazakh ж where Uyghur has ي: جاردەم / ياردەم, جوق / يوق, جاس / ياش; the Kazakh question
 * particles بە ما مە … against Uyghur's attached مۇ; Kazakh ي as a vowel between consonants
 * and -ۋ verb nouns after a consonant, where Uyghur writes ى and -ش).
 */
const C =
  '[\u0628\u067E\u062A\u062C\u0686\u062E\u062F\u0631\u0632\u0698\u0633\u0634\u063A\u0641\u0642\u0643\u06AF\u06AD\u0644\u0645\u0646\u06BE\u0639\u062D]';
const end = '(?=$|[\\s\\p{P}\\d])';
const start = '(?:^|(?<=[\\s\\p{P}\\d]))';
const rule = (source: string, weight: number) => ({ re: new RegExp(source, 'gu'), weight });
const kkWords = [
  // Whole words: the question particles, "what", "not".
  rule(`${start}(?:بە|با|ما|مە|پا|پە|نە|ەمەس|جوق|قانداي|قالاي)${end}`, 2),
  rule('سىز(?:بە|با)', 2),
  // Stems: a word starting so (جاس, جاستارى ...).
  rule(`${start}(?:جاردەم|جاس|جۇمىس|جوعارى|سالەم|راقمەت|كومەك|اۋدان|اۋىل|قايىرلى|باستا|مۇگەدەك|كۋالىك)`, 2.5),
  rule('قازاق', 3),
  rule(`${C}\u064A${C}`, 2),
  rule(`${C}\u06CB${end}`, 2),
  rule(`(?:دار|دەر|تار|تەر)(?:ى|ىم|ىڭ|ىمىز|عا|گە|دى|دە)?${end}`, 1),
];
const ugWords = [
  rule(`\u0645\u06C7${end}`, 2),
  rule(`${start}(?:يوق|قانداق|سالام)${end}`, 2.5),
  rule(`${start}(?:ياردەم|ياش|رەھمەت|ياخشى|ناھىيە|داۋالاش|باشلاش|قىلىڭ)`, 2.5),
  rule('لىرى', 1.5),
];

/** Kazakh writes a word-initial vowel bare; Uyghur puts ئ before it. */
const bareInitialVowel = /(?:^|[\s\p{P}\d])[\u0627\u06D5\u0648\u06C7\u06C6\u0649]/gu;

function prepare(raw: string): string {
  return (
    raw
      .slice(0, 1000)
      .normalize('NFKC')
      .replace(/[\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF\u0640]/g, '')
      .replace(/\u06A9/g, '\u0643')
      .replace(/\u06CC/g, '\u064A')
      // A bare ه is written ە at a word's end and ھ elsewhere (glossary).
      .replace(/\u0647(?=$|[\s\p{P}])/gu, '\u06D5')
      .replace(/\u0647/g, '\u06BE')
  );
}

export function detectLanguage(raw: string): Detection {
  const s = prepare(raw);
  const han = (s.match(/\p{Script=Han}/gu) ?? []).length;
  const arabic = (s.match(/\p{Script=Arabic}/gu) ?? []).length;
  const cyrillic = (s.match(/\p{Script=Cyrillic}/gu) ?? []).length;
  let ug = 0;
  let kk = 0;
  for (const c of s) {
    ug += ugLetters[c] ?? 0;
    kk += kkLetters[c] ?? 0;
  }
  kk += (s.match(bareInitialVowel) ?? []).length;
  for (const { re, weight } of kkWords) kk += (s.match(re) ?? []).length * weight;
  for (const { re, weight } of ugWords) ug += (s.match(re) ?? []).length * weight;
  const scores = { ug, kk };

  if (han > 0 && han >= arabic && han >= cyrillic) return { lang: 'zh', confident: true, scores };
  if (cyrillic > arabic) return { lang: 'kk', confident: cyrillic >= 2, scores };
  if (arabic === 0) return { lang: undefined, confident: false, scores };
  if (ug > 0 && ug >= 2 * kk) return { lang: 'ug', confident: true, scores };
  if (kk > 0 && kk >= 2 * ug) return { lang: 'kk', confident: true, scores };
  return { lang: ug >= kk ? 'ug' : 'kk', confident: false, scores };
}
