/**
 * The household a screen evaluates: the public input contract shared by the CLI, the API,
 * the roster importer and the dialog. Field names are part of that contract; keep them.
 *
 * Validation returns issues with a stable code, the field path and parameters, not sentences:
 * the caller renders them in the resident's language (see rules/engine/validation-messages.ts).
 */
import { z } from 'zod';
import { isCertainlyValidHousehold } from './household-fast-path.ts';
import { isRealDate } from './rule-file-schema.ts';

import {
  capacityLevels,
  disabilityKinds,
  emergencyConsequences,
  emergencyKinds,
  limits,
  programIds,
  schoolingLevels,
} from './household-values.ts';

export * from './household-values.ts';

const amount = (max: number) => z.number().finite().min(0).max(max);

export const memberSchema = z.strictObject({
  age: z.number().int().min(0).max(limits.age),
  laborCapacity: z.enum(capacityLevels),
  selfCare: z.enum(capacityLevels).optional(),
  disability: z
    .strictObject({
      grade: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]),
      kind: z.enum(disabilityKinds),
    })
    .nullable()
    .optional(),
  seriousIllness: z.boolean().optional(),
  schooling: z.enum(schoolingLevels).optional(),
  employed: z.boolean().optional(),
});

export const householdSchema = z
  .strictObject({
    /** Optional label a caller may attach (roster household number); never personal data. */
    id: z.string().max(64).optional(),
    jurisdiction: z.string().min(1).max(64),
    date: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .refine(isRealDate, { params: { reason: 'not_a_date' } })
      .optional(),
    area: z.enum(['urban', 'rural']),
    members: z.array(memberSchema).min(1).max(limits.members),
    monthlyIncome: amount(limits.monthlyIncome),
    propertyWithinLimits: z.boolean(),
    legalSupporter: z.enum(['none', 'unable', 'able']).optional(),
    rigidExpenses12m: z
      .strictObject({
        medical: amount(limits.expense).optional(),
        education: amount(limits.expense).optional(),
        disaster: amount(limits.expense).optional(),
        accident: amount(limits.expense).optional(),
      })
      .optional(),
    emergency: z
      .strictObject({
        kind: z.enum(emergencyKinds),
        months: z.number().finite().gt(0).max(limits.emergencyMonths),
        persons: z.number().int().min(1).max(limits.members),
        consequence: z.enum(emergencyConsequences).optional(),
      })
      .nullable()
      .optional(),
    housingDifficulty: z.boolean().optional(),
    current: z.array(z.enum(programIds)).max(programIds.length).optional(),
  })
  .superRefine((h, ctx) => {
    if (h.emergency && h.emergency.persons > h.members.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['emergency', 'persons'],
        message: 'more persons than household members',
        params: { reason: 'persons_exceed_members', members: h.members.length },
      });
    }
  });

export type Household = z.output<typeof householdSchema>;
export type Member = Household['members'][number];

/** One problem with an input, in a form any language can render. */
export interface InputIssue {
  /** Dotted path of the field, e.g. "members.1.age". */
  path: string;
  code: string;
  params: Record<string, string | number>;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; issues: InputIssue[] };

export function parseHousehold(input: unknown): ParseResult<Household> {
  // Plain JSON that is certainly valid skips zod's slower walk; everything else, and every
  // error message, goes through zod (see household-fast-path.ts).
  if (isCertainlyValidHousehold(input)) return { ok: true, value: input };
  const parsed = householdSchema.safeParse(input, { reportInput: true });
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, issues: parsed.error.issues.map(toInputIssue) };
}

/**
 * zod issue → stable code. Codes are our own, so upgrading zod cannot change what a resident
 * reads; each code has a message in every locale (validation.<code>).
 */
export function toInputIssue(issue: z.core.$ZodIssue): InputIssue {
  const path = issue.path.map(String).join('.');
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined
        ? { path, code: 'required', params: {} }
        : { path, code: `expected_${issue.expected}`, params: {} };
    case 'too_small':
      if (issue.origin === 'array')
        return { path, code: 'too_few', params: { minimum: Number(issue.minimum) } };
      if (issue.origin === 'string') return { path, code: 'required', params: {} };
      return {
        path,
        code: issue.inclusive === false ? 'must_exceed' : 'too_small',
        params: { minimum: Number(issue.minimum) },
      };
    case 'too_big':
      if (issue.origin === 'array')
        return { path, code: 'too_many', params: { maximum: Number(issue.maximum) } };
      if (issue.origin === 'string')
        return { path, code: 'too_long', params: { maximum: Number(issue.maximum) } };
      return { path, code: 'too_big', params: { maximum: Number(issue.maximum) } };
    case 'invalid_value':
      return { path, code: 'one_of', params: { options: issue.values.map(String).join(', ') } };
    case 'invalid_union':
      return { path, code: 'one_of', params: { options: '1, 2, 3, 4' } };
    case 'unrecognized_keys':
      return {
        path: [path, issue.keys[0]].filter(Boolean).join('.'),
        code: 'unknown_field',
        params: { fields: issue.keys.join(', ') },
      };
    case 'invalid_format':
      return { path, code: 'not_a_date', params: {} };
    case 'not_multiple_of':
      return { path, code: 'expected_integer', params: {} };
    case 'custom': {
      const reason = String(issue.params?.reason ?? 'invalid');
      const params: Record<string, string | number> = {};
      for (const [k, v] of Object.entries(issue.params ?? {})) {
        if (k !== 'reason' && (typeof v === 'string' || typeof v === 'number')) params[k] = v;
      }
      return { path, code: reason, params };
    }
    default:
      return { path, code: 'invalid', params: {} };
  }
}
