/**
 * How long a case has waited in its status, and whether that is overdue by the county's own
 * deadlines (rules/jurisdictions/<county>.yaml `deadlines`). The seeds set no deadlines, so
 * a county that configured none gets no overdue mark at all and the pages say so: the number
 * of days is the county's decision, never ours. The inbox and the dashboard both ask here, so
 * "overdue" means one thing.
 */
import {
  closedStatuses,
  type ReferralRecord,
  type ReferralStatus,
} from '../../bot/referral/referral-record.ts';
import type { CaseDeadlines } from '../../rules/engine/rule-file-schema.ts';

const dayMs = 24 * 3600_000;

/** The open statuses a deadline can be set for (a closed case waits for nobody). */
export const openStatuses = [
  'new',
  'contacted',
  'visit_scheduled',
  'accepted',
] as const satisfies readonly ReferralStatus[];

/** When the case entered its current status: the last status change, or its arrival. */
export function inStatusSince(r: ReferralRecord): string {
  for (let i = r.history.length - 1; i >= 0; i--) {
    const h = r.history[i]!;
    if (h.action === 'status' && h.to === r.status) return h.at;
  }
  return r.createdAt;
}

/** Whole days waited in the current status; undefined for a closed case. */
export function daysWaiting(r: ReferralRecord, now: Date): number | undefined {
  if (closedStatuses.has(r.status)) return undefined;
  return Math.max(0, Math.floor((now.getTime() - new Date(inStatusSince(r)).getTime()) / dayMs));
}

/** The county's limit for this case's status, if the county set one. */
export function deadlineFor(r: ReferralRecord, deadlines: CaseDeadlines | undefined): number | undefined {
  if (!deadlines || closedStatuses.has(r.status)) return undefined;
  return deadlines[r.status as (typeof openStatuses)[number]];
}

/** Overdue: waited longer than the configured days for its status. No deadline, never overdue. */
export function isOverdue(r: ReferralRecord, now: Date, deadlines: CaseDeadlines | undefined): boolean {
  const limit = deadlineFor(r, deadlines);
  const days = daysWaiting(r, now);
  return limit !== undefined && days !== undefined && days > limit;
}

/** The open statuses the county gave no deadline (all four when nothing is configured). */
export function unconfiguredStatuses(deadlines: CaseDeadlines | undefined): ReferralStatus[] {
  return openStatuses.filter((s) => deadlines?.[s] === undefined);
}
