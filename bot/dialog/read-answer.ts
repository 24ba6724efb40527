/**
 * Reads what a resident typed as the answer a step expects. Expected failures are values with
 * a reason (the dialog shows the matching hint and asks again); nothing typed can throw.
 */
import type { Language } from '../../locales/i18n.ts';
import { limits, type ProgramId, programIds } from '../../rules/engine/household-values.ts';
import { maxAnswerLength, normalizeAnswer } from '../parse/normalize.ts';
import { parseCount } from '../parse/numbers.ts';
import { type Option, parseOption } from '../parse/options.ts';
import { fail, type Parsed } from '../parse/result.ts';
import { type Reading, readAge, readAmount, readNumberList } from '../parse/resident-numbers.ts';
import { parseYesNo } from '../parse/yes-no.ts';
import type { Answers } from './answers.ts';
import type { AnswerKind, StepOption } from './steps.ts';

export type AnswerError =
  | Extract<Parsed<never>, { ok: false }>['error']
  | 'ages_count'
  | 'no_such_age'
  | 'age_out_of_range';
export type Read<T> =
  // reading and range: how an amount was read, so the dialog can say it back (resident-numbers.ts)
  | { ok: true; value: T; reading?: Reading; range?: [number, number] }
  | { ok: false; error: AnswerError; params?: Record<string, number> };

/** "None" in every language, for questions answered with a list of people or programs. */
const noneWords = [
  '无',
  '没有',
  '没',
  '都没有',
  '没有人',
  '不',
  '否',
  '0',
  'none',
  'no',
  'ياق',
  'يوق',
  'ھېچكىم',
  'جوق',
  'ەشكىم',
  'жоқ',
];

export interface ReadContext {
  lang: Language;
  answers: Answers;
  /** The words that pick each option, every language (labels from the locales). */
  optionWords: (label: string) => string[];
}

export function readAnswer(
  kind: AnswerKind,
  text: string,
  options: StepOption[],
  ctx: ReadContext,
): Read<unknown> {
  if (text.length > maxAnswerLength) return fail('too_long');
  switch (kind) {
    case 'option':
      return parseOption(
        text,
        options.map(
          (o): Option<string> => ({
            value: o.value,
            words: [o.value, ...(o.text ? Object.values(o.text) : ctx.optionWords(o.label))],
          }),
        ),
      );
    case 'yesno': {
      const n = normalizeAnswer(text);
      if (n === '1') return { ok: true, value: true };
      if (n === '2') return { ok: true, value: false };
      return parseYesNo(text, ctx.lang);
    }
    case 'amount':
      return readAmount(text);
    case 'count':
      return parseCount(text, limits.members);
    case 'ages':
      return readAges(text, ctx.answers.size);
    case 'persons':
      return readPersons(text, ctx.answers);
    case 'programs':
      return readPrograms(text, ctx);
    case 'person': {
      const r = readPersons(text, ctx.answers);
      return r.ok && r.value.length !== 1 ? fail('not_a_number') : r.ok ? { ok: true, value: r.value[0] } : r;
    }
  }
}

function isNone(text: string): boolean {
  const n = normalizeAnswer(text).replace(/[.。!！]$/, '');
  return noneWords.includes(n);
}

/** Everyone's age in one answer: "45 43 12", "45、43、12岁", "٤٥ ٤٣". */
function readAges(text: string, size: number | undefined): Read<number[]> {
  if (normalizeAnswer(text) === '') return fail('empty');
  const ages = readNumberList(text);
  if (!ages) return fail('not_a_number');
  // The same rule as the form's one age per field (resident-numbers.ts readAge).
  if (ages.some((a) => !readAge(String(a)).ok)) return { ok: false, error: 'age_out_of_range' };
  if (size !== undefined && ages.length !== size)
    return { ok: false, error: 'ages_count', params: { expected: size, got: ages.length } };
  return { ok: true, value: ages };
}

/** Who: the ages of the people meant (each picks one member of that age), or "none". */
function readPersons(text: string, a: Answers): Read<number[]> {
  if (normalizeAnswer(text) === '') return fail('empty');
  if (isNone(text)) return { ok: true, value: [] };
  const ages = readNumberList(text);
  if (!ages) return fail('not_a_number');
  const members = a.members ?? [];
  const picked: number[] = [];
  for (const age of ages) {
    const i = members.findIndex((m, j) => m.age === age && !picked.includes(j));
    if (i < 0) return { ok: false, error: 'no_such_age', params: { age } };
    picked.push(i);
  }
  return { ok: true, value: picked };
}

/** Programs already received: numbers from the list shown, their names, or "none". */
function readPrograms(text: string, ctx: ReadContext): Read<ProgramId[]> {
  if (normalizeAnswer(text) === '') return fail('empty');
  if (isNone(text)) return { ok: true, value: [] };
  const numbers = readNumberList(text);
  if (numbers) {
    const picked = numbers.map((n) => programIds[n - 1]);
    if (picked.some((p) => p === undefined)) return fail('not_an_option');
    return { ok: true, value: [...new Set(picked as ProgramId[])] };
  }
  // Longest names first, each match taken out of the answer: "低保边缘" is not also "低保".
  let rest = normalizeAnswer(text);
  const labels = programIds
    .flatMap((id) => ctx.optionWords(`program_${id}`).map((w) => [id, normalizeAnswer(w)] as const))
    .filter(([, w]) => w)
    .sort((a, b) => b[1].length - a[1].length);
  const named = new Set<ProgramId>();
  for (const [id, w] of labels) {
    if (rest.includes(w)) {
      named.add(id);
      rest = rest.split(w).join(' ');
    }
  }
  return named.size ? { ok: true, value: [...named] } : fail('not_an_option');
}
