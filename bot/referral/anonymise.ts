/**
 * Personal data out of a referral, the case kept for the township's statistics and the rules'
 * learning: name, phone, ID number, village, channel contact, the answers (health, disability,
 * income) and free-text notes go; the reference, township, programs, verdicts, status and
 * outcomes stay. Used when a resident asks for deletion and when a closed case's retention ends.
 */
import { closedStatuses, type ReferralRecord } from './referral-record.ts';

export function anonymised(
  r: ReferralRecord,
  at: string,
  why: 'deletion_requested' | 'retention',
): ReferralRecord {
  // The idempotency key is a hash over the name, phone and ID: it goes with them.
  const { idNumber: _id, village: _v, contact: _c, idempotencyKey: _k, rosterSource: _s, ...kept } = r;
  // The mini-program's openid is a contact too: it goes, so "my referrals" no longer lists it.
  const { miniprogram: _m, ...rest } = kept;
  const open = !closedStatuses.has(r.status);
  return {
    ...rest,
    name: '',
    phone: '',
    answers: {},
    status: why === 'deletion_requested' && open ? 'withdrawn' : r.status,
    history: [
      ...r.history.map((h) => {
        const { note: _n, ...kept } = h;
        // A "created" entry's note is the linked reference, not free text: it stays.
        return h.action === 'created' && h.note ? h : kept;
      }),
      ...(why === 'deletion_requested'
        ? [{ at, by: 'resident', action: 'deletion_requested' as const }]
        : []),
      ...(why === 'deletion_requested' && open
        ? [{ at, by: 'resident', action: 'status' as const, from: r.status, to: 'withdrawn' }]
        : []),
      { at, by: 'system', action: 'anonymised' as const },
    ],
    ...(why === 'deletion_requested' ? { deletionRequestedAt: at } : {}),
    anonymisedAt: at,
    updatedAt: at,
  };
}

/** Closed cases whose last change is older than the retention period (days). */
export function dueForRetention(r: ReferralRecord, now: Date, retentionDays: number): boolean {
  if (r.anonymisedAt || !closedStatuses.has(r.status)) return false;
  const last = new Date(r.updatedAt ?? r.createdAt).getTime();
  return now.getTime() - last > retentionDays * 24 * 3600_000;
}
