/** The closed value lists of the household contract, shared by the zod schema and its fast path. */
export const programIds = [
  'dibao',
  'dibao_single',
  'tekun',
  'marginal',
  'rigid_expense',
  'temporary',
  'medical',
  'education',
  'housing',
  'employment',
  'disaster',
  'dibao_supplement',
] as const;
export type ProgramId = (typeof programIds)[number];

export const capacityLevels = ['full', 'partial', 'none'] as const;
export const disabilityKinds = [
  'physical',
  'visual',
  'hearing',
  'speech',
  'intellectual',
  'mental',
  'multiple',
] as const;
export const schoolingLevels = [
  'none',
  'preschool',
  'compulsory',
  'high_school',
  'vocational',
  'higher',
] as const;
export const emergencyKinds = ['disaster', 'accident', 'illness', 'other'] as const;
export const emergencyConsequences = ['none', 'disability', 'lost_labor', 'lost_self_care'] as const;

/** Largest believable amounts: beyond them an answer is a typo, not a household. */
export const limits = {
  members: 30,
  age: 130,
  monthlyIncome: 10_000_000,
  expense: 100_000_000,
  emergencyMonths: 120,
} as const;
