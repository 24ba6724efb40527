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
 * Records matching `where` in the store's order, `streamPage.rows` at a time (keyset pages: each
 * one index range on PostgreSQL).
 */
async function* pagesOf(
  referrals: Collection<ReferralRecord>,
  where: Readonly<Record<string, string>>,
  descending: boolean,
): AsyncGenerator<ReferralRecord> {
  let after: string | undefined;
  for (;;) {
    const limit = streamPage.rows;
    const rows = await referrals.find(where, { limit, descending, ...(after ? { after } : {}) });
    yield* rows;
    const last = rows.at(-1);
    if (!last || rows.length < limit) return;
    after = referralSortKey(last);
  }
}

/**
 * Rows per read: memory against time, measured on a started server at 200,000 stored (a county
 * of 50,000; test/bench/STORE-REPORT.md): 2,000 rows kept its peak at 443 MB but took longer
 * than reading the county whole (25 reads); 10,000 was faster than before and peaked at
 * 559 MB. lowdb keeps the last query's order until a write (collection-store.ts), so its pages
 * cost a slice, not a sort of the county each (50,000 streamed: ~0.15 s, was ~0.55 s; the
 * county read whole ~0.08 s). A test makes it small to cross pages with a few hundred cases.
 */
export const streamPage = { rows: 5000 };
