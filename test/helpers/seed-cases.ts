/**
 * Cases written straight into a data directory (server stopped), encrypted and indexed as the
 * server writes them, with dates, statuses, visits and history the test chooses: what a week
 * of work looks like, without clicking through the form for every one. Staff accounts are made
 * first (admin CLI); their ids are read back by username for assignee and history entries.
 */
import { openReferrals } from '../../bot/referral/dialog-storage.ts';
import type { ReferralRecord } from '../../bot/referral/referral-record.ts';
import { openFileStore } from '../../bot/store/collection-store.ts';
import { staffUserSchema } from '../../server/staff/staff-records.ts';
import { collect } from './collect.ts';

/** A reference of the stored form TE-XXXXXXXX from a number (distinct numbers, distinct references). */
export const seedReference = (n: number) => `TE-S${n.toString(36).toUpperCase().padStart(7, '0')}`;

/** A plain Tekes referral, received `hoursAgo` before now; override anything. */
export function seedCase(n: number, hoursAgo: number, now: Date, extra: Partial<ReferralRecord> = {}) {
  const at = new Date(now.getTime() - hoursAgo * 3600_000).toISOString();
  const record: ReferralRecord = {
    reference: seedReference(n),
    kind: 'referral',
    createdAt: at,
    updatedAt: at,
    channel: 'web',
    lang: 'zh',
    jurisdiction: 'tekes',
    township: 'karadala',
    village: `测试村${n % 7}`,
    answers: {},
    programs: [{ id: 'dibao', verdict: 'likely' }],
    name: `测试户${n}`,
    phone: `139${String(10_000_000 + n).slice(-8)}`,
    status: 'new',
    history: [{ at, by: 'resident', action: 'created' }],
    ...extra,
  };
  return record;
}

/** Writes the cases made by `make` (given staff ids by username); returns them. */
export async function seedCases(
  dataDir: string,
  make: (staffId: (username: string) => string) => ReferralRecord[],
): Promise<ReferralRecord[]> {
  const store = await openFileStore(dataDir);
  const users = await store.collection('staff-users', staffUserSchema);
  const all = await collect(users.values());
  const staffId = (username: string) => {
    const u = all.find((x) => x.username === username);
    if (!u) throw new Error(`no staff account ${username}`);
    return u.id;
  };
  const referrals = await openReferrals(store);
  const cases = make(staffId);
  for (const r of cases) await referrals.set(r.reference, r);
  await store.flush();
  await store.close();
  return cases;
}
