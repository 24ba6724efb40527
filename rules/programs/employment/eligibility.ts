/**
 * 就业救助 (001 §三(八)4): low-income people with labour capacity and the will to work get
 * training, placement and subsidies; disabled people get the disabled persons' federation's
 * employment support. Willingness is the resident's to state, so it is a note, not a test.
 * See spec.md.
 */
import { citations } from '../../engine/citations.ts';
import { assistanceStatus } from '../../engine/context.ts';
import { startFinding } from '../../engine/finding.ts';
import type { ProgramRule } from '../../engine/program-rule.ts';

export const employment: ProgramRule = {
  id: 'employment',
  after: ['dibao', 'tekun', 'marginal', 'rigid_expense'],
  uses: ['members'],
  evaluate(ctx) {
    const f = startFinding(ctx, 'employment');
    const rule = f.param('employment.assistance');
    if (!rule) {
      // Nothing configured for this county: not screened here; the township knows its rules.
      f.note('program.ask_township');
      return f.done('ask');
    }
    // No invented age: without the minor age in force the screen cannot tell adults apart.
    const minorAge = f.param('minor_age');
    if (!minorAge) {
      f.notConfigured('minor_age');
      return f.done('possible');
    }
    const adult = minorAge.value;
    const able = ctx.household.members.filter((m) => m.age >= adult && m.laborCapacity !== 'none');
    const jobless = able.filter((m) => m.employed === false);
    if (jobless.length === 0) {
      if (able.some((m) => m.employed === undefined)) {
        f.ask('members.employed');
        f.unknown('employment.employment_unknown', {}, rule);
        return f.done('possible');
      }
      f.failed(able.length ? 'employment.all_employed' : 'employment.no_able_adult', {}, rule);
      return f.done('unlikely');
    }
    const group = assistanceStatus(ctx);
    if (group.status === 'no') {
      f.failed('employment.not_low_income', {}, rule);
      return f.done('unlikely');
    }
    f.met('employment.jobless_able', { count: jobless.length, program: group.id ?? '' }, rule);
    f.note('employment.if_willing', {}, rule);
    if (jobless.some((m) => m.disability))
      f.note('employment.disabled_support', {}, citations.employmentDisabled);
    return f.done(group.status === 'yes' ? 'likely' : 'possible');
  },
};
