/**
 * The one rule for whole ID and phone numbers in the 台账 (written in SECURITY.md): numbers are
 * masked unless the full variant was asked for AND the person is the case's own-township
 * caseworker or the county admin of the case's county. Decided per row, so a case that reaches
 * an export some other way (a wider filter, a linked case) is still masked for anyone else.
 * Every full export is audited by the route (who, when, variant, rows), never with personal data.
 */
import type { ReferralRecord } from '../../bot/referral/referral-record.ts';
import type { StaffUser } from './staff-records.ts';

export const ledgerVariants = ['masked', 'full'] as const;
export type LedgerVariant = (typeof ledgerVariants)[number];

export function showsFullNumbers(
  user: StaffUser,
  r: Pick<ReferralRecord, 'jurisdiction' | 'township'>,
  variant: LedgerVariant,
): boolean {
  if (variant !== 'full' || user.disabled || r.jurisdiction !== user.county) return false;
  if (user.role === 'county_admin') return true;
  return user.role === 'caseworker' && user.township !== undefined && r.township === user.township;
}
