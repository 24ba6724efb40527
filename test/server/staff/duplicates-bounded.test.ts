/**
 * The duplicate marks of an inbox page and the referral page's box read the cases sharing a hash
 * with the ones shown, never the county: the referrals collection is wrapped so that reading a
 * county (find by county without a township, or every record) fails the test. What they show
 * is checked against duplicates.ts's finder over the whole county (what the pages did before),
 * on a county of random cases with shared phones, ID numbers and names, dismissed pairs written
 * on one side only, merged and anonymised cases, call-backs, and the same people in another county.
 */
import { describe, expect, it } from 'vitest';
import { openReferrals } from '../../../bot/referral/dialog-storage.ts';
import type { ReferralRecord } from '../../../bot/referral/referral-record.ts';
import { type Collection, openMemoryStore } from '../../../bot/store/collection-store.ts';
import { duplicateBox, inboxDuplicateFlags } from '../../../server/staff/duplicates-view.ts';
import { duplicateFinder, duplicatesSeenBy } from '../../../server/staff/duplicates.ts';
import type { StaffDeps } from '../../../server/staff/staff-deps.ts';
import type { StaffUser } from '../../../server/staff/staff-records.ts';
import { seededIdNumber, seededReferral } from '../../helpers/seed-referrals.ts';

const user = (role: StaffUser['role'], township?: string): StaffUser => ({
  id: `${role}-${township ?? 'all'}`,
  username: 'u',
  displayName: 'u',
  role,
  county: 'tekes',
  township,
  passwordHash: 'x',
  mustChangePassword: false,
  disabled: false,
  lang: 'zh',
  createdAt: '2026-11-01T00:00:00.000Z',
});

/**
 * A seeded pseudo-random county: `spread` 1 gives few phones, ID numbers and names, so many
 * cases match; a larger spread makes matches as rare as in a real county.
 */
function county(n: number, spread = 1): ReferralRecord[] {
  let seed = 7;
  // xorshift32: the same county every run.
  const next = (k: number) => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) % k;
  };
  const refs = Array.from({ length: n }, (_, i) => `TE-DUP${String(i).padStart(5, '0')}`);
  return refs.map((reference, i) => {
    const r = seededReferral(
      reference,
      1 + (i % 28),
      {
        name: `${['阿依古丽', '古丽娜尔', '热依拉', '努尔'][next(4)]!}${next(spread)}`,
        phone: `139${String(next(30 * spread)).padStart(8, '0')}`,
        ...(next(2) ? { idNumber: seededIdNumber(next(Math.min(999, 20 * spread))) } : {}),
        village: ['a', 'b'][next(2)]!,
      },
      {
        township: ['karadala', 'kuokesu'][next(2)]!,
        ...(next(9) === 0 ? { mergedInto: refs[next(n)] } : {}),
        ...(next(15) === 0 ? { anonymisedAt: '2026-11-30T00:00:00.000Z' } : {}),
        ...(next(12) === 0 ? { kind: 'callback' as const } : {}),
      },
    );
    // "Not a duplicate" written on this side only (the other side's write may have failed).
    const dismissedWith = refs[next(n)]!;
    return next(3) === 0
      ? { ...r, notDuplicateOf: [{ reference: dismissedWith, at: r.createdAt, by: 'someone' }] }
      : r;
  });
}

/** The collection, refusing to read a county or everything, and counting the records it hands out. */
function guarded(referrals: Collection<ReferralRecord>) {
  const read = { records: 0 };
  const counted = <T>(records: T[]) => {
    read.records += records.length;
    return records;
  };
  const wrapped: Collection<ReferralRecord> = Object.create(referrals, {
    find: {
      value: async (where: Record<string, string>, options?: object) => {
        if (where.county !== undefined && where.township === undefined)
          throw new Error(`read the county: ${JSON.stringify(where)}`);
        return counted(await referrals.find(where, options));
      },
    },
    values: {
      value: () => {
        throw new Error('read every referral');
      },
    },
    entries: {
      value: () => {
        throw new Error('read every referral');
      },
    },
    findByHash: { value: async (f: string, h: string) => counted(await referrals.findByHash(f, h)) },
    get: {
      value: async (id: string) => {
        const r = await referrals.get(id);
        if (r) read.records++;
        return r;
      },
    },
  });
  return { wrapped, read };
}

describe('duplicates on a page read the matches of its rows, never the county', async () => {
  const store = await openMemoryStore();
  const referrals = await openReferrals(store);
  const tekes = county(400);
  // Another county with the same people: never a match of Tekes's cases (nor counted).
  const zhaosu = tekes
    .slice(0, 60)
    .map((r) => ({ ...r, reference: r.reference.replace('TE-', 'ZS-'), jurisdiction: 'zhaosu' }));
  const all = [...tekes, ...zhaosu];
  for (const r of all) await referrals.set(r.reference, r);
  const { wrapped, read } = guarded(referrals);
  const deps = { referrals: wrapped, townships: () => [] } as unknown as StaffDeps;

  // What the pages showed when they read the whole county.
  const finder = duplicateFinder(all, referrals.index);
  const byRef = new Map(all.map((r) => [r.reference, r]));
  const expected = (r: ReferralRecord, u: StaffUser) => {
    const seen = duplicatesSeenBy(r, finder, u, (ref) => byRef.get(ref));
    return { others: seen.visible.map((v) => v.record.reference), elsewhere: seen.elsewhere };
  };
  const users = [user('caseworker', 'karadala'), user('caseworker', 'kuokesu'), user('county_admin')];

  it('guards: reading the county fails', async () => {
    await expect(wrapped.find({ county: 'tekes' })).rejects.toThrow(/read the county/);
  });

  it('marks each inbox row as the county-wide finder did, reading a fraction of the county', async () => {
    for (const u of users) {
      const rows = tekes.filter((r) => u.role === 'county_admin' || r.township === u.township).slice(0, 50);
      read.records = 0;
      const flags = await inboxDuplicateFlags(deps, rows, u);
      const want = Object.fromEntries(
        rows
          .map((r) => [r.reference, expected(r, u)])
          .filter(([, e]) => {
            const { others, elsewhere } = e as { others: string[]; elsewhere: number };
            return others.length || elsewhere;
          }),
      );
      expect({ ...flags }).toEqual(want);
      expect(Object.keys(want).length).toBeGreaterThan(5);
    }
  });

  it('lists on the referral page the same matches and every dismissed pair of either side', async () => {
    for (const r of tekes.slice(0, 120)) {
      const u = user('county_admin');
      const box = await duplicateBox(deps, new Map(), r, u, 'zh');
      expect({ others: box.items.map((i) => i.reference), elsewhere: box.elsewhere }).toEqual(expected(r, u));
      // Either side's entry, as the whole county showed it, when the two still share a hash.
      const sharesHash = (o: ReferralRecord) => {
        const a = referrals.index!.of(r);
        const b = referrals.index!.of(o);
        return (['idNumber', 'phone', 'nameVillage'] as const).some((f) => a[f] && a[f] === b[f]);
      };
      const dismissed = new Set((r.notDuplicateOf ?? []).map((n) => n.reference));
      for (const o of tekes)
        if (o.notDuplicateOf?.some((n) => n.reference === r.reference) && sharesHash(o))
          dismissed.add(o.reference);
      expect(new Set(box.dismissed.map((d) => d.reference))).toEqual(dismissed);
    }
  });

  it('reads the matches of the 50 rows shown, not a county of 4,000', async () => {
    const big = county(4000, 100).map((r) => ({ ...r, reference: r.reference.replace('DUP', 'BIG') }));
    const bigStore = await openMemoryStore();
    const bigReferrals = await openReferrals(bigStore);
    for (const r of big) await bigReferrals.set(r.reference, r);
    const bigGuarded = guarded(bigReferrals);
    const bigDeps = { referrals: bigGuarded.wrapped, townships: () => [] } as unknown as StaffDeps;
    const flags = await inboxDuplicateFlags(bigDeps, big.slice(0, 50), user('county_admin'));
    expect(Object.keys(flags).length).toBeGreaterThan(0);
    // Each shown row and the few cases sharing its phone, ID number or name and village (~400).
    expect(bigGuarded.read.records).toBeLessThan(800);
  });
});
