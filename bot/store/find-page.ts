/**
 * A page of `find` (keyset paging) for the stores that hold records in memory (memory, lowdb,
 * sharded): filter, sort by the collection's sort key, skip to `after`, slice. PostgreSQL does
 * the same in one indexed query (pg/pg-collection.ts); the contract suite holds them equal.
 */
import type { CollectionOptions, FindOptions } from './collection-store.ts';

/** A record with the key it sorts by and its id (ties on the key are ordered by id). */
export interface Keyed<T> {
  key: string;
  id: string;
  value: T;
}

/** The largest page a caller may ask for: a page is for a screen, not an export. */
export const maxFindLimit = 10_000;

/** Throws on a limit that is not a whole number from 1 to maxFindLimit (a caller's bug). */
export function checkFindOptions(options: FindOptions): void {
  const { limit } = options;
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1 && limit <= maxFindLimit))
    throw new RangeError(`find: limit must be a whole number from 1 to ${maxFindLimit}, not ${limit}`);
}

/** The key a record sorts by: the declared sort key, otherwise its id. */
export function sortKeyOf<T>(options: CollectionOptions<T>, id: string, record: T): string {
  return options.sortKey ? options.sortKey(record) : id;
}

// Code-unit order, as PostgreSQL's COLLATE "C" compares the sort column (the same order for
// every character of the Basic Multilingual Plane; dates and references are ASCII anyway).
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Whether a record with sort key `key` comes after `options.after` in the page's direction. */
export function isAfter(key: string, options: FindOptions): boolean {
  const { after } = options;
  return after === undefined || (options.descending ? -1 : 1) * compare(key, after) > 0;
}

/** Where the page starts in rows already in the page's order: the first row after `after`. */
export function firstAfter<T>(rows: readonly Keyed<T>[], options: FindOptions): number {
  let low = 0;
  let high = rows.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (isAfter(rows[mid]!.key, options)) high = mid;
    else low = mid + 1;
  }
  return low;
}

const order = (options: FindOptions) => {
  const sign = options.descending ? -1 : 1;
  return <T>(a: Keyed<T>, b: Keyed<T>) => sign * (compare(a.key, b.key) || compare(a.id, b.id));
};

/** The page `options` asks for out of `rows` (any order; `rows` may be sorted in place). */
export function pageOf<T>(rows: Keyed<T>[], options: FindOptions): Keyed<T>[] {
  const kept = options.after === undefined ? rows : rows.filter((r) => isAfter(r.key, options));
  kept.sort(order(options));
  return options.limit === undefined ? kept : kept.slice(0, options.limit);
}

/**
 * The page out of pages already in the page's order (a sharded collection's shards): merged
 * head by head up to the limit, so a page costs its length times the number of pages, not a
 * sort of every shard's rows (a county streamed 5,000 at a time from 16 shards re-sorted the
 * county for every page: 0.55 s instead of 0.05 s for 50,000).
 */
export function mergePages<T>(pages: Keyed<T>[][], options: FindOptions): Keyed<T>[] {
  const before = order(options);
  const heads = pages.map(() => 0);
  const total = pages.reduce((n, p) => n + p.length, 0);
  const limit = Math.min(options.limit ?? total, total);
  const out: Keyed<T>[] = [];
  while (out.length < limit) {
    let best = -1;
    for (let k = 0; k < pages.length; k++) {
      const row = pages[k]![heads[k]!];
      if (row && (best < 0 || before(row, pages[best]![heads[best]!]!) < 0)) best = k;
    }
    out.push(pages[best]![heads[best]!++]!);
  }
  return out;
}
