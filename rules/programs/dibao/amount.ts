/**
 * Which amount method is in force on the screen's date (`dibao.amount_method`, dated per layer:
 * national difference from 2024-06-08, Wengyuan 2022-07-01, Jilin 2018-03-02, Tekes tiers from
 * 2024-07-01). None in force ⇒ "not configured", possible: no method is assumed.
 */
import type { ProgramOutcome, ScreenContext } from '../../engine/context.ts';
import type { Finding } from '../../engine/finding.ts';
import type { Member } from '../../engine/household.ts';
import { amountByDifference } from './amount-difference.ts';
import { amountByTiers } from './amount-tiers-2024-07.ts';

/** The amount by the method in force on the screen's date; none configured ⇒ possible. */
export function amount(
  ctx: ScreenContext,
  f: Finding,
  std: number,
  members: readonly Member[],
  perCapita: number,
): ProgramOutcome {
  const method = f.param('dibao.amount_method');
  if (!method) {
    f.notConfigured('dibao.amount_method');
    return f.done('possible');
  }
  if (method.value === 'tiers') return amountByTiers(f, ctx.household.area, members, perCapita, method);
  return amountByDifference(f, std, members, ctx.household.monthlyIncome, perCapita);
}
