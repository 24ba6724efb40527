/**
 * The one reader for the numbers a resident gives, used by the chat (bot/dialog/read-answer.ts)
 * and the one-page form (server/web/household-form.ts) alike, so "٧٢", "۷۲", "７２", "七十二",
 * "没有", "600-800" mean the same wherever they are typed.
 *
 * Besides the value it says how the figure was read (`reading`), so both channels can say it
 * back: a range is taken at its middle and never silently (the chat repeats "understood: 700",
 * the form asks the resident to check the figure it filled in).
 */
import { languages, translator } from '../../locales/i18n.ts';
import { limits } from '../../rules/engine/household-values.ts';
import { maxAnswerLength, normalizeAnswer } from './normalize.ts';
import { parseAmount } from './numbers.ts';
import type { ParseError } from './result.ts';

/**
 * - plain: digits only (any script, with separators and a currency word): nothing to say back
 * - words: number words or units ("一千五", "ئىككى مىڭ", "5k"), or "about" ("八百多")
 * - nothing: "no income" said in words (没有, يوق, جوق ...): 0
 * - range: "600-800": the middle, `range` keeps both ends
 */
export type Reading = 'plain' | 'words' | 'nothing' | 'range';

export type NumberRead =
  | { ok: true; value: number; reading: Reading; range?: [number, number] }
  | { ok: false; error: ParseError };

/** Largest believable amount in yuan (a year of the largest monthly income): above it, a typo. */
export const maxAmount = limits.monthlyIncome * 12;

const fail = (error: ParseError): NumberRead => ({ ok: false, error });

let nothing: ReadonlySet<string> | undefined;

/**
 * "Nothing" as an amount, every language at once (a Uyghur speaker may type 没有): the words live
 * in the locales (chat.numberWords.none, "|"-separated) so translators keep them. Read once, on
 * first use: the locales never change while the process runs.
 */
export function nothingWords(): ReadonlySet<string> {
  nothing ??= new Set(
    languages
      .flatMap((lang) => translator(lang)('chat.numberWords.none').split('|'))
      .map((w) => normalizeAnswer(w))
      .filter(Boolean),
  );
  return nothing;
}

const trailing = /[\s.。!！?？,，،؟؛;:：…~～]+$/;
/** Currency and "per month" around a figure typed in digits: still a plain figure. */
const currency = /元|块|人民币|每月|每个月|يۈەن|يۋان|ئايدا|ايىنا|yuan|rmb|[¥￥/／]/g;
const plainDigits = /^\d{1,3}(?:[,، ]\d{3})+(?:\.\d+)?$|^\d+(?:[.,،]\d+)?$/;

/** An amount of money (or months): digits in any script, words, "nothing", a range. */
export function readAmount(raw: string, max = maxAmount): NumberRead {
  if (raw.length > maxAnswerLength) return fail('too_long');
  const n = normalizeAnswer(raw).replace(trailing, '');
  if (nothingWords().has(n)) return { ok: true, value: 0, reading: 'nothing' };
  const r = parseAmount(raw, { max });
  if (!r.ok) return fail(r.error);
  if (r.range) return { ok: true, value: r.value, reading: 'range', range: r.range };
  const bare = n.replace(currency, '').trim();
  return { ok: true, value: r.value, reading: !r.approximate && plainDigits.test(bare) ? 'plain' : 'words' };
}

/** Words after an age that say it is one ("45岁", "45 ياش", "45 جاس"). */
const ageWords = /周岁|岁|ياشلىق|ياش|جاستا|جاس|жас/g;

/** One person's age in whole years, 0 to limits.age: "72", "٧٢", "７２", "72岁", "七十二". */
export function readAge(raw: string): NumberRead {
  if (raw.length > maxAnswerLength) return fail('too_long');
  const text = normalizeAnswer(raw).replace(ageWords, ' ').trim();
  if (text === '') return fail('empty');
  const r = readAmount(text, limits.age);
  if (!r.ok) return r;
  if (r.reading === 'range' || r.reading === 'nothing') return fail('not_a_number');
  if (!Number.isInteger(r.value)) return fail('not_whole');
  return r;
}

/** Several ages or list numbers in one answer: "45 43 12", "45、43、12岁", "٤٥ ٤٣". */
const listSeparators = /[\s,，、،;；和及与]+|\band\b|ۋە|جانە/;

export function readNumberList(raw: string): number[] | undefined {
  const parts = normalizeAnswer(raw).replace(ageWords, ' ').split(listSeparators).filter(Boolean);
  if (parts.length === 0) return undefined;
  const values: number[] = [];
  for (const p of parts) {
    const r = readAmount(p);
    if (!r.ok || r.reading === 'range' || r.reading === 'nothing') return undefined;
    values.push(r.value);
  }
  return values;
}
