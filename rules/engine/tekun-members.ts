/**
 * Which members 特困 takes out of the count of dibao and its supplement (003 §二(二):
 * "纳入孤儿保障、特困人员救助供养的农村贫困人口不再纳入低保保障范围"). The tekun rule calls this
 * once it knows its verdict and sets ctx.tekun; the dibao rules decide (by the dated
 * dibao.excludes_tekun_recipients) whether to use it.
 *
 * - excluded: the members who fit 002 §二(四)'s categories when the household already receives
 *   特困, or when the screen finds 特困 likely;
 * - maybe: those members when 特困 is only possible (they stay counted for dibao);
 * - unknownWhich: the household receives 特困 but no member fits the categories (or the
 *   categories cannot be checked here), so nobody can be taken out.
 */
import type { TekunMembers } from './context.ts';
import type { Member } from './household.ts';
import type { Verdict } from './result.ts';

const none: readonly Member[] = Object.freeze([]);
const nobody: TekunMembers = Object.freeze({ excluded: none, maybe: none, unknownWhich: false });
const unknownWhich: TekunMembers = Object.freeze({ excluded: none, maybe: none, unknownWhich: true });

/**
 * @param receiving the household's `current` includes tekun
 * @param candidates members fitting 特困's categories, or undefined when they cannot be checked
 *   (elderly or minor age not configured)
 */
export function tekunMembers(
  receiving: boolean,
  verdict: Verdict,
  candidates: readonly Member[] | undefined,
): TekunMembers {
  if (candidates === undefined || candidates.length === 0) return receiving ? unknownWhich : nobody;
  if (receiving || verdict === 'likely') return { excluded: candidates, maybe: none, unknownWhich: false };
  if (verdict === 'possible') return { excluded: none, maybe: candidates, unknownWhich: false };
  return nobody;
}
