/**
 * 低保 (minimum living guarantee), in the order a caseworker checks:
 * property (in the county's own words: 000 §一, 001 §一(一), 004 §二, 003 §三(二)) → standard →
 * members counted after 特困 (003 §二(二)) → per-capita income of those members below the standard → amount by the method in force (`dibao.amount_method`:
 * difference 002 §二(一) / 004 §一 / 003 §三(二), or Tekes tiers 000 §三 from 2024-07-01);
 * above the standard: Jilin 支出核减, 002's two deduction tests, gradual exit. See spec.md.
 */
import {
  citations,
  pickCitation,
  propertyCitations,
  townshipDecidesCitations,
} from '../../engine/citations.ts';
import { type ProgramOutcome, type ScreenContext, standardName, yuan } from '../../engine/context.ts';
import { type Finding, startFinding } from '../../engine/finding.ts';
import type { ProgramRule } from '../../engine/program-rule.ts';
import { amount } from './amount.ts';
import { countedMembers } from './counted-members.ts';
import { expenseDeduction } from './expense-deduction.ts';
import { gradualExit } from './gradual-exit.ts';
import { medicalDeduction } from './medical-deduction.ts';
import { onlyTekun } from './only-tekun.ts';

export const dibao: ProgramRule = {
  id: 'dibao',
  after: ['tekun'],
  uses: ['area', 'members', 'monthlyIncome', 'propertyWithinLimits', 'current', 'rigidExpenses12m'],
  evaluate(ctx) {
    const f = startFinding(ctx, 'dibao');
    const h = ctx.household;
    // Each county's own words for the property test where it has them (issue 14 item 6).
    const property = pickCitation(ctx, ...propertyCitations);
    if (!h.propertyWithinLimits) {
      f.failed('dibao.property_over', {}, property);
      return f.done('unlikely');
    }
    f.met('dibao.property_within', {}, property);
    const standard = f.param(standardName(h.area));
    if (!standard) {
      f.notConfigured(standardName(h.area));
      return f.done('possible');
    }
    const std = standard.value;
    if (h.current?.includes('dibao')) f.note('program.already_receiving');

    const counted = countedMembers(ctx, f);
    if (counted.members.length === 0) return onlyTekun(ctx, f, std);
    const size = counted.members.length;
    const perCapita = h.monthlyIncome / size;
    const income = { perCapita: yuan(perCapita), standard: std, size };
    const jilin = medicalDeduction(ctx, f, size);
    let outcome: ProgramOutcome;
    if (perCapita < std) {
      f.met('dibao.income_below_standard', income, standard);
      f.note('process.township_decides', {}, pickCitation(ctx, ...townshipDecidesCitations));
      outcome = amount(ctx, f, std, counted.members, jilin ? deducted(ctx, f, jilin, std) : perCapita);
    } else {
      f.failed('dibao.income_not_below_standard', income, standard);
      if (jilin && jilin.perCapita < std) {
        f.note('process.township_decides', {}, pickCitation(ctx, ...townshipDecidesCitations));
        outcome = amount(ctx, f, std, counted.members, deducted(ctx, f, jilin, std));
      } else {
        const route = expenseDeduction(ctx, f);
        const exit = gradualExit(ctx, f, std, perCapita);
        outcome = f.done(route || exit ? 'possible' : 'unlikely');
      }
    }
    // The household gets 特困 but the screen cannot tell who, so the count may be wrong: at most possible.
    return counted.unknownWhich && outcome.verdict === 'likely'
      ? { ...outcome, verdict: 'possible' }
      : outcome;
  },
};

/** Jilin: the deducted income replaces the household's in the amount (003 §三(二)). */
function deducted(
  ctx: ScreenContext,
  f: Finding,
  jilin: NonNullable<ReturnType<typeof medicalDeduction>>,
  std: number,
): number {
  f.met(
    'dibao.medical_deduction',
    {
      annual: ctx.annualIncome,
      medical: ctx.household.rigidExpenses12m?.medical ?? 0,
      perCapita: yuan(jilin.perCapita),
      standard: std,
      months: jilin.param.value.months,
    },
    jilin.param,
  );
  f.note('dibao.medical_deduction_amount', {}, citations.jilinDeductionAmount);
  return jilin.perCapita;
}
