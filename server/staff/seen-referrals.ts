/**
 * The referrals a user may see, asked of the store by its indexed columns: a caseworker's own
 * township, a county admin's county. Every list the staff see (inbox, search, 台账, dashboard,
 * visits) starts here, so none reads the whole store, and on PostgreSQL a township's inbox is an
 * index lookup, not a scan of the county. canSee (access.ts) still decides each record.
 * They come as a stream of keyset pages: a caller keeps what it needs (a page of the inbox, a
 * tally, a row written out), never the township or county, whose records at 1,000,000
 * referrals would not fit a server's memory.
 */
import { type ReferralRecord, referralSortKey } from '../../bot/referral/referral-record.ts';
import type { Collection } from '../../bot/store/collection-store.ts';
import { canSee } from './access.ts';
import type { StaffUser } from './staff-records.ts';

/** The referrals a user may see, newest first. */
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
  for await (const r of pagesOf(referrals, where, true)) if (canSee(user, r)) yield r;
}

/** One county's referrals, oldest first (duplicates are looked for within a county: duplicates.ts). */
export const streamCountyReferrals = (referrals: Collection<ReferralRecord>, county: string) =>
  pagesOf(referrals, { county }, false);

/**
 * Records matching `where` in the store's order, read `pageRows` at a time (keyset pages: each
 * one index range on PostgreSQL).
 */
async function* pagesOf(
  referrals: Collection<ReferralRecord>,
  where: Readonly<Record<string, string>>,
  descending: boolean,
): AsyncGenerator<ReferralRecord> {
  let after: string | undefined;
  for (;;) {
    const rows = await referrals.find(where, { limit: pageRows, descending, ...(after ? { after } : {}) });
    yield* rows;
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
