/**
 * One inbox page chosen from a stream of referrals without holding the stream: the records
 * arrive from the store newest first, a page of the store at a time (seen-referrals.ts), and
 * only what the page asked for can still need is kept, so a county admin's filtered view at
 * 1,000,000 referrals holds a page, not the county.
 */
import type { ReferralRecord } from '../../bot/referral/referral-record.ts';
import { type KeyedReferral, referralOrder, type SortColumn, type SortDirection } from './inbox-sort.ts';

export interface PageWindow {
  add(r: ReferralRecord): void;
  /** The records of `page` (1-based, at most the page asked for when the window was made). */
  page(page: number): ReferralRecord[];
}

/**
 * The store's own order (newest first): the page asked for, or, when fewer match, the last
 * page (what the inbox shows for a page past the end). One page is kept at a time.
 */
export function newestFirstWindow(wanted: number, pageSize: number): PageWindow {
  let kept: ReferralRecord[] = [];
  let seen = 0;
  return {
    add(r) {
      const index = seen++;
      if (index >= wanted * pageSize) return;
      if (index % pageSize === 0) kept = [];
      kept.push(r);
    },
    page: () => kept,
  };
}

/**
 * Another order: the best `wanted * pageSize` records so far. The buffer grows to twice that
 * (at least by a few hundred, so page 1 is not sorted every 50 records) and is cut back, so a
 * page n holds about 2n pages; a page deep in a county's list holds as much as it must.
 */
export function sortedWindow(
  wanted: number,
  pageSize: number,
  column: SortColumn,
  direction: SortDirection | undefined,
  townshipName?: (id: string) => string,
): PageWindow {
  const order = referralOrder(column, direction, townshipName);
  const keep = wanted * pageSize;
  const limit = keep + Math.max(keep, 500);
  let best: KeyedReferral[] = [];
  const cut = () => {
    best.sort(order.compare);
    if (best.length > keep) best = best.slice(0, keep);
  };
  return {
    add(r) {
      best.push(order.keyOf(r));
      if (best.length >= limit) cut();
    },
    page(page) {
      cut();
      return best.slice((page - 1) * pageSize, page * pageSize).map((x) => x.r);
    },
  };
}
