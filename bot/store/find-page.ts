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

/** The page `options` asks for out of `rows` (any order; `rows` may be sorted in place). */
export function pageOf<T>(rows: Keyed<T>[], options: FindOptions): Keyed<T>[] {
  const sign = options.descending ? -1 : 1;
  const { after } = options;
  const kept = after === undefined ? rows : rows.filter((r) => sign * compare(r.key, after) > 0);
  kept.sort((a, b) => sign * (compare(a.key, b.key) || compare(a.id, b.id)));
  return options.limit === undefined ? kept : kept.slice(0, options.limit);
}
