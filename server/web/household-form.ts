/**
 * The one-page form: posted fields (all strings) → the dialog's Answers, with a translated
 * error per field and the typed values kept, so a mistake never loses what was entered.
 *
 * Progressive disclosure: optional sections ("people", "spending" ...) start folded. Blank
 * fields in a section the resident never saw mean "not answered" (the rules then say
 * "possible"); once the form has shown a section (listed in `seen`), blank means none/no.
 */
import { z } from 'zod';
import type {
  Answers,
  Capacity,
  DisabilityKind,
  MemberAnswers,
  Schooling,
} from '../../bot/dialog/answers.ts';
import { workingAge } from '../../bot/dialog/answers.ts';
import { needSteps, type StepContext, type StepId } from '../../bot/dialog/steps.ts';
import { type NumberRead, readAge, readAmount } from '../../bot/parse/resident-numbers.ts';
import {
  capacityLevels,
  limits,
  disabilityKinds as contractDisabilityKinds,
  emergencyKinds as contractEmergencyKinds,
  emergencyConsequences,
  type ProgramId,
  programIds,
  schoolingLevels,
} from '../../rules/engine/household-values.ts';
import type { ScreenResult } from '../../rules/engine/result.ts';

export const sections = ['people', 'spending', 'emergency', 'support', 'housing', 'current'] as const;
export type Section = (typeof sections)[number];

export const defaultRows = 4;
export const maxRows = 20;

// The household contract's own value lists (one list, one place).
export const capacities: readonly Capacity[] = capacityLevels;
export const grades = ['1', '2', '3', '4'] as const;
export const disabilityKinds: readonly DisabilityKind[] = contractDisabilityKinds;
export const schoolings: readonly Schooling[] = schoolingLevels;
export const emergencyKinds = contractEmergencyKinds;
export const consequences = emergencyConsequences;
export const supporters = ['none', 'unable', 'able'] as const;

/** The posted form as the page shows it back: one string per field, lists for checkboxes. */
export type FormValues = Record<string, string | string[]>;
export interface FieldError {
  key: string;
  params?: Record<string, string | number>;
}
export type FormErrors = Record<string, FieldError>;

/**
 * Koa's urlencoded body, checked with zod: field names we use, strings (lists for repeated
 * names); anything else is dropped, and over-long values are cut, never trusted.
 */
const fieldName = /^[a-z_]{1,20}(?:_\d{1,2})?$/;
const postedField = z.union([z.string().transform((s) => s.slice(0, 200)), z.array(z.string()).max(30)]);
const postedForm = z.record(z.string(), z.unknown());

export function formValues(body: unknown): FormValues {
  const out: FormValues = {};
  const parsed = postedForm.safeParse(body);
  if (!parsed.success) return out;
  for (const [k, v] of Object.entries(parsed.data)) {
    if (!fieldName.test(k) || k === '_csrf') continue;
    const field = postedField.safeParse(v);
    if (field.success) out[k] = field.data;
  }
  return out;
}

const one = (v: FormValues, k: string) => {
  const x = v[k];
  return (Array.isArray(x) ? (x[0] ?? '') : (x ?? '')).trim();
};
const list = (v: FormValues, k: string) => {
  const x = v[k];
  return Array.isArray(x) ? x : x ? [x] : [];
};
const pick = <T extends string>(value: string, allowed: readonly T[]) =>
  (allowed as readonly string[]).includes(value) ? (value as T) : undefined;

export function rowCount(v: FormValues): number {
  const n = Number(one(v, 'rows'));
  return Number.isInteger(n) && n >= 1 ? Math.min(n, maxRows) : defaultRows;
}

export function seenSections(v: FormValues): Set<Section> {
  return new Set(list(v, 'seen').flatMap((s) => pick(s, sections) ?? []));
}

export interface ParsedForm {
  answers?: Answers;
  errors: FormErrors;
  /**
   * Figures the form filled in for the resident to check (a range "600-800" becomes its middle,
   * "700"): shown back in the fields, each with a message in `errors` saying what was read.
   */
  corrected: FormValues;
  /** Sections the resident answered or was shown: blanks there mean none. */
  known: Set<Section>;
}

export function readHouseholdForm(v: FormValues, ctx: StepContext): ParsedForm {
  const errors: FormErrors = {};
  const corrected: FormValues = {};
  /**
   * One amount field through the chat's reader (resident-numbers.ts): a range is never taken
   * silently; its middle is filled in and the resident asked to check it.
   */
  const amount = (name: string, text: string): NumberRead | undefined => {
    const r = readAmount(text);
    if (!r.ok) return undefined;
    if (r.reading === 'range') {
      const [low, high] = r.range!;
      corrected[name] = String(r.value);
      errors[name] = { key: 'range_check', params: { low, high, amount: r.value } };
    }
    return r;
  };
  const seen = seenSections(v);
  const filled = (names: string[]) => names.some((n) => list(v, n).some((x) => x.trim() !== ''));
  const rows = rowCount(v);
  const rowFields = (f: string) => Array.from({ length: rows }, (_, i) => `${f}_${i}`);
  const known = new Set<Section>(seen);
  if (filled(['grade', 'ill', 'school', 'job', 'care'].flatMap(rowFields))) known.add('people');
  if (filled(['medical', 'education', 'disaster'])) known.add('spending');
  if (one(v, 'emergency')) known.add('emergency');
  if (one(v, 'supporter')) known.add('support');
  if (one(v, 'housing')) known.add('housing');
  if (filled(['current'])) known.add('current');

  const county = one(v, 'county');
  if (!ctx.counties.includes(county)) errors.county = { key: 'choose' };
  const townships = ctx.counties.includes(county) ? ctx.townships(county) : [];
  const township = one(v, 'township');
  if (township && !townships.some((t) => t.id === township)) errors.township = { key: 'township' };
  const area = pick(one(v, 'area'), ['urban', 'rural'] as const);
  if (!area) errors.area = { key: 'choose' };

  const members: MemberAnswers[] = [];
  for (let i = 0; i < rows; i++) {
    const ageText = one(v, `age_${i}`);
    if (!ageText) continue;
    const read = readAge(ageText);
    if (!read.ok) {
      errors[`age_${i}`] = { key: 'age', params: { max: limits.age } };
      continue;
    }
    const age = read.value;
    const m: MemberAnswers = { age };
    const work = pick(one(v, `work_${i}`), capacities);
    if (age >= workingAge) {
      if (work) m.laborCapacity = work;
      else errors[`work_${i}`] = { key: 'work', params: { age } };
    }
    const people = known.has('people');
    const grade = pick(one(v, `grade_${i}`), grades);
    const kind = pick(one(v, `kind_${i}`), disabilityKinds);
    if (grade && !kind) errors[`kind_${i}`] = { key: 'kind' };
    if (grade && kind) m.disability = { grade: Number(grade) as 1 | 2 | 3 | 4, kind };
    else if (people) m.disability = null;
    if (one(v, `ill_${i}`)) m.seriousIllness = true;
    else if (people) m.seriousIllness = false;
    const school = pick(one(v, `school_${i}`), schoolings);
    if (school) m.schooling = school;
    else if (people) m.schooling = 'none';
    if (age >= workingAge && m.laborCapacity !== 'none') {
      if (one(v, `job_${i}`)) m.employed = true;
      else if (people) m.employed = false;
    }
    const care = pick(one(v, `care_${i}`), capacities);
    if (care) m.selfCare = care;
    members.push(m);
  }
  if (!members.length && !Object.keys(errors).some((k) => k.startsWith('age_')))
    errors.age_0 = { key: 'members' };

  const income = one(v, 'income') ? amount('income', one(v, 'income')) : undefined;
  if (!one(v, 'income')) errors.income = { key: 'required' };
  else if (!income) errors.income = { key: 'amount' };
  const property = pick(one(v, 'property'), ['yes', 'no'] as const);
  if (!property) errors.property = { key: 'choose' };

  const a: Answers = {
    jurisdiction: county,
    ...(township ? { township } : {}),
    ...(area ? { area } : {}),
    size: members.length,
    members,
    ...(income?.ok ? { monthlyIncome: income.value } : {}),
    ...(property ? { propertyWithinLimits: property === 'yes' } : {}),
  };

  if (known.has('spending')) {
    const spent: NonNullable<Answers['rigidExpenses12m']> = {};
    for (const k of ['medical', 'education', 'disaster'] as const) {
      const text = one(v, k);
      const spentOn = text ? amount(k, text) : { ok: true as const, value: 0 };
      if (spentOn?.ok) spent[k] = spentOn.value;
      else errors[k] = { key: 'amount' };
    }
    a.rigidExpenses12m = spent;
  }
  const emergency = one(v, 'emergency');
  if (emergency === 'none') a.emergency = null;
  else {
    const kind = pick(emergency, emergencyKinds);
    if (kind) {
      const monthsText = one(v, 'months');
      const read = monthsText ? amount('months', monthsText) : { ok: true as const, value: 1 };
      const months = read?.ok ? read.value : undefined;
      if (months === undefined || months > 60) errors.months = { key: 'months' };
      a.emergency = {
        kind,
        months: Math.max(months ?? 1, 0.5),
        persons: members.length || 1,
        consequence: pick(one(v, 'consequence'), consequences) ?? 'none',
      };
    }
  }
  const supporter = pick(one(v, 'supporter'), supporters);
  if (supporter) a.legalSupporter = supporter;
  const housing = pick(one(v, 'housing'), ['yes', 'no'] as const);
  if (housing) a.housingDifficulty = housing === 'yes';
  if (known.has('current')) {
    a.current = list(v, 'current').flatMap((p) => pick(p, programIds as readonly ProgramId[]) ?? []);
  }
  return Object.keys(errors).length ? { errors, known, corrected } : { answers: a, errors, known, corrected };
}

const sectionOfStep: Partial<Record<StepId, Section>> = {
  disability_who: 'people',
  illness_who: 'people',
  self_care: 'people',
  schooling_who: 'people',
  employed_who: 'people',
  expenses_any: 'spending',
  emergency_any: 'emergency',
  supporter: 'support',
  housing: 'housing',
};

/** Sections whose answers would still decide a program (the engine's `needs`), in page order. */
export function neededSections(result: ScreenResult): Section[] {
  const needs = new Set(result.programs.flatMap((p) => p.needs ?? []));
  const wanted = new Set(
    needSteps.filter(([need]) => needs.has(need)).map(([, step]) => sectionOfStep[step]),
  );
  return sections.filter((s) => wanted.has(s));
}
