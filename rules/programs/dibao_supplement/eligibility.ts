/**
 * 重点保障增发 (Jilin 003 §三(三)): extra monthly pay per person in a rural dibao household,
 * as a share of the standard, the highest rate only, during the action period 2018–2020
 * (003 §一). The seed gives rates to exact groups (member-rate.ts); the other groups it names
 * get a rate the local bureau sets (dibao_supplement.local_rates). A member in 特困 is not in
 * 低保 (003 §二(二)) and gets no supplement. Exists only where a jurisdiction configures the
 * rates (Jilin). See spec.md.
 */
import { citations } from '../../engine/citations.ts';
import { groupStatus, standardName } from '../../engine/context.ts';
import { startFinding } from '../../engine/finding.ts';
import type { Member } from '../../engine/household.ts';
import type { ProgramRule } from '../../engine/program-rule.ts';
import { type LocalGroup, memberRate } from './member-rate.ts';

export const dibaoSupplement: ProgramRule = {
  id: 'dibao_supplement',
  after: ['dibao', 'tekun'],
  uses: ['members', 'area'],
  evaluate(ctx) {
    const f = startFinding(ctx, 'dibao_supplement');
    const h = ctx.household;
    const rates = f.optional('dibao_supplement.rates');
    if (!rates) {
      f.failed('dibao_supplement.not_in_jurisdiction');
      return f.done('unlikely');
    }
    if (ctx.date > rates.value.until) {
      f.failed('dibao_supplement.period_ended', { until: rates.value.until }, rates);
      return f.done('unlikely');
    }
    if (h.area !== rates.value.area) {
      f.failed('dibao_supplement.rural_only', {}, rates);
      return f.done('unlikely');
    }
    const dibao = groupStatus(ctx, 'dibao');
    if (dibao === 'no') {
      f.failed('dibao_supplement.requires_dibao', {}, rates);
      return f.done('unlikely');
    }
    const exclusive = f.optional('dibao.excludes_tekun_recipients');
    const inTekun: readonly Member[] = exclusive?.value ? (ctx.tekun?.excluded ?? []) : [];
    if (inTekun.length > 0)
      f.note('dibao_supplement.tekun_member_excluded', { count: inTekun.length }, exclusive);

    // The groups' definitions are configuration; absent (Jilin 2018–2020 has no national
    // definitions in force) they are named as not configured, and nobody is ruled out by them.
    const groups = {
      elderlyAge: f.param('elderly_age')?.value,
      minorAge: f.param('minor_age')?.value,
      severe: f.param('severe_disability')?.value,
      local: f.optional('dibao_supplement.local_rates')?.value,
    };
    if (groups.elderlyAge === undefined) f.notConfigured('elderly_age');
    if (groups.minorAge === undefined) f.notConfigured('minor_age');
    if (groups.severe === undefined) f.notConfigured('severe_disability');
    const disabledCount = h.members.filter((m) => m.disability).length;
    let sure = 0;
    let local = 0;
    let shareSum = 0;
    let critical = 0;
    let unknownAnswer = false;
    let unknownDefinition = false;
    const pending = new Set<LocalGroup>();
    for (const m of h.members) {
      if (inTekun.includes(m)) continue;
      const r = memberRate(m, rates.value, groups, disabledCount);
      if (r.unknown === 'answer') unknownAnswer = true;
      if (r.unknown === 'definition') unknownDefinition = true;
      if (r.pending) pending.add(r.pending);
      if (r.rate === 0) continue;
      shareSum += r.rate;
      if (r.critical) critical++;
      else if (r.local) local++;
      else sure++;
    }
    if (sure)
      f.met(
        'dibao_supplement.base_rate',
        { count: sure, rate: rates.value.listed.rate * 100 },
        citations.supplementBase,
      );
    if (local)
      f.met('dibao_supplement.local_rate', { count: local }, f.optional('dibao_supplement.local_rates'));
    if (critical)
      f.unknown(
        'dibao_supplement.critical_illness',
        { count: critical, rate: rates.value.critical * 100 },
        citations.supplementCritical,
      );
    for (const group of pending) {
      // The seed names the group but leaves its rate to the local bureau: not configured here.
      f.param('dibao_supplement.local_rates');
      f.unknown(`dibao_supplement.local_group_${group}`, {}, citations.supplementGroups);
    }
    if (shareSum === 0) {
      // Undefined groups are already named as not configured above.
      if (pending.size > 0 || unknownDefinition) return f.done('possible');
      if (unknownAnswer) {
        f.ask('members.disability');
        f.ask('members.seriousIllness');
        f.unknown('dibao_supplement.member_unknown', {}, rates);
        return f.done('possible');
      }
      f.failed('dibao_supplement.no_member_qualifies', {}, citations.supplementBase);
      f.note('dibao_supplement.other_hardship_local', {}, citations.supplementOther);
      return f.done('unlikely');
    }
    f.note('dibao_supplement.highest_only', {}, rates);
    const standard = f.param(standardName(h.area));
    if (!standard) {
      f.notConfigured(standardName(h.area));
      return f.done(dibao === 'yes' && sure + local > 0 ? 'likely' : 'possible');
    }
    const amount = shareSum * standard.value;
    f.met('dibao_supplement.amount', { standard: standard.value, amount }, rates);
    // "按不低于当地低保标准…比例增发": the rates are floors, so the amount is too.
    return f.done(dibao === 'yes' && sure + local > 0 ? 'likely' : 'possible', {
      monthlyAmount: amount,
      floor: true,
    });
  },
};
