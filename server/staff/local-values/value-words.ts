/**
 * A parameter's value in words and units for the county admin ("每人每月 678 元", "1/6"),
 * never raw keys or JSON. Each parameter has a unit; structured values are read key by key,
 * each key named from the locales (staff.local.keys.*), a key's own unit overriding its parent's.
 */
import type { TFunction } from 'i18next';
import type { ParameterName } from '../../../rules/engine/parameter-catalog.ts';
import { formatAmount } from '../../../rules/explain/result-view.ts';
import { fractionText } from './value-forms.ts';

type Unit =
  | 'per_person_month'
  | 'per_month'
  | 'per_person_year'
  | 'times'
  | 'share'
  | 'years'
  | 'months'
  | 'grade'
  | 'range'
  | 'date'
  | 'plain';

const units: Record<ParameterName, Unit> = {
  'dibao.standard.urban': 'per_person_month',
  'dibao.standard.rural': 'per_person_month',
  'dibao.classes': 'plain',
  'dibao.tiers': 'per_person_month',
  'dibao.four_groups_supplement': 'per_person_month',
  'dibao.gradual_exit_months': 'months',
  'dibao.gradual_exit_tapered': 'plain',
  'dibao.expense_deduction_multiple': 'times',
  'dibao.medical_expense_deduction': 'months',
  'dibao.excludes_tekun_recipients': 'plain',
  'dibao.average_subsidy': 'per_person_month',
  severe_disability: 'grade',
  elderly_age: 'years',
  minor_age: 'years',
  'local.minimum_wage_monthly': 'per_month',
  'local.disposable_income_annual': 'per_person_year',
  'tekun.standard_multiple': 'times',
  'tekun.minor_age_limit': 'years',
  'tekun.care_shares': 'share',
  'marginal.income_multiple': 'times',
  'rigid_expense.spending_share': 'share',
  'dibao_single.from_marginal_family': 'plain',
  'dibao_single.support_shares': 'share',
  'temporary.max_months': 'months',
  'temporary.consequence_multiples': 'times',
  'temporary.pending_application_months': 'months',
  'temporary.advance_months': 'months',
  'temporary.advance': 'plain',
  'temporary.town_approves_small': 'plain',
  'medical.assistance': 'plain',
  'education.assistance': 'plain',
  'housing.assistance': 'plain',
  'employment.assistance': 'plain',
  'disaster.assistance': 'plain',
  'dibao_supplement.rates': 'share',
  'process.transfer_to_marginal': 'plain',
  'dibao_supplement.local_rates': 'share',
  'dibao.amount_method': 'plain',
  'dibao.deductible_schooling': 'plain',
};

/** Keys whose numbers have a unit of their own, whatever the parameter's. */
const keyUnits: Record<string, Unit> = {
  bands: 'range',
  months: 'months',
  incomeMultiple: 'times',
  annualReduction: 'share',
  elderlyAge: 'years',
  fromAge: 'years',
  maxGrade: 'grade',
  grades: 'grade',
  until: 'date',
};

/**
 * Punctuation, not words: a label's colon and a group's brackets, full-width in Chinese. (The
 * separators between parts are in the locales: the Arabic ones are letters of the script.)
 */
const marks = {
  zh: { pair: (k: string, v: string) => `${k}：${v}`, group: (v: string) => `（${v}）` },
  other: { pair: (k: string, v: string) => `${k}: ${v}`, group: (v: string) => `(${v})` },
};

export function valueInWords(t: TFunction, name: ParameterName, value: unknown, lang: string): string {
  const mark = lang === 'zh' ? marks.zh : marks.other;
  const words = (v: unknown, unit: Unit, depth = 0): string => {
    // Top level parts apart with "；", inner ones with "，", an inner group in brackets.
    const sep = t(depth === 0 ? 'staff.local.sep' : 'staff.local.sep_inner');
    if (typeof v === 'number') return number(v, unit);
    if (typeof v === 'boolean') return t(v ? 'staff.local.words.yes' : 'staff.local.words.no');
    if (typeof v === 'string')
      return unit === 'date'
        ? v
        : t(`staff.local.words.${v}`, { defaultValue: t('staff.local.words.other') });
    if (Array.isArray(v)) {
      if (unit === 'range' && v.length === 2 && v.every((x) => typeof x === 'number'))
        return t('staff.local.units.range', {
          lo: formatAmount(v[0] as number, lang),
          hi: formatAmount(v[1] as number, lang),
        });
      return v.map((x) => words(x, unit, depth + 1)).join(sep);
    }
    if (v && typeof v === 'object') {
      const text = Object.entries(v)
        .filter(([, x]) => x !== undefined)
        .map(([k, x]) =>
          mark.pair(
            t(`staff.local.keys.${k}`, { defaultValue: t('staff.local.words.other') }),
            words(x, keyUnits[k] ?? unit, depth + 1),
          ),
        )
        .join(sep);
      return depth > 1 ? mark.group(text) : text;
    }
    return t('staff.local.not_set');
  };
  const number = (n: number, unit: Unit) => {
    if (unit === 'share') return fractionText(n);
    if (unit === 'plain' || unit === 'date' || unit === 'range') return formatAmount(n, lang);
    return t(`staff.local.units.${unit}`, { n: formatAmount(n, lang) });
  };
  return words(value, units[name]);
}
