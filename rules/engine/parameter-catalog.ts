/**
 * Every parameter a rule file may set, with the shape of its value.
 *
 * Rule files are data written by people (county admins among them), so each value is checked
 * against this catalog when the rule book loads: an unknown name or a wrong shape stops the
 * start-up with the file and the field, instead of surfacing as a wrong amount later.
 *
 * `local: true` marks values a county is expected to supply itself (the seeds do not give them
 * for every county); when one is missing the screen says "not configured".
 *
 * `fillable: true` marks values a county admin can fill in (shown to residents as "not yet
 * provided by the county" when absent); entries without it are not fillable. Other places'
 * rules, probed with f.optional, are never fillable.
 */
import { z } from 'zod';
import { schoolingLevels } from './household-values.ts';

const money = z.number().finite().positive();
const multiple = z.number().finite().positive();
const share = z.number().finite().min(0).max(1);
const age = z.number().int().min(0).max(130);
const months = z.number().int().min(1).max(60);
const flag = z.boolean();
/** A rule that exists for one area only (003's rural action, 002's rural exit). */
const area = z.enum(['rural', 'urban']);

/** "1/6" or 0.1666…: care shares are written as the fractions the seed uses. */
const fraction = z.union([
  share,
  z
    .string()
    .regex(/^\d+\/\d+$/)
    .transform((s, ctx) => {
      const [n, d] = s.split('/').map(Number) as [number, number];
      if (d === 0 || n > d) {
        ctx.addIssue({ code: 'custom', message: `fraction ${s} must be between 0 and 1` });
        return z.NEVER;
      }
      return n / d;
    }),
]);

const byArea = <T extends z.ZodType>(v: T) => z.strictObject({ rural: v, urban: v });
const band = z
  .tuple([z.number().min(0), z.number().min(0)])
  .refine(([lo, hi]) => lo <= hi, 'band must be [low, high]');

export const parameterCatalog = {
  'dibao.standard.urban': { value: money, local: true, fillable: true },
  'dibao.standard.rural': { value: money, local: true, fillable: true },
  'dibao.classes': { value: flag, local: false },
  'dibao.tiers': {
    value: z.strictObject({
      amounts: z.strictObject({ A: byArea(money), B: byArea(money), C: byArea(money) }),
      bands: z.strictObject({ B: byArea(band), C: byArea(band) }),
    }),
    local: false,
  },
  'dibao.four_groups_supplement': {
    value: z.strictObject({
      abolished: z.literal(true),
      formerAmounts: z.strictObject({ illnessOrDisability: money, elderOrMinor: money }),
    }),
    local: false,
  },
  'dibao.gradual_exit_months': {
    value: z.strictObject({
      months,
      area: area.optional(),
      requires: z.enum(['registered_poor']).optional(),
    }),
    local: false,
  },
  'dibao.gradual_exit_tapered': {
    value: z.strictObject({ incomeMultiple: multiple, annualReduction: share, area: area.optional() }),
    local: false,
  },
  'dibao.expense_deduction_multiple': { value: multiple, local: false },
  'dibao.medical_expense_deduction': {
    value: z.strictObject({ months, area: area.optional() }),
    local: false,
  },
  'dibao.excludes_tekun_recipients': { value: flag, local: false },
  'dibao.average_subsidy': { value: byArea(money), local: false },
  severe_disability: {
    value: z.strictObject({
      grades: z.array(z.number().int().min(1).max(4)),
      grade3Kinds: z.array(
        z.enum(['physical', 'visual', 'hearing', 'speech', 'intellectual', 'mental', 'multiple']),
      ),
    }),
    local: false,
  },
  elderly_age: { value: age, local: false },
  minor_age: { value: age, local: false },
  'local.minimum_wage_monthly': { value: money, local: true, fillable: true },
  'local.disposable_income_annual': { value: money, local: true, fillable: true },
  'tekun.standard_multiple': { value: multiple, local: false, fillable: true },
  'tekun.minor_age_limit': { value: age, local: false },
  'tekun.care_shares': {
    value: z.strictObject({ full: fraction, partial: fraction, none: fraction }),
    local: false,
  },
  'marginal.income_multiple': { value: multiple, local: false, fillable: true },
  'rigid_expense.spending_share': { value: share, local: false, fillable: true },
  'dibao_single.from_marginal_family': { value: flag, local: false },
  'dibao_single.support_shares': {
    value: z
      .array(z.strictObject({ fromAge: age, share }))
      .min(1)
      .refine((b) => b.every((x, i) => i === 0 || x.fromAge > b[i - 1]!.fromAge), 'bands must rise by age'),
    local: false,
  },
  'temporary.max_months': { value: months, local: false, fillable: true },
  'temporary.consequence_multiples': {
    value: z.strictObject({ disability: multiple, lost_labor: multiple, lost_self_care: multiple }),
    local: false,
  },
  'temporary.pending_application_months': {
    value: z
      .strictObject({ min: months, max: months })
      .refine((m) => m.min <= m.max, 'min must not exceed max'),
    local: false,
  },
  'temporary.advance_months': { value: months, local: false },
  'temporary.advance': { value: flag, local: false },
  'temporary.town_approves_small': { value: flag, local: false },
  'medical.assistance': { value: flag, local: false, fillable: true },
  'education.assistance': { value: flag, local: false, fillable: true },
  'housing.assistance': { value: flag, local: false, fillable: true },
  'employment.assistance': { value: flag, local: false, fillable: true },
  'disaster.assistance': { value: flag, local: false, fillable: true },
  'dibao_supplement.rates': {
    // 003 §三(三): the seed's own groups and rates, for rural dibao households, in the action
    // period 2018–2020 (`until`, 003 §一 "2018年至2020年").
    value: z.strictObject({
      area: z.enum(['rural', 'urban']),
      until: z.iso.date(),
      critical: share,
      listed: z.strictObject({
        rate: share,
        elderlyAge: age,
        maxGrade: z.number().int().min(1).max(4),
        kinds: z.array(
          z.enum(['physical', 'visual', 'hearing', 'speech', 'intellectual', 'mental', 'multiple']),
        ),
      }),
      elderlyDisabled: share,
      multiDisabled: share,
      multiple: share,
    }),
    local: false,
  },
  'process.transfer_to_marginal': { value: flag, local: false },
  // 003 §三(三): rates for the named groups the seed gives no rate for (老年人 under 70,
  // 未成年人, 重度残疾人 outside the 50% list, 其他特殊困难人员) are set by the local bureau.
  'dibao_supplement.local_rates': {
    value: z.strictObject({
      elderly: share.optional(),
      minor: share.optional(),
      severeDisability: share.optional(),
      other: share.optional(),
    }),
    local: true,
    fillable: true,
  },
  'dibao.amount_method': { value: z.enum(['difference', 'tiers']), local: false },
  'dibao.deductible_schooling': { value: z.array(z.enum(schoolingLevels)), local: false },
} as const satisfies Record<string, CatalogEntry>;

interface CatalogEntry {
  value: z.ZodType;
  local: boolean;
  fillable?: boolean;
}

export type ParameterName = keyof typeof parameterCatalog;
export type ParameterValue<N extends ParameterName> = z.output<(typeof parameterCatalog)[N]['value']>;

export const parameterNames = Object.keys(parameterCatalog) as ParameterName[];

/** Whether a county admin can supply this parameter (catalog `fillable`, false when absent). */
export function isFillable(name: ParameterName): boolean {
  const entry: CatalogEntry = parameterCatalog[name];
  return entry.fillable ?? false;
}

export function isParameterName(name: string): name is ParameterName {
  return Object.hasOwn(parameterCatalog, name);
}
