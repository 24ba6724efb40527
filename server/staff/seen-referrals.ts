/**
 * The referrals a user may see, asked of the store by its indexed columns: a caseworker's own
 * township, a county admin's county. Every list the staff see (inbox, search, 台账, dashboard,
 * visits) starts here, so none reads the whole store, and on PostgreSQL a township's inbox is an
 * index lookup, not a scan of the county. canSee (access.ts) still decides each record.
 */
import { type ReferralRecord, referralSortKey } from '../../bot/referral/referral-record.ts';
import type { Collection } from '../../bot/store/collection-store.ts';
import { canSee } from './access.ts';
import type { StaffUser } from './staff-records.ts';

export async function referralsSeenBy(
  referrals: Collection<ReferralRecord>,
  user: StaffUser,
): Promise<ReferralRecord[]> {
  if (user.disabled) return [];
  if (user.role === 'county_admin')
    return (await referrals.find({ county: user.county })).filter((r) => canSee(user, r));
  if (user.township === undefined) return [];
  const found = await referrals.find({ county: user.county, township: user.township });
  return found.filter((r) => canSee(user, r));
}

/** One county's referrals (duplicates are looked for within a county: duplicates.ts). */
export const countyReferrals = (referrals: Collection<ReferralRecord>, county: string) =>
  referrals.find({ county });

/**
 * The records referralsSeenBy returns, newest first, read from the store `pageRows` at a time
 * (keyset pages: each one index range on PostgreSQL), so a caller that keeps only what it needs
 * never holds the township or county.
 */
export async function* streamSeenBy(
  referrals: Collection<ReferralRecord>,
  user: StaffUser,
): AsyncGenerator<ReferralRecord> {
  if (user.disabled) return;
  if (user.role !== 'county_admin' && user.township === undefined) return;
  const where: Record<string, string> =
    user.role === 'county_admin'
      ? { county: user.county }
      : { county: user.county, township: user.township ?? '' };
  let after: string | undefined;
  for (;;) {
    const rows = await referrals.find(where, {
      limit: pageRows,
      descending: true,
      ...(after ? { after } : {}),
    });
    for (const r of rows) if (canSee(user, r)) yield r;
    const last = rows.at(-1);
    if (!last || rows.length < pageRows) return;
    after = referralSortKey(last);
  }
}

/**
 * Rows per read: large enough that lowdb (which sorts what is left of the county for every
 * page) reads a county of 50,000 in 25 pages, small enough that a page of decrypted records
 * stays a few megabytes.
 */
export const pageRows = 2000;
