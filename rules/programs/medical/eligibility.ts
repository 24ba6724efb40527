/**
 * 医疗救助 (001 §三(八)1): premium subsidy for basic medical insurance (特困 in full, dibao a
 * fixed amount) and assistance with out-of-pocket in-patient, chronic and critical-illness
 * costs for people receiving assistance. See spec.md.
 */
import { assistanceStatus, groupStatus } from '../../engine/context.ts';
import { startFinding } from '../../engine/finding.ts';
import type { ProgramRule } from '../../engine/program-rule.ts';

export const medical: ProgramRule = {
  id: 'medical',
  after: ['dibao', 'tekun', 'marginal', 'rigid_expense'],
  uses: ['members', 'rigidExpenses12m'],
  evaluate(ctx) {
    const f = startFinding(ctx, 'medical');
    const rule = f.param('medical.assistance');
    if (!rule) {
      // Nothing configured for this county: not screened here; the township knows its rules.
      f.note('program.ask_township');
      return f.done('ask');
    }
    const h = ctx.household;
    const costs = h.members.some((m) => m.seriousIllness === true) || (h.rigidExpenses12m?.medical ?? 0) > 0;
    if (groupStatus(ctx, 'tekun') === 'yes') {
      f.met('medical.premium_full', {}, rule);
      if (costs) f.met('medical.out_of_pocket', {}, rule);
      return f.done('likely');
    }
    if (groupStatus(ctx, 'dibao') === 'yes') {
      f.met('medical.premium_fixed', {}, rule);
      if (costs) f.met('medical.out_of_pocket', {}, rule);
      return f.done('likely');
    }
    const group = assistanceStatus(ctx);
    if (!costs && h.rigidExpenses12m === undefined) f.ask('rigidExpenses12m');
    if (group.status === 'no') {
      f.failed('medical.not_in_group', {}, rule);
      return f.done('unlikely');
    }
    if (group.status === 'yes' && costs) {
      f.met('medical.out_of_pocket', { program: group.id ?? '' }, rule);
      return f.done('likely');
    }
    f.unknown('medical.if_in_group', { program: group.id ?? '' }, rule);
    return f.done(group.status === 'yes' && !costs ? 'unlikely' : 'possible');
  },
};
