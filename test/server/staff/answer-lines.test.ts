/**
 * answerLines (referral-view.ts) shows every answer of the questionnaire, in zh, ug and kk: a
 * household with every field answered is rendered, then each field is changed in turn to each
 * other value it can hold, and the lines must change. An answer the page silently drops (a
 * ticked illness shown as the bare question, an emergency's 生活不能自理 left out) fails here.
 * The answers below are typed `Complete<Answers>`: a new answer field does not compile until it
 * is added here, so it cannot be forgotten on the staff page either.
 */
import { describe, expect, it } from 'vitest';
import type { Answers, MemberAnswers } from '../../../bot/dialog/answers.ts';
import { languages } from '../../../locales/i18n.ts';
import { answerLines } from '../../../server/staff/referral-view.ts';

type Complete<T> = { [K in keyof T]-?: Exclude<T[K], undefined> };
type CompleteMember = Complete<MemberAnswers> & { disability: NonNullable<MemberAnswers['disability']> };

const member: CompleteMember = {
  age: 45,
  laborCapacity: 'partial',
  selfCare: 'partial',
  disability: { grade: 2, kind: 'physical' },
  seriousIllness: true,
  schooling: 'vocational',
  employed: true,
};
const full: Omit<Complete<Answers>, 'township'> = {
  jurisdiction: 'tekes',
  area: 'rural',
  size: 1,
  members: [member],
  monthlyIncome: 800,
  propertyWithinLimits: true,
  legalSupporter: 'unable',
  rigidExpenses12m: { medical: 1000, education: 2000, disaster: 3000, accident: 4000 },
  emergency: { kind: 'illness', months: 2, persons: 1, consequence: 'lost_self_care' },
  housingDifficulty: true,
  current: ['dibao'],
};

/** Each answer field, and the other values it can take (undefined: not answered). */
const memberVariants: { [K in keyof MemberAnswers]-?: MemberAnswers[K][] } = {
  age: [46],
  laborCapacity: ['full', 'none', undefined],
  selfCare: ['full', 'none', undefined],
  disability: [
    { grade: 1, kind: 'physical' },
    { grade: 2, kind: 'visual' },
    { grade: 2, kind: 'hearing' },
    { grade: 2, kind: 'speech' },
    { grade: 2, kind: 'intellectual' },
    { grade: 2, kind: 'mental' },
    { grade: 2, kind: 'multiple' },
    { grade: 3, kind: 'physical' },
    { grade: 4, kind: 'physical' },
    null,
    undefined,
  ],
  seriousIllness: [false, undefined],
  schooling: ['none', 'preschool', 'compulsory', 'high_school', 'higher', undefined],
  employed: [false, undefined],
};
const variants: { [K in Exclude<keyof Answers, 'township' | 'members'>]-?: Answers[K][] } = {
  jurisdiction: ['qitai', undefined],
  area: ['urban', undefined],
  size: [2, undefined],
  monthlyIncome: [801, undefined],
  propertyWithinLimits: [false, undefined],
  legalSupporter: ['none', 'able', undefined],
  rigidExpenses12m: [
    { medical: 1001, education: 2000, disaster: 3000, accident: 4000 },
    { medical: 1000, education: 2001, disaster: 3000, accident: 4000 },
    { medical: 1000, education: 2000, disaster: 3001, accident: 4000 },
    { medical: 1000, education: 2000, disaster: 3000, accident: 4001 },
    { medical: 1000, education: 2000, disaster: 3000 },
    undefined,
  ],
  emergency: [
    { kind: 'disaster', months: 2, persons: 1, consequence: 'lost_self_care' },
    { kind: 'accident', months: 2, persons: 1, consequence: 'lost_self_care' },
    { kind: 'other', months: 2, persons: 1, consequence: 'lost_self_care' },
    { kind: 'illness', months: 3, persons: 1, consequence: 'lost_self_care' },
    { kind: 'illness', months: 2, persons: 2, consequence: 'lost_self_care' },
    { kind: 'illness', months: 2, persons: 1, consequence: 'none' },
    { kind: 'illness', months: 2, persons: 1, consequence: 'disability' },
    { kind: 'illness', months: 2, persons: 1, consequence: 'lost_labor' },
    { kind: 'illness', months: 2, persons: 1 },
    null,
    undefined,
  ],
  housingDifficulty: [false, undefined],
  current: [['tekun'], [], undefined],
};

const shown = (a: Answers, lang: (typeof languages)[number]) =>
  answerLines(a, lang)
    .map((l) => `${l.label}=${l.value}`)
    .join('\n');

describe('answerLines', () => {
  it.each(languages)('%s: every answer field changes what the caseworker reads', (lang) => {
    const base = shown(full, lang);
    for (const [key, values] of Object.entries(variants))
      for (const value of values)
        expect(shown({ ...full, [key]: value }, lang), `${key} = ${JSON.stringify(value)}`).not.toBe(base);
    for (const [key, values] of Object.entries(memberVariants))
      for (const value of values)
        expect(
          shown({ ...full, members: [{ ...member, [key]: value } as MemberAnswers] }, lang),
          `members.${key} = ${JSON.stringify(value)}`,
        ).not.toBe(base);
  });

  it.each(languages)('%s: no raw key, no "undefined", and one line per answer in every language', (lang) => {
    const lines = answerLines(full, lang);
    expect(lines.length).toBe(answerLines(full, 'zh').length);
    const text = shown(full, lang);
    expect(text).not.toMatch(/undefined|NaN|chat\.options|fields\.|staff\.|jurisdictions\./);
  });

  it('shows a ticked illness as yes and an emergency that left someone 生活不能自理', () => {
    const zh = shown(full, 'zh');
    expect(zh).toContain('是否患重病: 是');
    expect(zh).toContain('生活不能自理');
  });
});
