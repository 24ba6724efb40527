/**
 * A fast yes for plain JSON households that the zod schema (household.ts) accepts as they are.
 *
 * Why: zod's strict-object path costs ~10 µs a household, the whole budget of a roster screened
 * at 200,000 households/s. This check mirrors the schema field by field; when it says yes the
 * input is used as is, when it says no (or is unsure: a non-plain object, say) zod parses the
 * input and produces every error. So zod stays the definition of the contract, and a mistake
 * here can only cost speed if it says "no" too often, never let a bad household through if it
 * says "yes" only for inputs zod accepts. test/rules/household-fast-path.test.ts checks exactly
 * that with fast-check, in both directions, over random and mutated inputs.
 */
import type { Household } from './household.ts';
import {
  capacityLevels,
  disabilityKinds,
  emergencyConsequences,
  emergencyKinds,
  limits,
  programIds,
  schoolingLevels,
} from './household-values.ts';
import { isRealDate } from './rule-file-schema.ts';

const capacity = new Set<unknown>(capacityLevels);
const kinds = new Set<unknown>(disabilityKinds);
const schooling = new Set<unknown>(schoolingLevels);
const emergencyKind = new Set<unknown>(emergencyKinds);
const consequence = new Set<unknown>(emergencyConsequences);
const programs = new Set<unknown>(programIds);
const supporters = new Set<unknown>(['none', 'unable', 'able']);
const dateShape = /^\d{4}-\d{2}-\d{2}$/;

/*
 * Allowed keys, one predicate per object kind. A switch over string constants compares
 * interned strings by pointer: measurably cheaper here than Set.has for every key.
 */
function householdKey(k: string): boolean {
  switch (k) {
    case 'id':
    case 'jurisdiction':
    case 'date':
    case 'area':
    case 'members':
    case 'monthlyIncome':
    case 'propertyWithinLimits':
    case 'legalSupporter':
    case 'rigidExpenses12m':
    case 'emergency':
    case 'housingDifficulty':
    case 'current':
      return true;
    default:
      return false;
  }
}
function memberKey(k: string): boolean {
  switch (k) {
    case 'age':
    case 'laborCapacity':
    case 'selfCare':
    case 'disability':
    case 'seriousIllness':
    case 'schooling':
    case 'employed':
      return true;
    default:
      return false;
  }
}
const disabilityKey = (k: string) => k === 'grade' || k === 'kind';
const expenseKey = (k: string) =>
  k === 'medical' || k === 'education' || k === 'disaster' || k === 'accident';
const emergencyKey = (k: string) => k === 'kind' || k === 'months' || k === 'persons' || k === 'consequence';
const expenseKeys = ['medical', 'education', 'disaster', 'accident'] as const;

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

function onlyKeys(o: Record<string, unknown>, allowed: (k: string) => boolean): boolean {
  // `for in` skips symbol keys, as zod's unknown-key check does; JSON never has them.
  for (const k in o) if (!allowed(k)) return false;
  return true;
}

const finiteIn = (v: unknown, min: number, max: number) =>
  typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max;
const intIn = (v: unknown, min: number, max: number) =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
const optional = (v: unknown, test: (v: unknown) => boolean) => v === undefined || test(v);
const isBool = (v: unknown) => typeof v === 'boolean';

function validMember(m: unknown): boolean {
  if (!isPlainObject(m) || !onlyKeys(m, memberKey)) return false;
  if (!intIn(m.age, 0, limits.age) || !capacity.has(m.laborCapacity)) return false;
  if (!optional(m.selfCare, (v) => capacity.has(v))) return false;
  const d = m.disability;
  if (d !== undefined && d !== null) {
    if (!isPlainObject(d) || !onlyKeys(d, disabilityKey)) return false;
    if (!(d.grade === 1 || d.grade === 2 || d.grade === 3 || d.grade === 4) || !kinds.has(d.kind))
      return false;
  }
  return (
    optional(m.seriousIllness, isBool) &&
    optional(m.schooling, (v) => schooling.has(v)) &&
    optional(m.employed, isBool)
  );
}

/** True only if householdSchema accepts `x` and its output equals `x`. */
export function isCertainlyValidHousehold(x: unknown): x is Household {
  if (!isPlainObject(x) || !onlyKeys(x, householdKey)) return false;
  if (!optional(x.id, (v) => typeof v === 'string' && v.length <= 64)) return false;
  const j = x.jurisdiction;
  if (typeof j !== 'string' || j.length < 1 || j.length > 64) return false;
  if (!optional(x.date, (v) => typeof v === 'string' && dateShape.test(v) && isRealDate(v))) return false;
  if (x.area !== 'urban' && x.area !== 'rural') return false;
  const members = x.members;
  if (!Array.isArray(members) || members.length < 1 || members.length > limits.members) return false;
  for (let i = 0; i < members.length; i++) if (!validMember(members[i])) return false;
  if (!finiteIn(x.monthlyIncome, 0, limits.monthlyIncome) || !isBool(x.propertyWithinLimits)) return false;
  if (!optional(x.legalSupporter, (v) => supporters.has(v))) return false;
  const spend = x.rigidExpenses12m;
  if (spend !== undefined) {
    if (!isPlainObject(spend) || !onlyKeys(spend, expenseKey)) return false;
    for (const k of expenseKeys) if (!optional(spend[k], (v) => finiteIn(v, 0, limits.expense))) return false;
  }
  const e = x.emergency;
  if (e !== undefined && e !== null) {
    if (!isPlainObject(e) || !onlyKeys(e, emergencyKey) || !emergencyKind.has(e.kind)) return false;
    if (!finiteIn(e.months, 0, limits.emergencyMonths) || e.months === 0) return false;
    if (!intIn(e.persons, 1, limits.members) || (e.persons as number) > members.length) return false;
    if (!optional(e.consequence, (v) => consequence.has(v))) return false;
  }
  if (!optional(x.housingDifficulty, isBool)) return false;
  const current = x.current;
  if (current !== undefined) {
    if (!Array.isArray(current) || current.length > programIds.length) return false;
    for (let i = 0; i < current.length; i++) if (!programs.has(current[i])) return false;
  }
  return true;
}
