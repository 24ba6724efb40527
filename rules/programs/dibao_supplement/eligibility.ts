/**
 * 重点保障增发 (Jilin 003 §三(三)): extra monthly pay per person in a dibao household, as a
 * share of the standard, the highest rate only: at least 60% for listed critical illnesses with
 * ongoing heavy costs, at least 50% for people 70+, disability grade 1–2, the elderly and
 * disabled, households with several disabled members and multiple disabilities. Exists only
 * where a jurisdiction configures the rates (Jilin). See spec.md.
 */
import { citations } from '../../engine/citations.ts';
import { groupStatus, standardName } from '../../engine/context.ts';
import { startFinding } from '../../engine/finding.ts';
import type { Member } from '../../engine/household.ts';
import type { ParameterValue } from '../../engine/parameter-catalog.ts';
import type { ProgramRule } from '../../engine/program-rule.ts';

type Rates = ParameterValue<'dibao_supplement.rates'>;

export const dibaoSupplement: ProgramRule = {
  id: 'dibao_supplement',
  after: ['dibao', 'tekun'],
  uses: ['members', 'area'],
  evaluate(ctx) {
    const f = startFinding(ctx, 'dibao_supplement');
    const rates = ctx.params.get('dibao_supplement.rates') as { value: Rates } | undefined;
    if (!rates) {
      f.failed('dibao_supplement.not_in_jurisdiction');
      return f.done('unlikely');
    }
    const cited = f.param('dibao_supplement.rates')!;
    const dibao = groupStatus(ctx, 'dibao');
    if (dibao === 'no') {
      f.failed('dibao_supplement.requires_dibao', {}, cited);
      return f.done('unlikely');
    }
    const elderlyAge = f.param('elderly_age')?.value ?? 60;
    const disabledCount = ctx.household.members.filter((m) => m.disability).length;
    let sure = 0;
    let shareSum = 0;
    let critical = 0;
    for (const m of ctx.household.members) {
      const r = memberRate(m, rates.value, elderlyAge, disabledCount);
      if (r.rate === 0) continue;
      shareSum += r.rate;
      if (r.critical) critical++;
      else sure++;
    }
    if (shareSum === 0) {
      const unknown = ctx.household.members.some(
        (m) => m.disability === undefined || m.seriousIllness === undefined,
      );
      if (unknown) {
        f.ask('members.disability');
        f.ask('members.seriousIllness');
        f.unknown('dibao_supplement.member_unknown', {}, cited);
        return f.done('possible');
      }
      f.failed(
        'dibao_supplement.no_member_qualifies',
        { elderlyAge: rates.value.elderlyAge },
        citations.supplementBase,
      );
      return f.done('unlikely');
    }
    if (sure)
      f.met(
        'dibao_supplement.base_rate',
        { count: sure, rate: rates.value.elderly * 100 },
        citations.supplementBase,
      );
    if (critical)
      f.unknown(
        'dibao_supplement.critical_illness',
        { count: critical, rate: rates.value.criticalIllness * 100 },
        citations.supplementCritical,
      );
    f.note('dibao_supplement.highest_only', {}, cited);
    const standard = f.param(standardName(ctx.household.area));
    if (!standard) f.notConfigured(standardName(ctx.household.area));
    const amount = standard ? { monthlyAmount: shareSum * standard.value } : {};
    if (standard)
      f.met(
        'dibao_supplement.amount',
        { standard: standard.value, amount: shareSum * standard.value },
        cited,
      );
    return f.done(dibao === 'yes' && sure > 0 ? 'likely' : 'possible', amount);
  },
};

/** The highest single rate a member qualifies for; rates never stack (003 §三(三)). */
function memberRate(m: Member, r: Rates, elderlyAge: number, disabledInHousehold: number) {
  const candidates: { rate: number; critical: boolean }[] = [];
  if (m.seriousIllness === true) candidates.push({ rate: r.criticalIllness, critical: true });
  if (m.age >= r.elderlyAge) candidates.push({ rate: r.elderly, critical: false });
  if (m.disability) {
    if (m.disability.grade <= r.maxDisabilityGrade)
      candidates.push({ rate: r.severeDisability, critical: false });
    if (m.age >= elderlyAge) candidates.push({ rate: r.elderlyDisabled, critical: false });
    if (disabledInHousehold >= 2) candidates.push({ rate: r.multiDisabledHousehold, critical: false });
    if (m.disability.kind === 'multiple') candidates.push({ rate: r.multipleDisability, critical: false });
  }
  return candidates.reduce((best, c) => (c.rate > best.rate ? c : best), { rate: 0, critical: false });
}
