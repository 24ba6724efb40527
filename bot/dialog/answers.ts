/**
 * What a resident has answered so far: every field optional, plain JSON (stored in the
 * session). `toHousehold` builds the engine's Household once the base facts are known.
 */
import type { Household } from '../../rules/engine/household.ts';
import type { ProgramId } from '../../rules/engine/household-values.ts';

export type Capacity = 'full' | 'partial' | 'none';
export type DisabilityKind =
  | 'physical'
  | 'visual'
  | 'hearing'
  | 'speech'
  | 'intellectual'
  | 'mental'
  | 'multiple';
export type Schooling = 'none' | 'preschool' | 'compulsory' | 'high_school' | 'vocational' | 'higher';

export interface MemberAnswers {
  age: number;
  laborCapacity?: Capacity;
  selfCare?: Capacity;
  disability?: { grade: 1 | 2 | 3 | 4; kind: DisabilityKind } | null;
  seriousIllness?: boolean;
  schooling?: Schooling;
  employed?: boolean;
}

export interface Answers {
  jurisdiction?: string;
  township?: string;
  area?: 'urban' | 'rural';
  size?: number;
  members?: MemberAnswers[];
  monthlyIncome?: number;
  propertyWithinLimits?: boolean;
  legalSupporter?: 'none' | 'unable' | 'able';
  rigidExpenses12m?: { medical?: number; education?: number; disaster?: number; accident?: number };
  emergency?: {
    kind: 'disaster' | 'accident' | 'illness' | 'other';
    months: number;
    persons: number;
    consequence?: 'none' | 'disability' | 'lost_labor' | 'lost_self_care';
  } | null;
  housingDifficulty?: boolean;
  current?: ProgramId[];
}

/** Below this age a member is recorded as not working and not asked about work (see DESIGN.md). */
export const workingAge = 16;

/** The engine's household, or undefined while a base fact is still missing. */
export function toHousehold(a: Answers, date?: string): Household | undefined {
  if (
    !a.jurisdiction ||
    !a.area ||
    !a.members?.length ||
    a.monthlyIncome === undefined ||
    a.propertyWithinLimits === undefined
  ) {
    return undefined;
  }
  const members: Household['members'] = [];
  for (const m of a.members) {
    const laborCapacity = m.laborCapacity ?? (m.age < workingAge ? 'none' : undefined);
    if (!laborCapacity) return undefined;
    members.push({ ...m, laborCapacity });
  }
  const h: Household = {
    jurisdiction: a.jurisdiction,
    area: a.area,
    members,
    monthlyIncome: a.monthlyIncome,
    propertyWithinLimits: a.propertyWithinLimits,
  };
  if (date) h.date = date;
  if (a.legalSupporter) h.legalSupporter = a.legalSupporter;
  if (a.rigidExpenses12m) h.rigidExpenses12m = a.rigidExpenses12m;
  if (a.emergency !== undefined) h.emergency = a.emergency;
  if (a.housingDifficulty !== undefined) h.housingDifficulty = a.housingDifficulty;
  if (a.current) h.current = a.current;
  return h;
}
