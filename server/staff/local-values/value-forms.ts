/**
 * What a county admin may set here and how each value is typed in: one form kind per
 * parameter, each a zod schema from the form's text fields to the catalog's value. Every
 * message is a locale key (staff.local.errors.*), so a refusal is shown in the admin's language
 * beside the field, with the form still filled in.
 */
import { z } from 'zod';
import { type ParameterName, parameterCatalog } from '../../../rules/engine/parameter-catalog.ts';
import { isRealDate } from '../../../rules/engine/rule-file-schema.ts';
import { cleanText } from '../workflow.ts';

export type FormKind =
  | 'money_month'
  | 'wage_month'
  | 'money_year'
  | 'multiple'
  | 'share'
  | 'months'
  | 'flag'
  | 'tiers'
  | 'care_shares'
  | 'local_rates';

/** The values a county supplies itself (catalog `fillable`), plus Tekes-style tiers and care shares. */
export const editable: Partial<Record<ParameterName, FormKind>> = {
  'dibao.standard.urban': 'money_month',
  'dibao.standard.rural': 'money_month',
  'dibao.tiers': 'tiers',
  'local.minimum_wage_monthly': 'wage_month',
  'local.disposable_income_annual': 'money_year',
  'tekun.standard_multiple': 'multiple',
  'tekun.care_shares': 'care_shares',
  'marginal.income_multiple': 'multiple',
  'rigid_expense.spending_share': 'share',
  'temporary.max_months': 'months',
  'dibao_supplement.local_rates': 'local_rates',
  'medical.assistance': 'flag',
  'education.assistance': 'flag',
  'housing.assistance': 'flag',
  'employment.assistance': 'flag',
  'disaster.assistance': 'flag',
};

export function formKind(name: string): FormKind | undefined {
  return Object.hasOwn(editable, name) ? editable[name as ParameterName] : undefined;
}

/** The text fields each kind's form has (besides date and source). */
export const kindFields: Record<FormKind, readonly string[]> = {
  money_month: ['value'],
  wage_month: ['value'],
  money_year: ['value'],
  multiple: ['value'],
  share: ['value'],
  months: ['value'],
  flag: ['value'],
  tiers: [
    'A_rural',
    'A_urban',
    'B_rural',
    'B_urban',
    'C_rural',
    'C_urban',
    'bandB_rural_lo',
    'bandB_rural_hi',
    'bandB_urban_lo',
    'bandB_urban_hi',
    'bandC_rural_lo',
    'bandC_rural_hi',
    'bandC_urban_lo',
    'bandC_urban_hi',
  ],
  care_shares: ['full', 'partial', 'none'],
  local_rates: ['elderly', 'minor', 'severeDisability', 'other'],
};

/**
 * Digits as typed on any phone: full-width (１２３), Arabic-Indic (١٢٣) and Persian (۱۲۳) digits
 * and the Arabic decimal separator become ASCII; spaces go. Then only a plain decimal is a number
 * ("1e309", "0x10", "" are not: see RELIABILITY.md on z.coerce).
 */
function plainNumber(raw: string): number | undefined {
  const s = raw
    .normalize('NFKC')
    .replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x660))
    .replace(/[\u06f0-\u06f9]/g, (d) => String(d.charCodeAt(0) - 0x6f0))
    .replace(/[\u066b]/g, '.')
    .replace(/[\s\p{Cf}]/gu, '');
  if (!/^\d{1,9}(?:\.\d{1,6})?$/.test(s)) return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

const number = (message: string, check: (n: number) => boolean) =>
  z.string().transform((s, ctx) => {
    const n = plainNumber(s);
    if (n === undefined || !check(n)) {
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    }
    return n;
  });

/** Yuan: more than 0 and below a million (a monthly standard of a million is a typing slip). */
const money = number('staff.local.errors.money', (n) => n > 0 && n < 1_000_000);
const multiple = number('staff.local.errors.multiple', (n) => n > 0 && n <= 100);
const months = number('staff.local.errors.months', (n) => Number.isInteger(n) && n >= 1 && n <= 60);
/** "1/6", "0.3" or "30%": a share between 0 and 1, written the way the document writes it. */
const share = z.string().transform((s, ctx) => {
  const t = s.normalize('NFKC').replace(/\s/g, '');
  const frac = /^(\d{1,4})\/(\d{1,4})$/.exec(t);
  const pct = /^(.+)%$/.exec(t);
  const n = frac
    ? Number(frac[2]) === 0
      ? undefined
      : Number(frac[1]) / Number(frac[2])
    : pct
      ? (plainNumber(pct[1]!) ?? Number.NaN) / 100
      : plainNumber(t);
  if (n === undefined || !Number.isFinite(n) || n < 0 || n > 1) {
    ctx.addIssue({ code: 'custom', message: 'staff.local.errors.share' });
    return z.NEVER;
  }
  return n;
});
const optionalShare = z.string().transform((s, ctx) => {
  if (s.trim() === '') return undefined;
  const r = share.safeParse(s);
  if (!r.success) {
    ctx.addIssue({ code: 'custom', message: 'staff.local.errors.share' });
    return z.NEVER;
  }
  return r.data;
});
const flag = z.enum(['yes', 'no'], { message: 'staff.local.errors.flag' }).transform((v) => v === 'yes');

const valueSchemas: Record<FormKind, z.ZodType<unknown>> = {
  money_month: z.object({ value: money }).transform((f) => f.value),
  wage_month: z.object({ value: money }).transform((f) => f.value),
  money_year: z.object({ value: money }).transform((f) => f.value),
  multiple: z.object({ value: multiple }).transform((f) => f.value),
  share: z.object({ value: share }).transform((f) => f.value),
  months: z.object({ value: months }).transform((f) => f.value),
  flag: z.object({ value: flag }).transform((f) => f.value),
  tiers: z
    .object(Object.fromEntries(kindFields.tiers.map((k) => [k, money])) as Record<string, typeof money>)
    .transform((raw) => {
      const f = raw as Record<string, number>;
      return {
        amounts: {
          A: { rural: f.A_rural!, urban: f.A_urban! },
          B: { rural: f.B_rural!, urban: f.B_urban! },
          C: { rural: f.C_rural!, urban: f.C_urban! },
        },
        bands: {
          B: { rural: [f.bandB_rural_lo!, f.bandB_rural_hi!], urban: [f.bandB_urban_lo!, f.bandB_urban_hi!] },
          C: { rural: [f.bandC_rural_lo!, f.bandC_rural_hi!], urban: [f.bandC_urban_lo!, f.bandC_urban_hi!] },
        },
      };
    })
    // Tier A pays most and C least; each band runs low to high and B's lies below C's.
    .refine(
      (v) =>
        (['rural', 'urban'] as const).every(
          (a) =>
            v.amounts.A[a] >= v.amounts.B[a] &&
            v.amounts.B[a] >= v.amounts.C[a] &&
            v.bands.B[a][0]! <= v.bands.B[a][1]! &&
            v.bands.C[a][0]! <= v.bands.C[a][1]! &&
            v.bands.B[a][1]! <= v.bands.C[a][0]!,
        ),
      { message: 'staff.local.errors.tiers_order' },
    ),
  care_shares: z.object({ full: share, partial: share, none: share }),
  local_rates: z
    .object({
      elderly: optionalShare,
      minor: optionalShare,
      severeDisability: optionalShare,
      other: optionalShare,
    })
    .transform((f) => Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined)))
    .refine((v) => Object.keys(v).length > 0, { message: 'staff.local.errors.share' }),
};

/** Free text from the form: control and bidi characters out, then the length checked. */
const sourceText = (min: number, max: number) =>
  z
    .string()
    .transform((s) => cleanText(s, max + 1))
    .pipe(z.string().min(min, 'staff.local.errors.required').max(max, 'staff.local.errors.too_long'));

export const sourceSchema = z.object({
  title: sourceText(2, 200),
  issuer: sourceText(2, 100),
  clause: sourceText(1, 60),
  quote: sourceText(4, 500),
});

const effectiveDate = z
  .string()
  .transform((s) => s.trim())
  .pipe(
    z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'staff.local.errors.date')
      .refine((s) => isRealDate(s) && s >= '2000-01-01' && s <= '2100-12-31', 'staff.local.errors.date'),
  );

export type Fields = Record<string, string>;

export type FormResult =
  | {
      ok: true;
      parameter: ParameterName;
      value: unknown;
      from: string;
      source: z.output<typeof sourceSchema>;
    }
  | { ok: false; errors: Record<string, string> };

/** Reads the add-a-value form: every field checked, each failure as field → locale key. */
export function readValueForm(fields: Fields): FormResult {
  const kind = formKind(fields.parameter ?? '');
  if (!kind) return { ok: false, errors: { parameter: 'staff.local.errors.parameter' } };
  const parameter = fields.parameter as ParameterName;
  const errors: Record<string, string> = {};
  const collect = (r: z.ZodSafeParseResult<unknown>, prefix = '') => {
    if (!r.success)
      for (const issue of r.error.issues) {
        const field = issue.path.length ? `${prefix}${String(issue.path[0])}` : prefix || 'value';
        errors[field] ??= issue.message.startsWith('staff.') ? issue.message : 'staff.local.errors.value';
      }
  };
  const pick = (names: readonly string[]) => Object.fromEntries(names.map((n) => [n, fields[n] ?? '']));
  const value = valueSchemas[kind].safeParse(pick(kindFields[kind]));
  collect(value);
  const from = effectiveDate.safeParse(fields.from ?? '');
  collect(from, 'from');
  const source = sourceSchema.safeParse(pick(['title', 'issuer', 'clause', 'quote']));
  collect(source);
  if (!value.success || !from.success || !source.success) return { ok: false, errors };
  // The catalog has the last word: the engine reads only what it accepts.
  const checked = parameterCatalog[parameter].value.safeParse(value.data);
  if (!checked.success) return { ok: false, errors: { value: 'staff.local.errors.value' } };
  return { ok: true, parameter, value: value.data, from: from.data, source: source.data };
}

/** The form's fields for an existing value (to prefill a new version of it). */
export function fieldsOf(kind: FormKind, value: unknown): Fields {
  const v = value as never;
  const s = (n: unknown) => (n === undefined ? '' : String(n));
  switch (kind) {
    case 'flag':
      return { value: value ? 'yes' : 'no' };
    case 'tiers': {
      const t = v as {
        amounts: Record<string, Record<string, number>>;
        bands: Record<string, Record<string, number[]>>;
      };
      const out: Fields = {};
      for (const tier of ['A', 'B', 'C'])
        for (const a of ['rural', 'urban']) out[`${tier}_${a}`] = s(t.amounts[tier]?.[a]);
      for (const tier of ['B', 'C'])
        for (const a of ['rural', 'urban']) {
          out[`band${tier}_${a}_lo`] = s(t.bands[tier]?.[a]?.[0]);
          out[`band${tier}_${a}_hi`] = s(t.bands[tier]?.[a]?.[1]);
        }
      return out;
    }
    case 'care_shares':
    case 'local_rates':
      return Object.fromEntries(
        kindFields[kind].map((k) => [k, fractionText((v as Record<string, number | undefined>)[k])]),
      );
    case 'share':
      return { value: fractionText(value as number) };
    default:
      return { value: s(value) };
  }
}

/** 1/6 rather than 0.16666666666666666: the smallest denominator up to 12 that is exact, else a decimal. */
export function fractionText(n: number | undefined): string {
  if (n === undefined) return '';
  if (n === 0 || n === 1) return String(n);
  for (let d = 2; d <= 12; d++) {
    const num = Math.round(n * d);
    if (Math.abs(num / d - n) < 1e-9) return `${num}/${d}`;
  }
  return String(Math.round(n * 10_000) / 10_000);
}
