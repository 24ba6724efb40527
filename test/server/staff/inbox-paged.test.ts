/**
 * The inbox as most visits open it (newest first, all or one status, page n; a kind; a county
 * admin's township) is read from the store a page at a time with counts by column
 * (inbox-query.ts pagedFromStore), never reading without a limit, so a township is
 * never read whole at 1,000,000 referrals. It must show exactly what reading the township and
 * sorting in memory shows: same rows, same order (ties on the same instant by reference), same
 * counts, call-backs without a phone left out and counted apart, other townships never shown.
 * Run on the memory store and on lowdb files here (the PostgreSQL ordering is in the store
 * contract suite).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openReferrals } from '../../../bot/referral/dialog-storage.ts';
import type { ReferralRecord } from '../../../bot/referral/referral-record.ts';
import { referralStatuses } from '../../../bot/referral/referral-record.ts';
import { openFileStore, openMemoryStore, type Store } from '../../../bot/store/collection-store.ts';
import { type InboxFilter, inboxPage } from '../../../server/staff/inbox-query.ts';
import type { StaffUser } from '../../../server/staff/staff-records.ts';
import { seededReferral } from '../../helpers/seed-referrals.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const user = (role: StaffUser['role'], township?: string): StaffUser => ({
  id: `u-${role}`,
  username: role,
  displayName: role,
  role,
  county: 'tekes',
  ...(township ? { township } : {}),
  passwordHash: 'x',
  mustChangePassword: false,
  disabled: false,
  lang: 'zh',
  createdAt: '2026-11-01T00:00:00.000Z',
});

/** 230 cases: three townships, every status, many on the same instant, some call-backs without a phone. */
function cases(): ReferralRecord[] {
  const out: ReferralRecord[] = [];
  for (let i = 0; i < 230; i++) {
    const reference = `TE-${(1_000_000 + ((i * 7919) % 1_000_000)).toString(36).toUpperCase().padStart(8, '0').slice(-8)}`;
    const township = ['karadala', 'kuokesu', 'qiongkushitai'][i % 3]!;
    const callback = i % 11 === 0;
    out.push(
      seededReferral(
        reference,
        1 + (i % 9), // nine days: about 25 cases on each instant
        { name: '居民', phone: callback && i % 2 === 0 ? '' : `139${String(10_000_000 + i).slice(-8)}` },
        {
          township,
          status: referralStatuses[i % referralStatuses.length]!,
          ...(callback ? { kind: 'callback' as const } : {}),
        },
      ),
    );
  }
  return out;
}

const stores: [string, () => Promise<Store>][] = [
  ['memory', () => openMemoryStore()],
  [
    'lowdb',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'inbox-paged-'));
      dirs.push(dir);
      return openFileStore(dir);
    },
  ],
];

describe.each(stores)('the paged inbox on %s', (_, open) => {
  it('shows what the in-memory inbox shows, page by page, for a caseworker and a county admin', async () => {
    const store = await open();
    const referrals = await openReferrals(store);
    for (const r of cases()) await referrals.set(r.reference, r);
    for (const who of [user('caseworker', 'karadala'), user('county_admin')]) {
      const filters: InboxFilter[] = [
        {},
        { page: 2 },
        { page: 99 },
        ...referralStatuses.map((status) => ({ status })),
        { status: 'new', page: 2 },
        { kind: 'callback' },
        { kind: 'unreturnable' },
        { kind: 'referral', status: 'new' },
        { township: 'kuokesu' },
        { township: 'kuokesu', kind: 'callback', status: 'approved' },
        { township: 'karadala', page: 2 },
      ];
      // Asked of the store: no read without a limit (a county admin's township filter included).
      const pagedOnly = Object.create(referrals, {
        find: {
          value: (where: Record<string, string>, options?: { limit?: number }) => {
            if (!options?.limit) throw new Error(`read whole: ${JSON.stringify(where)}`);
            return referrals.find(where, options);
          },
        },
      });
      for (const f of filters) {
        const paged = await inboxPage(
          who.role === 'county_admin' || !f.township ? pagedOnly : referrals,
          who,
          f,
        );
        // dir without a sort orders nothing differently, but is not "paging only": the in-memory path.
        const whole = await inboxPage(referrals, who, { ...f, dir: 'asc' });
        expect(paged.items.map((r) => r.reference)).toEqual(whole.items.map((r) => r.reference));
        expect({ ...paged, items: [] }).toEqual({ ...whole, items: [] });
      }
      const first = await inboxPage(referrals, who, {});
      expect(first.items).toHaveLength(50);
      expect(first.unreturnable).toBeGreaterThan(0);
      if (who.role === 'caseworker') expect(first.items.every((r) => r.township === 'karadala')).toBe(true);
    }
    await store.close();
  });
});
