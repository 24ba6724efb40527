/**
 * The questions, as data (STYLE lesson 5): what each asks (its i18n key is chat.questions.<id>),
 * what kind of answer it takes, and what the answer sets. A step about one person carries that
 * person's index as its `subject`. Follow-ups ("whose?", "which grade?") are queued by the step
 * whose answer calls for them.
 */
import type { ProgramId } from '../../rules/engine/household-values.ts';
import type { LocalText, TownshipOffice } from '../../rules/engine/rule-file-schema.ts';
import type { Answers, Capacity, DisabilityKind, MemberAnswers, Schooling } from './answers.ts';
import { workingAge } from './answers.ts';

export type AnswerKind = 'option' | 'yesno' | 'amount' | 'count' | 'ages' | 'programs' | 'person' | 'persons';

export interface StepOption<T = string> {
  value: T;
  /** i18n key of the label (chat.options.<key>), also matched against the resident's words. */
  label: string;
  /** A label from configuration instead (a township's name), in the three languages. */
  text?: LocalText;
}

/** A question about one answer; `subject` is a member index when the question is about a person. */
export interface Ask {
  step: StepId;
  subject?: number;
}

export interface StepContext {
  /** Counties the questionnaire offers, and townships per county (configuration). */
  counties: readonly string[];
  townships: (county: string) => readonly { id: string; name: LocalText; office?: TownshipOffice }[];
  /** The county's own words for "property within the local limits", if configured. */
  propertyRules: (county: string) => LocalText | undefined;
}

interface StepDef<V> {
  kind: AnswerKind;
  options?: (a: Answers, ctx: StepContext) => StepOption[];
  /** The new answers, and any follow-up questions the answer calls for. */
  apply(a: Answers, value: V, subject: number | undefined): { answers: Answers; followUps?: Ask[] };
}

const capacityOptions: StepOption<Capacity>[] = [
  { value: 'full', label: 'capacity_full' },
  { value: 'partial', label: 'capacity_partial' },
  { value: 'none', label: 'capacity_none' },
];
const gradeOptions: StepOption<string>[] = ['1', '2', '3', '4'].map((g) => ({
  value: g,
  label: `grade_${g}`,
}));
const kindOptions: StepOption<DisabilityKind>[] = (
  ['physical', 'visual', 'hearing', 'speech', 'intellectual', 'mental', 'multiple'] as const
).map((k) => ({ value: k, label: `disability_${k}` }));
const schoolingOptions: StepOption<Schooling>[] = (
  ['none', 'preschool', 'compulsory', 'high_school', 'vocational', 'higher'] as const
).map((s) => ({ value: s, label: `schooling_${s}` }));

const setMember = (a: Answers, i: number, change: Partial<MemberAnswers>): Answers => ({
  ...a,
  members: (a.members ?? []).map((m, j) => (j === i ? { ...m, ...change } : m)),
});
const setAllUnset = <K extends keyof MemberAnswers>(
  a: Answers,
  key: K,
  value: MemberAnswers[K],
  only: (m: MemberAnswers) => boolean = () => true,
): Answers => ({
  ...a,
  members: (a.members ?? []).map((m) => (m[key] === undefined && only(m) ? { ...m, [key]: value } : m)),
});
const ableToWork = (m: MemberAnswers) => m.age >= workingAge && m.laborCapacity !== 'none';

export type StepId =
  | 'county'
  | 'township'
  | 'area'
  | 'size'
  | 'ages'
  | 'work'
  | 'income'
  | 'property'
  | 'disability_who'
  | 'disability_grade'
  | 'disability_kind'
  | 'illness_who'
  | 'self_care'
  | 'schooling_who'
  | 'schooling'
  | 'employed_who'
  | 'expenses_any'
  | 'expenses_medical'
  | 'expenses_education'
  | 'expenses_disaster'
  | 'emergency_any'
  | 'emergency_kind'
  | 'emergency_months'
  | 'emergency_consequence'
  | 'supporter'
  | 'housing'
  | 'current';

export const steps: Record<StepId, StepDef<never>> = {
  county: {
    kind: 'option',
    options: (_a, ctx) => ctx.counties.map((c) => ({ value: c, label: `county_${c}` })),
    apply: (a, v: string) => ({ answers: { ...a, jurisdiction: v, township: undefined } }),
  },
  township: {
    kind: 'option',
    options: (a, ctx) =>
      (a.jurisdiction ? ctx.townships(a.jurisdiction) : []).map((t) => ({
        value: t.id,
        label: 'township',
        text: t.name,
      })),
    apply: (a, v: string) => ({ answers: { ...a, township: v } }),
  },
  area: {
    kind: 'option',
    options: () => [
      { value: 'urban', label: 'area_urban' },
      { value: 'rural', label: 'area_rural' },
    ],
    apply: (a, v: 'urban' | 'rural') => ({ answers: { ...a, area: v } }),
  },
  size: {
    kind: 'count',
    apply: (a, v: number) => ({
      answers: { ...a, size: v, members: a.members?.length === v ? a.members : undefined },
    }),
  },
  ages: {
    kind: 'ages',
    apply: (a, v: number[]) => ({ answers: { ...a, size: v.length, members: v.map((age) => ({ age })) } }),
  },
  work: {
    kind: 'option',
    options: () => capacityOptions,
    apply: (a, v: Capacity, i) => ({ answers: setMember(a, i!, { laborCapacity: v }) }),
  },
  income: { kind: 'amount', apply: (a, v: number) => ({ answers: { ...a, monthlyIncome: v } }) },
  property: { kind: 'yesno', apply: (a, v: boolean) => ({ answers: { ...a, propertyWithinLimits: v } }) },

  disability_who: {
    // "Who holds a disability certificate? Their ages, or none." Then grade and kind for each.
    kind: 'persons',
    apply: (a, who: number[]) => ({
      answers: setAllUnset(a, 'disability', null, (m) => !who.includes(a.members!.indexOf(m))),
      followUps: who.flatMap((i) => [
        { step: 'disability_grade' as const, subject: i },
        { step: 'disability_kind' as const, subject: i },
      ]),
    }),
  },
  disability_grade: {
    kind: 'option',
    options: () => gradeOptions,
    // The grade is kept until the kind is known; "physical" is a placeholder the next step replaces.
    apply: (a, v: string, i) => ({
      answers: setMember(a, i!, { disability: { grade: Number(v) as 1 | 2 | 3 | 4, kind: 'physical' } }),
    }),
  },
  disability_kind: {
    kind: 'option',
    options: () => kindOptions,
    apply: (a, v: DisabilityKind, i) => {
      const grade = a.members?.[i!]?.disability?.grade ?? 4;
      return { answers: setMember(a, i!, { disability: { grade, kind: v } }) };
    },
  },
  illness_who: {
    // "Who has a serious illness? Their ages, or none."
    kind: 'persons',
    apply: (a, who: number[]) => ({
      answers: { ...a, members: a.members!.map((m, i) => ({ ...m, seriousIllness: who.includes(i) })) },
    }),
  },
  self_care: {
    kind: 'option',
    options: () => capacityOptions,
    apply: (a, v: Capacity, i) => ({ answers: setMember(a, i!, { selfCare: v }) }),
  },
  schooling_who: {
    // "Who is in kindergarten, school or university? Their ages, or none." Under 16 the
    // level follows from the age (kindergarten before 6, compulsory schooling 6–15); from 16 on
    // the level matters (002 §二(二) deducts post-compulsory costs), so it is asked.
    kind: 'persons',
    apply: (a, who: number[]) => {
      let next = a;
      const older: Ask[] = [];
      for (const i of who) {
        const age = a.members![i]!.age;
        if (age >= workingAge) older.push({ step: 'schooling', subject: i });
        else next = setMember(next, i, { schooling: age < 6 ? 'preschool' : 'compulsory' });
      }
      const listed = new Set(who);
      next = {
        ...next,
        members: next.members!.map((m, i) =>
          listed.has(i) || m.schooling !== undefined ? m : { ...m, schooling: 'none' },
        ),
      };
      return { answers: next, followUps: older };
    },
  },
  schooling: {
    kind: 'option',
    options: () => schoolingOptions,
    apply: (a, v: Schooling, i) => ({ answers: setMember(a, i!, { schooling: v }) }),
  },
  employed_who: {
    // "Which adults who can work have no job now? Their ages, or none."
    kind: 'persons',
    apply: (a, who: number[]) => ({
      answers: {
        ...a,
        members: a.members!.map((m, i) => (ableToWork(m) ? { ...m, employed: !who.includes(i) } : m)),
      },
    }),
  },
  expenses_any: {
    kind: 'yesno',
    apply: (a, v: boolean) =>
      v
        ? {
            answers: { ...a, rigidExpenses12m: {} },
            followUps: [
              { step: 'expenses_medical' },
              { step: 'expenses_education' },
              { step: 'expenses_disaster' },
            ],
          }
        : { answers: { ...a, rigidExpenses12m: {} } },
  },
  expenses_medical: {
    kind: 'amount',
    apply: (a, v: number) => ({ answers: { ...a, rigidExpenses12m: { ...a.rigidExpenses12m, medical: v } } }),
  },
  expenses_education: {
    kind: 'amount',
    apply: (a, v: number) => ({
      answers: { ...a, rigidExpenses12m: { ...a.rigidExpenses12m, education: v } },
    }),
  },
  expenses_disaster: {
    kind: 'amount',
    apply: (a, v: number) => ({
      answers: { ...a, rigidExpenses12m: { ...a.rigidExpenses12m, disaster: v } },
    }),
  },
  emergency_any: {
    kind: 'yesno',
    apply: (a, v: boolean) =>
      v
        ? {
            answers: a,
            followUps: [
              // Persons: for a household, its co-resident members (001 §三(九)1), so not asked.
              { step: 'emergency_kind' },
              { step: 'emergency_months' },
              { step: 'emergency_consequence' },
            ],
          }
        : { answers: { ...a, emergency: null } },
  },
  emergency_kind: {
    kind: 'option',
    options: () =>
      (['disaster', 'accident', 'illness', 'other'] as const).map((k) => ({
        value: k,
        label: `emergency_${k}`,
      })),
    apply: (a, v: 'disaster' | 'accident' | 'illness' | 'other') => ({
      answers: { ...a, emergency: { kind: v, months: 1, persons: a.members?.length ?? 1 } },
    }),
  },
  emergency_months: {
    kind: 'amount',
    apply: (a, v: number) => ({
      answers: { ...a, emergency: { ...a.emergency!, months: Math.max(v, 0.5) } },
    }),
  },
  emergency_consequence: {
    kind: 'option',
    options: () =>
      (['none', 'disability', 'lost_labor', 'lost_self_care'] as const).map((k) => ({
        value: k,
        label: `consequence_${k}`,
      })),
    apply: (a, v: 'none' | 'disability' | 'lost_labor' | 'lost_self_care') => ({
      answers: { ...a, emergency: { ...a.emergency!, consequence: v } },
    }),
  },
  supporter: {
    kind: 'option',
    options: () => (['none', 'unable', 'able'] as const).map((k) => ({ value: k, label: `supporter_${k}` })),
    apply: (a, v: 'none' | 'unable' | 'able') => ({ answers: { ...a, legalSupporter: v } }),
  },
  housing: { kind: 'yesno', apply: (a, v: boolean) => ({ answers: { ...a, housingDifficulty: v } }) },
  current: { kind: 'programs', apply: (a, v: ProgramId[]) => ({ answers: { ...a, current: v } }) },
};

/** Engine `needs` → the step that answers it, in the order they are asked. */
export const needSteps: readonly [need: string, step: StepId][] = [
  ['members.disability', 'disability_who'],
  ['members.seriousIllness', 'illness_who'],
  ['members.selfCare', 'self_care'],
  ['members.schooling', 'schooling_who'],
  ['members.employed', 'employed_who'],
  ['rigidExpenses12m', 'expenses_any'],
  ['rigidExpenses12m.medical', 'expenses_any'],
  ['emergency', 'emergency_any'],
  ['legalSupporter', 'supporter'],
  ['housingDifficulty', 'housing'],
];
