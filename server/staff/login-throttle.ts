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
 * Kept in memory (a restart forgets it, as it forgets nothing an attacker can cause). A refused
 * attempt counts for nothing, or the wait would grow while a person is waiting it out.
 * A successful login clears that address's failures for the name (not the others': a colleague
 * logging in must not hand a guesser on another address fresh tries); an admin's password reset
 * clears all of the name's counters.
 */

export const throttleRules = {
  freeFailures: 5,
  firstDelayMs: 1000,
  maxDelayMs: 15 * 60 * 1000,
  /** Failures of a name from all addresses before everyone waits. */
  accountBurst: 100,
  /** One failure drains from the per-name bucket every so often. */
  accountDrainMs: 3 * 60 * 1000,
  /** Entries kept per map (the oldest go first): bounded memory whatever is typed. */
  maxEntries: 20_000,
} as const;

interface PairEntry {
  failures: number;
  lastFailure: number;
}
interface AccountEntry {
  level: number;
  at: number;
}

/** How long the next attempt must wait (0: it may go ahead). */
export type Wait = number;

export class LoginThrottle {
  private pairs = new Map<string, PairEntry>();
  private accounts = new Map<string, AccountEntry>();

  constructor(private rules: typeof throttleRules = throttleRules) {}

  /** Milliseconds this name must wait from this address before an attempt is looked at. */
  wait(name: string, address: string, now: number): Wait {
    const pair = this.pairs.get(pairKey(name, address));
    const byPair = pair ? pair.lastFailure + this.pairDelay(pair.failures) - now : 0;
    const level = this.level(name, now);
    const overflow = level + 1 - this.rules.accountBurst;
    const byAccount = overflow > 0 ? overflow * this.rules.accountDrainMs : 0;
    return Math.max(0, byPair, byAccount);
  }

  /**
   * Starts an attempt: if it must wait, how long; otherwise 0, and the attempt is counted as a
   * failure already — before the slow password check — so a burst of simultaneous tries cannot
   * all pass the check while none has failed yet. refund() takes it back if it was right.
   */
  begin(name: string, address: string, now: number): Wait {
    const wait = this.wait(name, address, now);
    if (wait === 0) this.failed(name, address, now);
    return wait;
  }

  /** The attempt begin() counted was right after all. */
  refund(name: string, address: string): void {
    const key = pairKey(name, address);
    const pair = this.pairs.get(key);
    if (pair && pair.failures > 1) this.pairs.set(key, { ...pair, failures: pair.failures - 1 });
    else this.pairs.delete(key);
    const account = this.accounts.get(name);
    if (account) this.accounts.set(name, { ...account, level: Math.max(0, account.level - 1) });
  }

  /** Counts a failure; returns how long the next attempt from this address must wait. */
  failed(name: string, address: string, now: number): Wait {
    const key = pairKey(name, address);
    const pair = this.pairs.get(key);
    touch(this.pairs, key, { failures: (pair?.failures ?? 0) + 1, lastFailure: now }, this.rules.maxEntries);
    touch(this.accounts, name, { level: this.level(name, now) + 1, at: now }, this.rules.maxEntries);
    return this.wait(name, address, now);
  }

  /** Its owner logged in from this address: that address starts afresh. */
  succeeded(name: string, address: string): void {
    this.pairs.delete(pairKey(name, address));
  }

  /** Forgets every failure of this name (an admin reset the password: old guesses are moot). */
  clear(name: string): void {
    this.accounts.delete(name);
    const suffix = `\u0000${name}`;
    for (const key of this.pairs.keys()) if (key.endsWith(suffix)) this.pairs.delete(key);
  }

  /** Whether any address must wait for this name (for the admin's list of accounts). */
  throttled(name: string, now: number): boolean {
    if (this.level(name, now) + 1 > this.rules.accountBurst) return true;
    const suffix = `\u0000${name}`;
    for (const [key, e] of this.pairs)
      if (key.endsWith(suffix) && e.lastFailure + this.pairDelay(e.failures) > now) return true;
    return false;
  }

  private pairDelay(failures: number): number {
    const over = failures - this.rules.freeFailures;
    if (over < 0) return 0;
    // 2^over overflows to Infinity long after the cap; min() keeps it at the cap.
    return Math.min(this.rules.firstDelayMs * 2 ** over, this.rules.maxDelayMs);
  }

  private level(name: string, now: number): number {
    const e = this.accounts.get(name);
    if (!e) return 0;
    return Math.max(0, e.level - (now - e.at) / this.rules.accountDrainMs);
  }
}

// The address first: a name may hold any character, an address never holds NUL.
const pairKey = (name: string, address: string) => `${address}\u0000${name}`;

/** Sets and moves the key to the end (a Map's order is its eviction order), dropping the oldest. */
function touch<V>(map: Map<string, V>, key: string, value: V, max: number) {
  map.delete(key);
  map.set(key, value);
  if (map.size > max) map.delete(map.keys().next().value!);
}
