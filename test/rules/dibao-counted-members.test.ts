/**
 * 低保 counts members after 特困 (003 §二(二)) by reading ctx.tekun exactly as the WP0 interface
 * says ({excluded, maybe, unknownWhich}); the tekun rule (WP2) fills it. These contexts are
 * hand-made so the reading is tested apart from whichever rule fills it.
 */
import { describe, expect, it } from 'vitest';
import type { ScreenContext, TekunMembers } from '../../rules/engine/context.ts';
import { Finding, startFinding } from '../../rules/engine/finding.ts';
import type { Household, Member } from '../../rules/engine/household.ts';
import { resolveParameters } from '../../rules/engine/parameter-table.ts';
import { createScreener } from '../../rules/engine/screen.ts';
import { countedMembers } from '../../rules/programs/dibao/counted-members.ts';

const screener = createScreener({ today: () => '2026-11-23' });
const old: Member = { age: 80, laborCapacity: 'none' };
const son: Member = { age: 50, laborCapacity: 'partial' };

function context(tekun: TekunMembers | undefined, date = '2026-11-23', current: Household['current'] = []) {
  const household = {
    jurisdiction: 'tekes',
    area: 'rural',
    members: [old, son],
    monthlyIncome: 300,
    propertyWithinLimits: true,
    current,
  } as Household;
  return {
    household,
    params: resolveParameters(screener.book.jurisdictions.get('tekes')!, date),
    staleBefore: '2000-01-01',
    outcomes: {},
    tekun,
    finding: new Finding(),
  } as unknown as ScreenContext;
}

function run(ctx: ScreenContext) {
  const f = startFinding(ctx, 'dibao');
  const counted = countedMembers(ctx, f);
  return { counted, keys: f.done('possible').reasons.map((r) => r.key) };
}

describe('低保 counted members (reads ctx.tekun)', () => {
  it('leaves out the members 特困 excludes and says how many', () => {
    const { counted, keys } = run(context({ excluded: [old], maybe: [], unknownWhich: false }));
    expect(counted.members).toEqual([son]);
    expect(counted.excluded).toBe(1);
    expect(keys).toContain('dibao.tekun_members_excluded');
  });
  it('follows ctx.tekun, not the household’s current list: nobody excluded there means all counted', () => {
    const ctx = context({ excluded: [], maybe: [], unknownWhich: false }, '2026-11-23', ['tekun']);
    const { counted, keys } = run(ctx);
    expect(counted.members).toEqual([old, son]);
    expect(keys).not.toContain('dibao.tekun_members_excluded');
  });
  it('counts a member only possibly in 特困, with the "one or the other" line', () => {
    const { counted, keys } = run(context({ excluded: [], maybe: [old], unknownWhich: false }));
    expect(counted.members).toEqual([old, son]);
    expect(counted.eitherOr).toBe(true);
    expect(keys).toContain('dibao.either_or_tekun');
  });
  it('counts everyone and asks which member when the household gets 特困 but nobody fits', () => {
    const { counted, keys } = run(context({ excluded: [], maybe: [], unknownWhich: true }));
    expect(counted.members).toEqual([old, son]);
    expect(counted.unknownWhich).toBe(true);
    expect(keys).toContain('dibao.which_member_tekun_unknown');
  });
  it('excludes nobody before the exclusion is in force (dated 2018-03-02, 003)', () => {
    const ctx = context({ excluded: [old], maybe: [], unknownWhich: false }, '2018-03-01');
    expect(run(ctx).counted.members).toEqual([old, son]);
  });
});
