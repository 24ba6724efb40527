/**
 * The referrals a user may see, asked of the store by its indexed columns: a caseworker's own
 * township, a county admin's county. Every list the staff see (inbox, search, 台账, dashboard,
 * visits) starts here, so none reads the whole store, and on PostgreSQL a township's inbox is an
 * index lookup, not a scan of the county. canSee (access.ts) still decides each record.
 */
import type { ReferralRecord } from '../../bot/referral/referral-record.ts';
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
