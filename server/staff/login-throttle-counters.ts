/**
 * Where the login throttle keeps a name's counters (login-throttle.ts): one record per name,
 * changed only by a read-modify-write that nothing else can interleave with.
 * - memoryCounters: this process only (lowdb, memory: one process). A change is synchronous,
 *   so it is atomic by itself; the oldest names go first beyond the cap.
 * - storedCounters: the store (PostgreSQL: every instance shares them). A change is the
 *   store's update(), which locks the row; the record's id is a hash of the name (a typed name
 *   may hold any character; the store's ids may not), and expired records are swept.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Collection, Store } from '../../bot/store/collection-store.ts';
import { byExpiry, sweeper } from '../limits/expiring-records.ts';

export const nameCountersSchema = z.strictObject({
  /** The per-name bucket's level at `at`. */
  level: z.number(),
  at: z.number(),
  /** Per address (a hash of it), oldest first. */
  pairs: z.array(z.strictObject({ address: z.string(), failures: z.number(), lastFailure: z.number() })),
  /** After this the name is forgotten (a day after its last failure). */
  forgetAt: z.number(),
});
export type NameCounters = z.infer<typeof nameCountersSchema>;

/** A name's counters changed as one step: `change` returns the new counters or undefined (as they were). */
export interface ThrottleCounters {
  read(name: string): Promise<NameCounters | undefined>;
  change(
    name: string,
    change: (current: NameCounters | undefined) => NameCounters | undefined,
  ): Promise<void>;
  remove(name: string): Promise<void>;
}

export function memoryCounters(maxNames: number): ThrottleCounters {
  const names = new Map<string, NameCounters>();
  return {
    async read(name) {
      return names.get(name);
    },
    async change(name, change) {
      const next = change(names.get(name));
      if (next === undefined) return;
      // Re-inserted last: a Map's order is its eviction order.
      names.delete(name);
      names.set(name, next);
      if (names.size > maxNames) names.delete(names.keys().next().value!);
    },
    async remove(name) {
      names.delete(name);
    },
  };
}

const storedSchema = nameCountersSchema.extend({ id: z.string() });
type StoredCounters = z.infer<typeof storedSchema>;
export type StoredThrottle = Collection<StoredCounters>;

/** The store's login-failure collection (PostgreSQL only; see stored-collections.ts on migration). */
export async function openThrottleRecords(store: Store): Promise<StoredThrottle> {
  return store.collection(
    'login-failures',
    storedSchema,
    byExpiry<StoredCounters>((c) => c.forgetAt),
  );
}

const idOf = (name: string) => createHash('sha256').update(name).digest('base64url');

export function storedCounters(
  records: StoredThrottle,
  maxNames: number,
  now: () => number = Date.now,
): ThrottleCounters {
  const sweep = sweeper(records, { until: (c) => c.forgetAt, max: maxNames, everyMs: 60_000, now });
  return {
    async read(name) {
      return strip(await records.get(idOf(name)));
    },
    async change(name, change) {
      sweep();
      const id = idOf(name);
      await records.update(id, (current) => {
        const next = change(strip(current));
        return next === undefined ? undefined : { id, ...next };
      });
    },
    async remove(name) {
      await records.delete(idOf(name));
    },
  };
}

function strip(stored: StoredCounters | undefined): NameCounters | undefined {
  if (!stored) return undefined;
  const { id: _id, ...counters } = stored;
  return counters;
}
