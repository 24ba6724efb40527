/**
 * Who sees which referral: a caseworker only their own township's, a county admin the whole
 * county's. Every staff route asks this one function; nothing else decides.
 */
import type { ReferralRecord } from '../../bot/referral/referral-record.ts';
import type { StaffUser } from './staff-records.ts';

export function canSee(user: StaffUser, r: Pick<ReferralRecord, 'jurisdiction' | 'township'>): boolean {
  if (user.disabled || r.jurisdiction !== user.county) return false;
  if (user.role === 'county_admin') return true;
  return user.township !== undefined && r.township === user.township;
}

export const isCountyAdmin = (user: StaffUser) => user.role === 'county_admin' && !user.disabled;
