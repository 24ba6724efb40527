/**
 * A choice among numbered options: "2", "②", "２", "第二个", "2." or a word of the option's
 * label in any of the three languages ("农村", "يېزا", "اۋىل").
 */
import { parseNumber } from './numbers.ts';
import { maxAnswerLength, normalizeAnswer } from './normalize.ts';
import { fail, type Parsed } from './result.ts';

export interface Option<T> {
  value: T;
  /** Words that pick this option, in every language (matched after normalizeAnswer). */
  words: readonly string[];
}

export function parseOption<T>(raw: string, options: readonly Option<T>[]): Parsed<T> {
  if (raw.length > maxAnswerLength) return fail('too_long');
  const s = normalizeAnswer(raw)
    .replace(/^第\s*/, '')
    .replace(/\s*(个|项|号|[.)、。:：])$/, '')
    .trim();
  if (s === '') return fail('empty');
  const n = /^[\d一二三四五六七八九十]+$/.test(s) ? parseNumber(s) : undefined;
  if (n !== undefined) {
    const picked = Number.isInteger(n) ? options[n - 1] : undefined;
    return picked ? { ok: true, value: picked.value } : fail('not_an_option');
  }
  // Exact word first, then a word contained in the answer (the longest wins).
  let best: { length: number; value: T } | undefined;
  for (const o of options) {
    for (const w of o.words) {
      const word = normalizeAnswer(w);
      if (word === '') continue;
      if (s === word) return { ok: true, value: o.value };
      if (s.includes(word) && (!best || word.length > best.length))
        best = { length: word.length, value: o.value };
    }
  }
  return best ? { ok: true, value: best.value } : fail('not_an_option');
}
