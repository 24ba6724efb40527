/**
 * Amount by difference: (standard − per-capita income) × counted members.
 * 002 §二(一) "按照家庭人均收入低于当地农村低保标准的差额发放低保金"; 004 §一 "月人均补差";
 * 003 §三(二) "按照低保标准与扣减后所核算收入的差额发放". Class labels where dibao.classes is in force.
 */
import { citations } from '../../engine/citations.ts';
import { type ProgramOutcome, yuan } from '../../engine/context.ts';
import type { Finding } from '../../engine/finding.ts';
import type { Member } from '../../engine/household.ts';
import { dibaoClass } from './classes.ts';

export function amountByDifference(
  f: Finding,
  std: number,
  members: readonly Member[],
  monthlyIncome: number,
  perCapita: number,
): ProgramOutcome {
  const classes = f.optional('dibao.classes');
  const cls = classes?.value ? dibaoClass(members, monthlyIncome) : undefined;
  if (cls && classes) f.note(`dibao.class_${cls}`, {}, classes);
  const size = members.length;
  const monthly = (std - perCapita) * size;
  f.met(
    'dibao.amount_difference',
    { standard: std, perCapita: yuan(perCapita), size, amount: yuan(monthly) },
    citations.dibaoDifference,
  );
  return f.done('likely', { tier: cls, monthlyAmount: monthly });
}
