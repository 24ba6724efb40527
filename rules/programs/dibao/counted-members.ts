/**
 * Members 低保 counts (003 §二(二): "纳入孤儿保障、特困人员救助供养的农村贫困人口不再纳入低保保障范围").
 * A member in 特困, or likely for it, is one payment (特困), not two: the household's size and
 * per-capita income use the others; the income stays the household's (a 特困 person has none
 * of their own by definition). A member only possibly in 特困 is counted, with a note that the
 * two cannot be combined. Switched by the dated `dibao.excludes_tekun_recipients`.
 */
import type { ScreenContext, TekunMembers } from '../../engine/context.ts';
import type { Finding } from '../../engine/finding.ts';
import type { Member } from '../../engine/household.ts';

const nobodyInTekun: TekunMembers = { excluded: [], maybe: [], unknownWhich: false };

export interface Counted {
  members: readonly Member[];
  /** Members taken out because they are (or are likely to be) in 特困. */
  excluded: number;
  /** The household receives 特困 but the screen cannot tell which member: cap at possible. */
  unknownWhich: boolean;
  /** Some member may be in 特困 (possible): say the two cannot be combined. */
  eitherOr: boolean;
}

export function countedMembers(ctx: ScreenContext, f: Finding): Counted {
  const all = ctx.household.members;
  const excludes = f.param('dibao.excludes_tekun_recipients');
  if (!excludes?.value) return { members: all, excluded: 0, unknownWhich: false, eitherOr: false };
  // Filled by the 特困 rule, which runs first; absent where 特困 is not screened: nobody is left out.
  const t = ctx.tekun ?? nobodyInTekun;
  if (t.unknownWhich) {
    f.unknown('dibao.which_member_tekun_unknown', {}, excludes);
    return { members: all, excluded: 0, unknownWhich: true, eitherOr: false };
  }
  const members = t.excluded.length === 0 ? all : all.filter((m) => !t.excluded.includes(m));
  if (t.excluded.length > 0 && members.length > 0)
    f.met('dibao.tekun_members_excluded', { count: t.excluded.length }, excludes);
  if (t.maybe.length > 0) f.note('dibao.either_or_tekun', {}, excludes);
  return {
    members,
    excluded: t.excluded.length,
    unknownWhich: false,
    eitherOr: t.maybe.length > 0,
  };
}
