/**
 * Per-address counters that forget. koa-ratelimit's memory driver never deletes an entry, so
 * every address that ever made a request stayed in its Map for the life of the process: a scan
 * from many addresses (or IPv6 clients, each with a block of their own) grew it without bound.
 *
 * This Map (koa-ratelimit requires a Map instance as `db`) keeps entries in the order their
 * window started, drops the ones whose window has ended as new ones arrive (amortised O(1): the
 * oldest are first), and holds at most `maxAddresses`; beyond that the oldest go first, which
 * only gives that address a fresh window early. Memory is bounded by the addresses seen within
 * one window, and by the cap.
 */

/** Any per-address entry with the end of its window, in seconds (koa-ratelimit's `reset`). */
export interface WindowEntry {
  reset: number;
}

/** Enough for a county's residents at once; each entry is a few dozen bytes. */
export const defaultMaxAddresses = 100_000;

export class AddressWindows<T extends WindowEntry = WindowEntry> extends Map<string, T> {
  constructor(
    private readonly maxAddresses = defaultMaxAddresses,
    private readonly nowSeconds: () => number = () => Date.now() / 1000,
  ) {
    super();
  }

  override set(key: string, value: T): this {
    // Re-inserted last, so the Map's order stays the order windows started.
    super.delete(key);
    super.set(key, value);
    this.forgetStale();
    return this;
  }

  private forgetStale() {
    const now = this.nowSeconds();
    for (const [key, entry] of this) {
      if (entry.reset >= now && this.size <= this.maxAddresses) break;
      super.delete(key);
    }
  }
}

/** koa-ratelimit's memory `db`: one per limiter (each keeps its own windows). */
export const limiterMemory = (maxAddresses = defaultMaxAddresses) => new AddressWindows(maxAddresses);
