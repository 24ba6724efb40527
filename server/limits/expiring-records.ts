/**
 * Short-lived records (each holding its own id) kept in the store so that every instance sees them (mini-program
 * sign-ins, login failures, new-conversation budgets): each has a moment after which it means
 * nothing, stored as the collection's sort key, so the expired are the first page of `find` —
 * on PostgreSQL one index scan, never a read of the table. Sweeping is done now and then by
 * whichever instance happens to be busy, in the background, a page at a time, and also keeps
 * the collection under a cap (the soonest to expire go first), so a flood of sign-ins or typed
 * names cannot grow the table without end.
 */
import type { Collection, CollectionOptions } from '../../bot/store/collection-store.ts';

/** A sort key that orders as the time does (milliseconds, zero-padded). */
export const expiryKey = (ms: number) => String(Math.max(0, Math.floor(ms))).padStart(15, '0');

/** Collection options ordering records by when they expire. */
export const byExpiry = <T>(until: (record: T) => number): CollectionOptions<T> => ({
  sortKey: (r) => expiryKey(until(r)),
});

export interface SweepOptions<T> {
  until: (record: T) => number;
  /** Records kept at most; beyond it the soonest to expire are dropped. */
  max: number;
  /** At most one sweep per this many ms per instance. */
  everyMs: number;
  now: () => number;
  onError?: (error: unknown) => void;
}

const pageSize = 500;
/** One sweep deletes at most this many: a backlog is worked off over several sweeps. */
const maxPerSweep = 5000;

/** A call to make on every write: it starts a sweep when one is due, never waits for it. */
export function sweeper<T extends { id: string }>(collection: Collection<T>, o: SweepOptions<T>): () => void {
  let last = Number.NEGATIVE_INFINITY;
  let running = false;
  const sweep = async () => {
    let deleted = 0;
    // The expired first: they are the first rows in the sort key's order.
    while (deleted < maxPerSweep) {
      const page = await collection.find({}, { limit: pageSize });
      const at = o.now();
      const expired = page.filter((r) => o.until(r) <= at);
      for (const r of expired) if (await collection.delete(r.id)) deleted++;
      if (expired.length < page.length || page.length < pageSize) break;
    }
    const over = (await collection.count()) - o.max;
    if (over > 0)
      for (const r of await collection.find({}, { limit: Math.min(over, maxPerSweep) }))
        await collection.delete(r.id);
  };
  return () => {
    const at = o.now();
    if (running || at - last < o.everyMs) return;
    last = at;
    running = true;
    void sweep()
      .catch((e: unknown) => o.onError?.(e))
      .finally(() => {
        running = false;
      });
  };
}
