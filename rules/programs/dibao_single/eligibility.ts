/**
 * 单人户低保 (001 §三(七), 002 §二(二)): a severely disabled or seriously ill member of a family
 * that does not itself qualify may apply for dibao alone. In Xinjiang the family must be a
 * marginal family; an adult unemployed severely disabled applicant is then assessed on their
 * own income, counting support payments by the supporter's age. The screen does not know a
 * member's own income, so this is at most "possible". See spec.md.
 */
import { citations } from '../../engine/citations.ts';
import { isSevereDisability, standardName, yuan } from '../../engine/context.ts';
import { startFinding } from '../../engine/finding.ts';
import type { ProgramRule } from '../../engine/program-rule.ts';

export const dibaoSingle: ProgramRule = {
  id: 'dibao_single',
  after: ['dibao'],
  uses: ['members', 'monthlyIncome', 'area'],
  evaluate(ctx) {
    const f = startFinding(ctx, 'dibao_single');
    const h = ctx.household;
    // A one-person household, or one that qualifies as a whole, has no one to apply alone:
    // decided before asking about anyone's health.
    if (ctx.size === 1) {
      f.failed('dibao_single.already_single');
      return f.done('unlikely');
    }
    if (ctx.outcomes.dibao?.verdict === 'likely') {
      f.failed('dibao_single.household_qualifies');
      return f.done('unlikely');
    }
    const severe = f.param('severe_disability');
    if (!severe) {
      f.notConfigured('severe_disability');
      return f.done('possible');
    }
    const candidates = h.members.filter(
      (m) => m.seriousIllness === true || isSevereDisability(m, severe.value),
    );
    if (candidates.length === 0) {
      if (h.members.some((m) => m.disability === undefined || m.seriousIllness === undefined)) {
        f.ask('members.disability');
        f.ask('members.seriousIllness');
        f.unknown('dibao_single.candidate_unknown', {}, severe);
        return f.done('possible');
      }
      f.failed('dibao_single.no_candidate', {}, severe);
      return f.done('unlikely');
    }
    f.met('dibao_single.candidate', { count: candidates.length }, severe);

    const fromMarginal = f.param('dibao_single.from_marginal_family');
    if (fromMarginal) {
      const multiple = f.param('marginal.income_multiple');
      const standard = f.param(standardName(h.area));
      if (!multiple || !standard) {
        f.notConfigured(!multiple ? 'marginal.income_multiple' : standardName(h.area));
        return f.done('possible');
      }
      const limit = multiple.value * standard.value;
      if (ctx.perCapita >= limit) {
        f.failed(
          'dibao_single.not_marginal',
          { perCapita: yuan(ctx.perCapita), limit: yuan(limit) },
          fromMarginal,
        );
        return f.done('unlikely');
      }
      f.met(
        'dibao_single.marginal_family',
        { perCapita: yuan(ctx.perCapita), limit: yuan(limit) },
        fromMarginal,
      );
      // Three bands as 001 §三(七) gives them (full, partly counted, not counted); a table
      // without them is not filled in from code.
      const shares = f.param('dibao_single.support_shares');
      const [full, partial, none] = shares?.value ?? [];
      if (shares && full && partial && none) {
        f.unknown(
          'dibao_single.own_income',
          {
            fullFrom: full.fromAge,
            partialFrom: partial.fromAge,
            partialShare: partial.share * 100,
            noneFrom: none.fromAge,
          },
          shares,
        );
      } else if (shares) f.notConfigured('dibao_single.support_shares');
    } else {
      f.unknown('dibao_single.national_conditions', {}, citations.singleNational);
    }
    return f.done('possible');
  },
};
