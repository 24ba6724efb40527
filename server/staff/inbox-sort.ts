/**
 * The inbox's sortable columns, as GET parameters (?sort=waiting&dir=desc) so a plain link
 * sorts without JavaScript. Every order ends with the same tie-breakers (newest first, then
 * the reference), so equal keys never swap between two page loads and paging is stable.
 */
import { closedStatuses, type ReferralRecord, referralStatuses } from '../../bot/referral/referral-record.ts';
import { inStatusSince } from './deadlines.ts';

export const sortColumns = ['reference', 'created', 'status', 'waiting', 'visit', 'township'] as const;
export type SortColumn = (typeof sortColumns)[number];
export type SortDirection = 'asc' | 'desc';

const compare = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);

/** Newest first, then by reference: the inbox's order when nothing else is asked. */
export const newestFirst = (a: ReferralRecord, b: ReferralRecord) =>
  compare(b.createdAt, a.createdAt) || compare(a.reference, b.reference);

/**
 * A key per column; undefined (no visit, a closed case's waiting) always sorts last, whichever
 * the direction, so the cases that matter stay on top.
 */
function key(r: ReferralRecord, column: SortColumn, townshipName: (id: string) => string) {
  switch (column) {
    case 'reference':
      return r.reference;
    case 'created':
      return r.createdAt;
    case 'status':
      return referralStatuses.indexOf(r.status);
    case 'waiting':
      // Longer waiting = entered the status earlier; a closed case does not wait.
      return closedStatuses.has(r.status) ? undefined : -new Date(inStatusSince(r)).getTime();
    case 'visit':
      return r.visitAt;
    case 'township':
      return townshipName(r.township ?? '');
  }
}

/** A record with its sort key computed once (a key may parse a date). */
export interface KeyedReferral {
  r: ReferralRecord;
  k: string | number | undefined;
}

/**
 * The inbox's order for a column as a key and a total order over keyed records (ties by
 * newestFirst), so a page can be chosen from a stream keeping only the best few (inbox-window.ts).
 */
export function referralOrder(
  column: SortColumn,
  direction: SortDirection = 'asc',
  townshipName: (id: string) => string = (id) => id,
): { keyOf: (r: ReferralRecord) => KeyedReferral; compare: (a: KeyedReferral, b: KeyedReferral) => number } {
  const sign = direction === 'desc' ? -1 : 1;
  return {
    keyOf: (r) => ({ r, k: key(r, column, townshipName) }),
    compare: (a, b) => {
      if (a.k === undefined || b.k === undefined)
        return (a.k === undefined ? 1 : 0) - (b.k === undefined ? 1 : 0) || newestFirst(a.r, b.r);
      // Township names in the reader's language: Chinese by pinyin, like a printed list.
      const byKey =
        column === 'township' ? String(a.k).localeCompare(String(b.k), 'zh-CN') : compare(a.k, b.k);
      return sign * byKey || newestFirst(a.r, b.r);
    },
  };
}

export function sortReferrals(
  items: ReferralRecord[],
  column: SortColumn | undefined,
  direction: SortDirection = 'asc',
  townshipName: (id: string) => string = (id) => id,
): ReferralRecord[] {
  if (!column) return items.sort(newestFirst);
  const order = referralOrder(column, direction, townshipName);
  return items
    .map(order.keyOf)
    .sort(order.compare)
    .map((x) => x.r);
}
