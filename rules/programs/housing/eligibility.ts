/**
 * 住房救助 (001 §三(八)3): urban dibao, dispersed 特困 and marginal families with housing
 * difficulty → public rental housing or rent subsidy, under local housing-security conditions;
 * rural dibao, dispersed 特困, marginal and hard-hit families without safe housing → rural
 * housing renovation, with priority. See spec.md.
 */
import { citations } from '../../engine/citations.ts';
import { assistanceStatus, bestGroup, urbanHousingGroups } from '../../engine/context.ts';
import { startFinding } from '../../engine/finding.ts';
import type { ProgramRule } from '../../engine/program-rule.ts';

export const housing: ProgramRule = {
  id: 'housing',
  after: ['dibao', 'tekun', 'marginal', 'rigid_expense'],
  uses: ['housingDifficulty', 'area', 'emergency'],
  evaluate(ctx) {
    const f = startFinding(ctx, 'housing');
    const rule = f.param('housing.assistance');
    if (!rule) {
      // Nothing configured for this county: not screened here; the township knows its rules.
      f.note('program.ask_township');
      return f.done('ask');
    }
    const h = ctx.household;
    if (h.housingDifficulty === undefined) {
      f.ask('housingDifficulty');
      f.unknown('housing.difficulty_unknown', {}, rule);
      return f.done('possible');
    }
    if (!h.housingDifficulty) {
      f.failed('housing.no_difficulty', {}, rule);
      return f.done('unlikely');
    }
    if (h.area === 'urban') {
      const group = bestGroup(ctx, urbanHousingGroups);
      if (group.status === 'no') {
        f.failed('housing.urban_not_in_group', {}, citations.housingUrban);
        return f.done('unlikely');
      }
      // Local housing-security conditions decide; the screen cannot know them.
      f.unknown('housing.urban_rental', { program: group.id ?? '' }, citations.housingUrban);
      return f.done('possible');
    }
    const hardHit = Boolean(h.emergency && h.emergency.kind !== 'other');
    const group = assistanceStatus(ctx);
    if (group.status === 'yes' || hardHit) {
      f.met('housing.rural_renovation', { program: group.id ?? '' }, citations.housingRural);
      return f.done('likely');
    }
    f.unknown('housing.rural_other', {}, citations.housingRural);
    return f.done('possible');
  },
};
