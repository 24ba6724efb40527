/**
 * 受灾人员救助 (001 §三(八)5): people affected by natural disasters get emergency, transition,
 * rebuilding and winter-spring relief; assistance households get special attention. See spec.md.
 */
import { citations } from '../../engine/citations.ts';
import { assistanceStatus } from '../../engine/context.ts';
import { startFinding } from '../../engine/finding.ts';
import type { ProgramRule } from '../../engine/program-rule.ts';

export const disaster: ProgramRule = {
  id: 'disaster',
  after: ['dibao', 'tekun', 'marginal', 'rigid_expense'],
  uses: ['emergency'],
  evaluate(ctx) {
    const f = startFinding(ctx, 'disaster');
    const rule = f.param('disaster.assistance');
    if (!rule) {
      // Nothing configured for this county: not screened here; the township knows its rules.
      f.note('program.ask_township');
      return f.done('ask');
    }
    const em = ctx.household.emergency;
    if (em === undefined) {
      f.ask('emergency');
      f.unknown('disaster.unknown', {}, rule);
      return f.done('possible');
    }
    if (em?.kind !== 'disaster') {
      f.failed('disaster.none', {}, rule);
      return f.done('unlikely');
    }
    f.met('disaster.affected', {}, rule);
    const group = assistanceStatus(ctx);
    if (group.status === 'yes')
      f.note('disaster.priority_group', { program: group.id ?? '' }, citations.disasterPriority);
    return f.done('likely');
  },
};
