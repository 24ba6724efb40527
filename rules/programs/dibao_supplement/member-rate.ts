/**
 * One member's 重点保障增发 rate (003 §三(三)), the highest that applies, never stacked:
 * - "不低于当地低保标准60%": the listed critical illnesses with ongoing heavy costs (a hospital
 *   must show it, so the rate is `critical`, never certain here);
 * - "70周岁以上老年人、二级以上视力（智力、肢体、精神）残疾人员、老残一体人员、一户多残人员以及多重残疾人员":
 *   50% — exactly those kinds, so a grade-1 hearing disability is not on this list;
 * - the other groups the seed names ("老年人、未成年人、重度残疾人…其他特殊困难人员") get the local
 *   bureau's rate (local_rates); unset, the member is `pending` on it.
 * `unknown` when an unanswered question (disability, illness) or a group definition that is not
 * configured could give a rate.
 */
import { isSevereDisability } from '../../engine/context.ts';
import type { Member } from '../../engine/household.ts';
import type { ParameterValue } from '../../engine/parameter-catalog.ts';

type Rates = ParameterValue<'dibao_supplement.rates'>;
export type LocalGroup = 'elderly' | 'minor' | 'severeDisability';

export interface GroupDefinitions {
  /** 老年人 (老残一体 and the local elderly group); undefined when not configured. */
  elderlyAge: number | undefined;
  minorAge: number | undefined;
  severe: ParameterValue<'severe_disability'> | undefined;
  local: ParameterValue<'dibao_supplement.local_rates'> | undefined;
}

export interface MemberRate {
  rate: number;
  critical: boolean;
  /** The rate is the local bureau's (local_rates), not the seed's. */
  local?: true;
  pending?: LocalGroup;
  unknown?: 'answer' | 'definition';
}

export function memberRate(
  m: Member,
  r: Rates,
  g: GroupDefinitions,
  disabledInHousehold: number,
): MemberRate {
  let best: MemberRate = { rate: 0, critical: false };
  const offer = (rate: number, critical = false) => {
    if (rate > best.rate) best = { rate, critical };
  };
  if (m.seriousIllness === true) offer(r.critical, true);
  if (m.age >= r.listed.elderlyAge) offer(r.listed.rate);
  const d = m.disability;
  if (d) {
    if (d.grade <= r.listed.maxGrade && r.listed.kinds.includes(d.kind)) offer(r.listed.rate);
    if (g.elderlyAge !== undefined && m.age >= g.elderlyAge) offer(r.elderlyDisabled);
    if (disabledInHousehold >= 2) offer(r.multiDisabled);
    if (d.kind === 'multiple') offer(r.multiple);
  }
  if (best.rate > 0) return best;

  // No seed rate: is the member in a group the seed names but leaves to the local bureau?
  const group = localGroup(m, g);
  if (group) {
    const rate = g.local?.[group];
    if (rate !== undefined && rate > 0) return { rate, critical: false, local: true };
    return { rate: 0, critical: false, pending: group };
  }
  // An unanswered question could give a rate ('answer'); or a group definition not configured
  // (2018–2020 Jilin has no national age definitions in force) could put the member in a group.
  if (m.disability === undefined || m.seriousIllness === undefined) return { ...best, unknown: 'answer' };
  const undefinedGroup =
    g.elderlyAge === undefined ||
    g.minorAge === undefined ||
    (g.severe === undefined && m.disability !== null);
  return undefinedGroup ? { ...best, unknown: 'definition' } : best;
}

function localGroup(m: Member, g: GroupDefinitions): LocalGroup | undefined {
  if (g.elderlyAge !== undefined && m.age >= g.elderlyAge) return 'elderly';
  if (g.minorAge !== undefined && m.age < g.minorAge) return 'minor';
  if (g.severe && isSevereDisability(m, g.severe)) return 'severeDisability';
  return undefined;
}
