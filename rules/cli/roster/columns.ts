/**
 * Roster columns (documented in rules/cli/ROSTER.md): one row per person, the rows of a
 * household next to each other, household columns read from the household's first row.
 * A county's roster is data of record, so a blank disability or emergency cell means "none on
 * record"; other blanks mean "not known".
 */
import type { Household, Member, ProgramId } from '../../engine/household.ts';
import { programIds } from '../../engine/household.ts';
import { canonicalValue } from './aliases.ts';

export const requiredColumns = [
  'household_id',
  'jurisdiction',
  'area',
  'monthly_income',
  'property_within_limits',
  'age',
  'labor_capacity',
] as const;

export const householdColumns = [
  'household_id',
  'township',
  'village',
  'jurisdiction',
  'area',
  'members_declared',
  'monthly_income',
  'property_within_limits',
  'legal_supporter',
  'medical_12m',
  'education_12m',
  'disaster_12m',
  'accident_12m',
  'emergency_kind',
  'emergency_months',
  'emergency_persons',
  'emergency_consequence',
  'housing_difficulty',
  'current',
] as const;

export const memberColumns = [
  'age',
  'labor_capacity',
  'self_care',
  'disability_grade',
  'disability_kind',
  'serious_illness',
  'schooling',
  'employed',
] as const;

export type RosterRecord = Record<string, string>;

/** A cell that cannot be read: the column, the value and the stable reason code. */
export class CellError extends Error {
  constructor(
    readonly code: string,
    readonly params: Record<string, string>,
  ) {
    super(code);
  }
}

const yes = new Set(['1', 'true', 'yes', 'y', '是', '有', 'ھەئە', 'ءيا']);
const no = new Set(['0', 'false', 'no', 'n', '否', '无', '没有', 'ياق', 'جوق']);

/** The cell's canonical value: "农村" → "rural", "一级" → "1", "特克斯县" → "tekes". */
const cell = (r: RosterRecord, c: string) => canonicalValue(c, (r[c] ?? '').trim());

function num(r: RosterRecord, c: string): number | undefined {
  const v = cell(r, c);
  if (v === '') return undefined;
  // Roster numbers are plain: digits, one decimal point, optional thousands commas.
  if (!/^-?\d{1,3}(,\d{3})*(\.\d+)?$|^-?\d+(\.\d+)?$/.test(v))
    throw new CellError('not_a_number', { column: c, value: v.slice(0, 40) });
  return Number(v.replace(/,/g, ''));
}

function bool(r: RosterRecord, c: string): boolean | undefined {
  const v = cell(r, c).toLowerCase();
  if (v === '') return undefined;
  if (yes.has(v)) return true;
  if (no.has(v)) return false;
  throw new CellError('not_a_choice', { column: c, options: 'yes/no', value: v.slice(0, 40) });
}

function choice<T extends string>(r: RosterRecord, c: string, options: readonly T[]): T | undefined {
  const v = cell(r, c);
  if (v === '') return undefined;
  if ((options as readonly string[]).includes(v)) return v as T;
  throw new CellError('not_a_choice', { column: c, options: options.join('/'), value: v.slice(0, 40) });
}

export function memberFrom(r: RosterRecord): Record<string, unknown> {
  const grade = num(r, 'disability_grade');
  const kind = cell(r, 'disability_kind');
  const m: Record<string, unknown> = {
    age: num(r, 'age'),
    laborCapacity: cell(r, 'labor_capacity') || undefined,
    selfCare: choice(r, 'self_care', ['full', 'partial', 'none'] as const),
    disability: grade === undefined && kind === '' ? null : { grade, kind: kind || undefined },
    seriousIllness: bool(r, 'serious_illness'),
    schooling: cell(r, 'schooling') || undefined,
    employed: bool(r, 'employed'),
  };
  return dropUndefined(m) as Partial<Member>;
}

export function householdFrom(
  first: RosterRecord,
  members: Record<string, unknown>[],
): Record<string, unknown> {
  const spend = dropUndefined({
    medical: num(first, 'medical_12m'),
    education: num(first, 'education_12m'),
    disaster: num(first, 'disaster_12m'),
    accident: num(first, 'accident_12m'),
  });
  const kind = cell(first, 'emergency_kind');
  const current = cell(first, 'current');
  const h: Record<string, unknown> = {
    id: cell(first, 'household_id'),
    jurisdiction: cell(first, 'jurisdiction'),
    area: cell(first, 'area') || undefined,
    members,
    monthlyIncome: num(first, 'monthly_income'),
    propertyWithinLimits: bool(first, 'property_within_limits'),
    legalSupporter: cell(first, 'legal_supporter') || undefined,
    rigidExpenses12m: Object.keys(spend).length ? spend : undefined,
    emergency:
      kind === ''
        ? null
        : dropUndefined({
            kind,
            months: num(first, 'emergency_months'),
            persons: num(first, 'emergency_persons'),
            consequence: cell(first, 'emergency_consequence') || undefined,
          }),
    housingDifficulty: bool(first, 'housing_difficulty'),
    current: current
      ? current
          .split(/[;；,，、\s]+/)
          .filter(Boolean)
          .map((p) => canonicalValue('current', p))
      : undefined,
  };
  return dropUndefined(h) as Partial<Household>;
}

/** 家庭人口, when the roster has it, must match the household's rows. */
export function declaredMembers(first: RosterRecord): number | undefined {
  return num(first, 'members_declared');
}

/** Household columns on a later row must be blank or repeat the first row. */
export function householdColumnConflict(first: RosterRecord, later: RosterRecord): string | undefined {
  for (const c of householdColumns) {
    const v = cell(later, c);
    if (v !== '' && v !== cell(first, c)) return c;
  }
  return undefined;
}

function dropUndefined(o: Record<string, unknown>) {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

export const isProgramId = (s: string): s is ProgramId => (programIds as readonly string[]).includes(s);
