/**
 * Stand-in for ctx.tekun until WP2's tekun rule fills it (issue 14 §5): the same members 002
 * §二(四) names (no labour capacity, and elderly, under the 特困 minor age, or disabled), taken
 * out when the household receives 特困 or the 特困 rule found it likely, kept as "maybe" when
 * only possible. Used only while ctx.tekun is undefined; delete once WP2 has merged.
 */
import { param, type ScreenContext, type TekunMembers } from '../../engine/context.ts';
import type { Member } from '../../engine/household.ts';

const none: readonly Member[] = [];

export function tekunMembers(ctx: ScreenContext): TekunMembers {
  if (ctx.tekun) return ctx.tekun;
  const h = ctx.household;
  const elderly = param(ctx, 'elderly_age')?.value;
  const minor = param(ctx, 'tekun.minor_age_limit')?.value;
  const fits = (m: Member) =>
    m.laborCapacity === 'none' &&
    ((elderly !== undefined && m.age >= elderly) ||
      (minor !== undefined && m.age < minor) ||
      Boolean(m.disability));
  const candidates = h.members.filter(fits);
  if (h.current?.includes('tekun'))
    return { excluded: candidates, maybe: none, unknownWhich: candidates.length === 0 };
  const verdict = ctx.outcomes.tekun?.verdict;
  if (verdict === 'likely') return { excluded: candidates, maybe: none, unknownWhich: false };
  if (verdict === 'possible') return { excluded: none, maybe: candidates, unknownWhich: false };
  return { excluded: none, maybe: none, unknownWhich: false };
}
