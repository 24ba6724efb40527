/**
 * 低保边缘家庭 (001 §一(一)): not eligible for dibao or 特困, per-capita income below 1.5× the
 * local dibao standard, property within the local rules. A status, not a payment: it opens
 * medical, education, housing and employment assistance. See spec.md.
 */
import { citations } from '../../engine/citations.ts';
import { groupStatus, standardName, yuan } from '../../engine/context.ts';
import { startFinding } from '../../engine/finding.ts';
import type { ProgramRule } from '../../engine/program-rule.ts';

const basicPrograms = ['dibao', 'tekun'] as const;

export const marginal: ProgramRule = {
  id: 'marginal',
  after: ['dibao', 'tekun'],
  uses: ['area', 'members', 'monthlyIncome', 'propertyWithinLimits'],
  evaluate(ctx) {
    const f = startFinding(ctx, 'marginal');
    const h = ctx.household;
    for (const id of basicPrograms) {
      if (groupStatus(ctx, id) === 'yes') {
        f.failed('marginal.qualifies_for', { program: id });
        return f.done('unlikely');
      }
    }
    if (!h.propertyWithinLimits) {
      f.failed('marginal.property_over', {}, citations.marginalProperty);
      return f.done('unlikely');
    }
    const multiple = f.param('marginal.income_multiple');
    const standard = f.param(standardName(h.area));
    if (!multiple || !standard) {
      f.notConfigured(!multiple ? 'marginal.income_multiple' : standardName(h.area));
      return f.done('possible');
    }
    const limit = multiple.value * standard.value;
    const params = {
      perCapita: yuan(ctx.perCapita),
      limit: yuan(limit),
      multiple: multiple.value,
      standard: standard.value,
    };
    if (ctx.perCapita >= limit) {
      f.failed('marginal.income_not_below', params, multiple);
      return f.done('unlikely');
    }
    f.met('marginal.income_below', params, multiple);
    f.met('marginal.property_within', {}, citations.marginalProperty);
    // Wengyuan's direct transfer exists only there: elsewhere its absence is not "not configured".
    const transfer = f.optional('process.transfer_to_marginal');
    if (transfer) f.note('process.transfer_to_marginal', {}, transfer);
    else f.note('process.township_decides', {}, citations.applyAtTownship);
    const pending = basicPrograms.some((id) => groupStatus(ctx, id) === 'maybe');
    if (pending) f.unknown('marginal.if_not_dibao');
    return f.done(pending ? 'possible' : 'likely');
  },
};
