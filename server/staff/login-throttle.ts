/**
 * Slows password (and second-factor) guessing without letting a stranger lock the real user out.
 *
 * Two counters, both keyed by the typed name (so a name that is no account is slowed exactly
 * like a real one, and the answer never tells which it is):
 * - per name and client address: 5 failures free, then each attempt waits 1 s, 2 s, 4 s …
 *   up to 15 minutes after the last failure. Only that address waits: the real user on another
 *   address logs in as usual.
 * - per name, from every address together: a bucket that fills by one per failure and drains
 *   one every 3 minutes. Above 100 every address waits until it drains again, so a guess spread
 *   over many addresses is still slowed (to about 480 a day, what the old lock-out allowed).
 *   One address cannot fill it: its own delays let through about 15 failures in the first
 *   quarter hour and 4 an hour after that, less than the bucket drains.
 *
 * Both counters of a name are one record (login-throttle-counters.ts keeps them): in memory
 * with one process (lowdb; a restart forgets them, as it forgets nothing an attacker can cause),
 * in the store on PostgreSQL, so failures counted by one instance count on every other (N
 * instances must not give a guesser N times the tries). Every change is one read-modify-write
 * of that record (the store's update(): PostgreSQL locks the row), so none is lost to another
 * at the same moment. A refused attempt counts for nothing, or the wait would grow while a
 * person is waiting it out. A successful login clears that address's failures for the name
 * (not the others': a colleague logging in must not hand a guesser on another address fresh
 * tries); an admin's password reset clears all of the name's counters. A name with no failure
 * for a day is forgotten (its bucket drained long before), which keeps the record count bounded.
 */
import { createHash } from 'node:crypto';
import type { NameCounters, ThrottleCounters } from './login-throttle-counters.ts';
import { memoryCounters } from './login-throttle-counters.ts';

export const throttleRules = {
  freeFailures: 5,
  firstDelayMs: 1000,
  maxDelayMs: 15 * 60 * 1000,
  /** Failures of a name from all addresses before everyone waits. */
  accountBurst: 100,
  /** One failure drains from the per-name bucket every so often. */
  accountDrainMs: 3 * 60 * 1000,
  /** Names kept (the oldest go first): bounded memory or rows whatever is typed. */
  maxEntries: 20_000,
  /** Addresses kept per name (the oldest go first; the per-name bucket still counts them). */
  maxAddressesPerName: 16,
  /** A name with no failure for this long is forgotten. */
  forgetAfterMs: 24 * 60 * 60 * 1000,
} as const;

export type ThrottleRules = typeof throttleRules;

/** How long the next attempt must wait (0: it may go ahead). */
export type Wait = number;

// An address is kept as a hash: the counters need to tell addresses apart, not to know them.
const addressKey = (address: string) => createHash('sha256').update(address).digest('base64url').slice(0, 22);

export class LoginThrottle {
  constructor(
    private readonly counters: ThrottleCounters = memoryCounters(throttleRules.maxEntries),
    private readonly rules: ThrottleRules = throttleRules,
  ) {}

  /** Milliseconds this name must wait from this address before an attempt is looked at. */
  async wait(name: string, address: string, now: number): Promise<Wait> {
    return this.waitOf(await this.counters.read(name), addressKey(address), now);
  }

  /**
   * Starts an attempt: if it must wait, how long; otherwise 0, and the attempt is counted as a
   * failure already — before the slow password check — so a burst of simultaneous tries cannot
   * all pass the check while none has failed yet (the check and the count are one change of the
   * name's record, on every instance). refund() takes it back if it was right.
   */
  async begin(name: string, address: string, now: number): Promise<Wait> {
    const key = addressKey(address);
    let wait = 0;
    await this.counters.change(name, (c) => {
      wait = this.waitOf(c, key, now);
      return wait === 0 ? this.withFailure(c, key, now) : undefined;
    });
    return wait;
  }

  /** The attempt begin() counted was right after all. */
  async refund(name: string, address: string): Promise<void> {
    const key = addressKey(address);
    await this.counters.change(name, (c) => {
      if (!c) return undefined;
      const pairs = c.pairs.flatMap((p) =>
        p.address !== key ? [p] : p.failures > 1 ? [{ ...p, failures: p.failures - 1 }] : [],
      );
      return { ...c, level: Math.max(0, c.level - 1), pairs };
    });
  }

  /** Counts a failure; returns how long the next attempt from this address must wait. */
  async failed(name: string, address: string, now: number): Promise<Wait> {
    const key = addressKey(address);
    let wait = 0;
    await this.counters.change(name, (c) => {
      const next = this.withFailure(c, key, now);
      wait = this.waitOf(next, key, now);
      return next;
    });
    return wait;
  }

  /** Its owner logged in from this address: that address starts afresh. */
  async succeeded(name: string, address: string): Promise<void> {
    const key = addressKey(address);
    await this.counters.change(name, (c) =>
      c?.pairs.some((p) => p.address === key)
        ? { ...c, pairs: c.pairs.filter((p) => p.address !== key) }
        : undefined,
    );
  }

  /** Forgets every failure of this name (an admin reset the password: old guesses are moot). */
  async clear(name: string): Promise<void> {
    await this.counters.remove(name);
  }

  /** Whether any address must wait for this name (for the admin's list of accounts). */
  async throttled(name: string, now: number): Promise<boolean> {
    const c = fresh(await this.counters.read(name), now);
    if (!c) return false;
    if (this.level(c, now) + 1 > this.rules.accountBurst) return true;
    return c.pairs.some((p) => p.lastFailure + this.pairDelay(p.failures) > now);
  }

  private waitOf(counters: NameCounters | undefined, key: string, now: number): Wait {
    const c = fresh(counters, now);
    if (!c) return 0;
    const pair = c.pairs.find((p) => p.address === key);
    const byPair = pair ? pair.lastFailure + this.pairDelay(pair.failures) - now : 0;
    const overflow = this.level(c, now) + 1 - this.rules.accountBurst;
    const byAccount = overflow > 0 ? overflow * this.rules.accountDrainMs : 0;
    return Math.max(0, byPair, byAccount);
  }

  private withFailure(counters: NameCounters | undefined, key: string, now: number): NameCounters {
    const c = fresh(counters, now);
    const pair = c?.pairs.find((p) => p.address === key);
    // The address moves to the end: the oldest addresses are the first dropped.
    const others = (c?.pairs ?? []).filter((p) => p.address !== key);
    const pairs = [...others, { address: key, failures: (pair?.failures ?? 0) + 1, lastFailure: now }];
    return {
      level: this.level(c, now) + 1,
      at: now,
      pairs: pairs.slice(-this.rules.maxAddressesPerName),
      forgetAt: now + this.rules.forgetAfterMs,
    };
  }

  private pairDelay(failures: number): number {
    const over = failures - this.rules.freeFailures;
    if (over < 0) return 0;
    // 2^over overflows to Infinity long after the cap; min() keeps it at the cap.
    return Math.min(this.rules.firstDelayMs * 2 ** over, this.rules.maxDelayMs);
  }

  private level(c: NameCounters | undefined, now: number): number {
    if (!c) return 0;
    return Math.max(0, c.level - (now - c.at) / this.rules.accountDrainMs);
  }
}

/** The counters, unless forgotten (kept past `forgetAt` only until a sweep removes them). */
const fresh = (c: NameCounters | undefined, now: number) => (c && c.forgetAt > now ? c : undefined);
