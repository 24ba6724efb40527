/**
 * 临时救助 (001 §三(九)1, 002 §二(五), 004 §三): sudden, urgent or disastrous hardship.
 * Amount = local standard × persons × months (months ≤ 5); disability, lost labour or lost
 * self-care caused by the emergency: up to 2×, 3×, 5× the urban monthly standard. While a
 * dibao or 特困 application is pending and living is hard: 1–2 months of the standard.
 * See spec.md.
 */
import { citations } from '../../engine/citations.ts';
import { groupStatus, type ScreenContext, standardName } from '../../engine/context.ts';
import { type Finding, startFinding } from '../../engine/finding.ts';
import type { ProgramRule } from '../../engine/program-rule.ts';

const basicPrograms = ['dibao', 'tekun'] as const;

export const temporary: ProgramRule = {
  id: 'temporary',
  after: ['dibao', 'tekun'],
  uses: ['emergency', 'area', 'members', 'current'],
  evaluate(ctx) {
    const f = startFinding(ctx, 'temporary');
    const h = ctx.household;
    const em = h.emergency;
    if (em) return emergencyAmount(ctx, f, em);

    // No emergency, or not yet asked. The pending-application route (001 §三(九)1) is for people
    // whose living "暂时陷入困境" while dibao or 特困 is processed: with no hardship at all (null)
    // it is only mentioned; unasked, it keeps temporary assistance possible.
    const pending = f.optional('temporary.pending_application_months');
    const applying = basicPrograms.find(
      (id) => !h.current?.includes(id) && ctx.outcomes[id] && groupStatus(ctx, id) !== 'no',
    );
    if (em === null) {
      f.failed('temporary.no_emergency', {}, citations.temporaryCriteria);
      if (pending && applying)
        f.note(
          'temporary.pending_if_hardship',
          { program: applying, min: pending.value.min, max: pending.value.max },
          citations.temporaryPending,
        );
      return f.done('unlikely');
    }
    f.ask('emergency');
    if (pending && applying) {
      const standard = f.param(standardName(h.area));
      const perMonth = standard ? standard.value * ctx.size : undefined;
      f.unknown(
        'temporary.pending_application',
        {
          program: applying,
          min: pending.value.min,
          max: pending.value.max,
          ...(perMonth ? { perMonth } : {}),
        },
        pending,
      );
      return f.done('possible', perMonth ? { amount: perMonth * pending.value.max } : {});
    }
    f.unknown('temporary.emergency_unknown', {}, citations.temporaryCriteria);
    return f.done('possible');
  },
};

function emergencyAmount(
  ctx: ScreenContext,
  f: Finding,
  em: NonNullable<ScreenContext['household']['emergency']>,
) {
  const h = ctx.household;
  const maxMonths = f.param('temporary.max_months');
  const advance = f.param('temporary.advance');
  if (!maxMonths && !advance) {
    f.notConfigured('temporary.max_months');
    return f.done('possible');
  }
  f.met('temporary.emergency', { kind: em.kind }, maxMonths ? citations.temporaryCriteria : advance);
  noteTownApproval(f);

  if (em.consequence && em.consequence !== 'none') {
    const multiples = f.param('temporary.consequence_multiples');
    const urban = f.param('dibao.standard.urban');
    if (multiples && urban) {
      const multiple = multiples.value[em.consequence];
      const amount = multiple * urban.value;
      f.met(
        `temporary.consequence_${em.consequence}`,
        { multiple, urbanStandard: urban.value, amount },
        multiples,
      );
      return f.done('likely', { amount });
    }
    if (!urban) f.notConfigured('dibao.standard.urban');
    return f.done('likely');
  }

  const standard = f.param(standardName(h.area));
  if (!standard || !maxMonths) {
    if (!standard) f.notConfigured(standardName(h.area));
    return f.done('likely');
  }
  const months = Math.min(em.months, maxMonths.value);
  const amount = standard.value * em.persons * months;
  f.met('temporary.formula', { standard: standard.value, persons: em.persons, months, amount }, maxMonths);
  if (em.months > maxMonths.value)
    f.note('temporary.months_capped', { months: em.months, max: maxMonths.value }, maxMonths);
  const advanceMonths = f.param('temporary.advance_months');
  if (advanceMonths)
    f.note('temporary.advance', { amount: standard.value * advanceMonths.value }, advanceMonths);
  return f.done('likely', { amount });
}

function noteTownApproval(f: Finding) {
  const town = f.param('temporary.town_approves_small');
  if (town) f.note('temporary.town_approves', {}, citations.temporaryTownApproves);
}
