/**
 * 刚性支出困难家庭 (001 §一(一)): not eligible for dibao, 特困 or the marginal income test;
 * per-capita annual income below last year's local per-capita disposable income; rigid
 * spending (illness, schooling, disaster, accident) in the last 12 months at least 50% of the
 * household's annual income; property within the marginal-family rules. See spec.md.
 */
import { citations } from '../../engine/citations.ts';
import { groupStatus, yuan } from '../../engine/context.ts';
import { startFinding } from '../../engine/finding.ts';
import type { ProgramRule } from '../../engine/program-rule.ts';

const earlierPrograms = ['dibao', 'tekun', 'marginal'] as const;

export const rigidExpense: ProgramRule = {
  id: 'rigid_expense',
  after: ['dibao', 'tekun', 'marginal'],
  uses: ['members', 'monthlyIncome', 'propertyWithinLimits', 'rigidExpenses12m'],
  evaluate(ctx) {
    const f = startFinding(ctx, 'rigid_expense');
    const h = ctx.household;
    for (const id of earlierPrograms) {
      if (groupStatus(ctx, id) === 'yes') {
        f.failed('rigid_expense.qualifies_for', { program: id });
        return f.done('unlikely');
      }
    }
    if (!h.propertyWithinLimits) {
      f.failed('rigid_expense.property_over', {}, citations.marginalProperty);
      return f.done('unlikely');
    }
    const share = f.param('rigid_expense.spending_share');
    if (!share) {
      f.notConfigured('rigid_expense.spending_share');
      return f.done('possible');
    }
    const spend = h.rigidExpenses12m;
    if (!spend) {
      f.ask('rigidExpenses12m');
      f.unknown('rigid_expense.spending_unknown', { share: share.value * 100 }, share);
      return f.done('possible');
    }
    const total =
      (spend.medical ?? 0) + (spend.education ?? 0) + (spend.disaster ?? 0) + (spend.accident ?? 0);
    const params = {
      spending: total,
      annual: ctx.annualIncome,
      share: share.value * 100,
      needed: ctx.annualIncome * share.value,
    };
    if (total === 0 || total < share.value * ctx.annualIncome) {
      f.failed('rigid_expense.spending_below', params, share);
      return f.done('unlikely');
    }
    f.met('rigid_expense.spending_reaches', params, share);
    f.met('rigid_expense.property_within', {}, citations.marginalProperty);

    let verdict: 'likely' | 'possible' = 'likely';
    const disposable = f.param('local.disposable_income_annual');
    const perCapitaAnnual = yuan(ctx.annualIncome / ctx.size);
    if (!disposable) {
      f.notConfigured('local.disposable_income_annual');
      verdict = 'possible';
    } else if (perCapitaAnnual >= disposable.value) {
      f.failed(
        'rigid_expense.income_not_below',
        { perCapitaAnnual, disposable: disposable.value },
        citations.rigidDisposableIncome,
      );
      return f.done('unlikely');
    } else {
      f.met(
        'rigid_expense.income_below',
        { perCapitaAnnual, disposable: disposable.value },
        citations.rigidDisposableIncome,
      );
    }
    if (earlierPrograms.some((id) => groupStatus(ctx, id) === 'maybe')) {
      f.unknown('rigid_expense.if_not_other');
      verdict = 'possible';
    }
    return f.done(verdict);
  },
};
