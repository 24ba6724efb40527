/**
 * Referrals written into a data directory before the server starts (it holds the lock while it
 * runs), through the same sharded, encrypted, indexed store the server opens: for tests that
 * need cases in a known state (statuses, townships, dates) without a resident submitting them.
 */
import { openReferrals } from '../../bot/referral/dialog-storage.ts';
import type { ReferralRecord } from '../../bot/referral/referral-record.ts';
import { openFileStore } from '../../bot/store/collection-store.ts';

export async function seedReferrals(dataDir: string, records: readonly ReferralRecord[]): Promise<void> {
  const store = await openFileStore(dataDir);
  const referrals = await openReferrals(store);
  for (const r of records) await referrals.setDurably(r.reference, r);
  await store.close();
}

/** 03:00 UTC on a day of November 2026. */
const novemberDay = (d: number) => new Date(Date.UTC(2026, 10, d, 3)).toISOString();

/** A Tekes (Karadala unless said) referral made on a November day, status new, no answers. */
export function seededReferral(
  reference: string,
  day: number,
  who: { name: string; phone: string; idNumber?: string; village?: string },
  extra: Partial<ReferralRecord> = {},
): ReferralRecord {
  return {
    reference,
    kind: 'referral',
    createdAt: novemberDay(day),
    updatedAt: novemberDay(day),
    channel: 'web',
    lang: 'zh',
    jurisdiction: 'tekes',
    township: 'karadala',
    answers: {},
    programs: [],
    status: 'new',
    history: [{ at: novemberDay(day), by: 'resident', action: 'created' }],
    ...who,
    ...extra,
  };
}

/** A valid 18-character ID number (GB 11643 check character) from a 3-digit sequence. */
export function seededIdNumber(n: number): string {
  const first17 = `65402319800101${String(n).padStart(3, '0')}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * weights[i]!, 0);
  return `${first17}${'10X98765432'[sum % 11]}`;
}
