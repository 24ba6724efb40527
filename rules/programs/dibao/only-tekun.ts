/**
 * Every member is in 特困 or likely for it (003 §二(二)): one payment, not two. A household
 * already receiving 特困 is not screened for 低保; one only likely for it may apply for 低保 if
 * 特困 is refused, so the result is "possible" with no amount, and the line compares the two.
 */
import { type ProgramOutcome, type ScreenContext, yuan } from '../../engine/context.ts';
import { Finding } from '../../engine/finding.ts';
import { amount } from './amount.ts';

export function onlyTekun(ctx: ScreenContext, f: Finding, std: number): ProgramOutcome {
  const h = ctx.household;
  const excludes = f.param('dibao.excludes_tekun_recipients');
  if (h.current?.includes('tekun')) {
    f.failed('dibao.tekun_recipient', {}, excludes);
    return f.done('unlikely');
  }
  // What 低保 would pay if 特困 were refused: the same rule on a scratch finding, so none of
  // its reasons reach the resident's result.
  const scratch = new Finding().reset(ctx, 'dibao');
  const dibaoAmount = amount(ctx, scratch, std, h.members, h.monthlyIncome / h.members.length).monthlyAmount;
  const tekunAmount = ctx.outcomes.tekun?.monthlyAmount;
  if (dibaoAmount !== undefined && tekunAmount !== undefined)
    f.note(
      'dibao.instead_of_tekun',
      { tekunFloor: Math.floor(tekunAmount), dibaoAmount: yuan(dibaoAmount) },
      excludes,
    );
  else f.note('dibao.either_or_tekun', {}, excludes);
  return f.done('possible');
}
