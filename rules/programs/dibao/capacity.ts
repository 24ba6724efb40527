/**
 * Who makes a Tekes household "比较困难" (B) or "极度困难" (A), from the members' answers.
 * Three-valued (Maybe): undefined when an unanswered question could make it true.
 */
import { isSevereDisability, type Maybe } from '../../engine/context.ts';
import type { Member } from '../../engine/household.ts';
import type { ParameterValue } from '../../engine/parameter-catalog.ts';

/** A's conditions (000 §三(一)): serious illness or severe disability. */
export function aCondition(m: Member, severe: ParameterValue<'severe_disability'> | undefined): Maybe {
  if (m.seriousIllness === true) return true;
  if (m.disability && severe && isSevereDisability(m, severe)) return true;
  if (m.seriousIllness === undefined || m.disability === undefined) return undefined;
  return false;
}

/**
 * 000 §三(二): "因年老、未成年、残疾、患重大疾病等导致部分丧失劳动能力或生活自理能力". The loss of
 * capacity decides; age, minority, disability and illness are causes ("等" keeps them open),
 * so an able 62-year-old is not B. Self-care left unanswered matters only for a member in a
 * named group (`named`), for whom the question is worth asking.
 */
export function partlyUnable(m: Member, named: (m: Member) => Maybe): Maybe {
  if (m.laborCapacity !== 'full') return true;
  if (m.selfCare === 'partial' || m.selfCare === 'none') return true;
  if (m.selfCare === 'full') return false;
  return named(m) === false ? false : undefined;
}

/** In a group the seed names (elderly, minor, disabled, seriously ill); undefined if health is unanswered. */
export function inNamedGroup(m: Member, elderlyAge: number, minorAge: number): Maybe {
  if (m.age >= elderlyAge || m.age < minorAge || m.disability || m.seriousIllness === true) return true;
  if (m.disability === undefined || m.seriousIllness === undefined) return undefined;
  return false;
}
