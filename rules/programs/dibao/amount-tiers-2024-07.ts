/**
 * Tekes A/B/C tiers, in force from 2024-07-01 (000 §三–§五): a fixed amount per person by tier
 * instead of the difference; no "four groups" supplement (000 §五). Ages for the named groups
 * come from `elderly_age` and `minor_age`; absent, the screen says so and stays "possible".
 */
import { citations } from '../../engine/citations.ts';
import { any, type ProgramOutcome, yuan } from '../../engine/context.ts';
import type { Finding } from '../../engine/finding.ts';
import type { Member } from '../../engine/household.ts';
import type { ResolvedParameter } from '../../engine/parameter-table.ts';
import { aCondition, inNamedGroup, partlyUnable } from './capacity.ts';
import { readTekesTier } from './tekes-tier.ts';

const tierCitation = {
  A: citations.tekesTierA,
  B: citations.tekesTierB,
  C: citations.tekesTierC,
} as const;

export function amountByTiers(
  f: Finding,
  area: 'urban' | 'rural',
  members: readonly Member[],
  perCapita: number,
  method: ResolvedParameter<'dibao.amount_method'>,
): ProgramOutcome {
  const tiers = f.param('dibao.tiers');
  const elderly = f.param('elderly_age');
  const minor = f.param('minor_age');
  if (!tiers || !elderly || !minor) {
    if (!tiers) f.notConfigured('dibao.tiers');
    if (!elderly) f.notConfigured('elderly_age');
    if (!minor) f.notConfigured('minor_age');
    return f.done('possible');
  }
  f.note('dibao.tekes.tiered', {}, method);
  const severe = f.param('severe_disability');
  const named = (m: Member) => inNamedGroup(m, elderly.value, minor.value);
  const aConditions = any(members, (m) => aCondition(m, severe?.value));
  const vulnerable = any(members, (m) => partlyUnable(m, named));
  const reading = readTekesTier(perCapita, area, aConditions, vulnerable, tiers.value);
  if (reading.uncertain) {
    if (vulnerable === undefined) f.ask('members.selfCare');
    if (aConditions === undefined || vulnerable === undefined) {
      f.ask('members.disability');
      f.ask('members.seriousIllness');
    }
  }
  const perPerson = tiers.value.amounts[reading.tier][area];
  const band = reading.tier === 'A' ? undefined : tiers.value.bands[reading.tier][area];
  f.met(
    `dibao.tekes.${reading.basis}`,
    { tier: reading.tier, perCapita: yuan(perCapita), low: band?.[0] ?? 0, high: band?.[1] ?? 0 },
    tierCitation[reading.tier],
  );
  if (reading.sharedBoundary) f.note('dibao.tekes.shared_boundary', { perCapita: yuan(perCapita) }, tiers);
  if (reading.basis.startsWith('gap_')) f.note('dibao.tekes.gap_reading', {}, tiers);
  if (reading.tier !== 'A' && perCapita === 0) f.note('dibao.tekes.a_possible', {}, citations.tekesTierA);
  if (elderly.gap && reading.tier === 'B' && vulnerable === true)
    f.note('reading.elderly_age', { age: elderly.value }, elderly);
  const size = members.length;
  const monthly = perPerson * size;
  f.met('dibao.tekes.amount', { tier: reading.tier, perPerson, size, amount: monthly }, tiers);

  const fourGroups = f.param('dibao.four_groups_supplement');
  if (fourGroups && vulnerable !== false) {
    const former = fourGroups.value.formerAmounts;
    f.note(
      'dibao.tekes.no_four_groups',
      { elderOrMinor: former.elderOrMinor, illnessOrDisability: former.illnessOrDisability },
      fourGroups,
    );
  }
  f.note('dibao.tekes.township_sets_tier', {}, citations.tekesHomeVisit);
  f.note('dibao.tekes.public_notice', {}, citations.tekesPublicNotice);
  return f.done('likely', { tier: reading.tier, monthlyAmount: monthly });
}
