/**
 * Proving that a referral is one's own: the reference plus the phone (its last four digits to
 * see the status, the whole number to delete). A per-address limit alone is dodged by using
 * several addresses, and four digits are only 10,000 guesses, so wrong tries are also counted
 * per reference, whichever page, chat or address they come from: after `maxWrong` the
 * reference is refused for a cool-down, even with the right digits, and the case's history
 * says so (no personal data, no address) so the caseworker can warn the resident.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Collection } from '../store/collection-store.ts';
import type { ReferralRecord } from './referral-record.ts';

/** Five wrong tries, then a quarter of an hour: a resident who mistypes is not kept out long. */
export const statusGuessLimit = { maxWrong: 5, coolDownMs: 15 * 60_000 } as const;

export interface ContactProofOptions {
  /** Wrong tries per reference before the cool-down. */
  maxWrong: number;
  coolDownMs: number;
  /** Where wrong tries are counted (default: this process's memory, see `memoryGuesses`). */
  guesses?: GuessCounter;
  now?: () => number;
  find: (reference: string) => Promise<ReferralRecord | undefined>;
  /** Called once when a reference is locked: the note for the caseworker. */
  onLocked: (reference: string) => void | Promise<void>;
}

export type ProofResult =
  | { ok: true; record: ReferralRecord }
  | { ok: false; locked: false }
  | { ok: false; locked: true; minutes: number };

/** Constant-time, and false for different lengths without comparing. */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Wrong tries of one reference, and until when it is refused (ms). */
export const guessSchema = z.strictObject({
  wrong: z.number(),
  lockedUntil: z.number().optional(),
  /** The last wrong try (ms): counts idle for a day are swept (`sweepGuesses`). */
  at: z.number(),
});
export type Guesses = z.infer<typeof guessSchema>;

/**
 * The wrong-try counts per reference. With several server instances they must be shared (a
 * guesser spreads tries over instances), so they live in the store; one process's memory serves
 * the tests and the terminal. A count never read back whole and written later: `wrong` is one
 * atomic change, so two wrong tries at once on two instances both count.
 */
export interface GuessCounter {
  get(reference: string): Promise<Guesses | undefined>;
  /** Counts one wrong try; `lockAt` tries lock the reference until `now + coolDownMs`. */
  wrong(reference: string, o: { now: number; lockAt: number; coolDownMs: number }): Promise<Guesses>;
  /** Forgets a reference's count (its cool-down is over). */
  clear(reference: string): Promise<void>;
}

const counted = (t: Guesses | undefined, o: { now: number; lockAt: number; coolDownMs: number }) => {
  const wrong = (t?.wrong ?? 0) + 1;
  return {
    wrong,
    at: o.now,
    ...(wrong >= o.lockAt ? { lockedUntil: o.now + o.coolDownMs } : {}),
  };
};

/** Counts in this process, the most recent `maxTracked` references (unknown ones count too). */
export function memoryGuesses(maxTracked = 50_000): GuessCounter {
  // Map keeps insertion order: the first key is the oldest tracked.
  const tries = new Map<string, Guesses>();
  return {
    async get(reference) {
      return tries.get(reference);
    },
    async wrong(reference, o) {
      const t = counted(tries.get(reference), o);
      tries.delete(reference);
      tries.set(reference, t);
      if (tries.size > maxTracked) tries.delete(tries.keys().next().value!);
      return t;
    },
    async clear(reference) {
      tries.delete(reference);
    },
  };
}

/**
 * A reference as typed is anything (80 characters of punctuation): its hash is a valid record
 * id of fixed length, and the collection says nothing about which references exist.
 */
const guessId = (reference: string) =>
  createHash('sha256').update(reference).digest('base64url').slice(0, 43);

/** Counts in a store collection, shared by every instance on it. */
export function storedGuesses(collection: Collection<Guesses>): GuessCounter {
  return {
    get: (reference) => collection.get(guessId(reference)),
    async wrong(reference, o) {
      const next = await collection.update(guessId(reference), (t) => counted(t, o));
      return next!;
    },
    async clear(reference) {
      await collection.delete(guessId(reference));
    },
  };
}

/** Forgets counts with no wrong try for `idleMs` whose cool-down is over; returns how many. */
export async function sweepGuesses(collection: Collection<Guesses>, now: number, idleMs: number) {
  const stale: string[] = [];
  for await (const [id, t] of collection.entries())
    if (now - t.at > idleMs && !(t.lockedUntil && t.lockedUntil > now)) stale.push(id);
  for (const id of stale) await collection.delete(id);
  return stale.length;
}

export function contactProof(o: ContactProofOptions) {
  const now = o.now ?? Date.now;
  const guesses = o.guesses ?? memoryGuesses();

  const lockedFor = async (reference: string): Promise<number | undefined> => {
    const t = await guesses.get(reference);
    if (!t?.lockedUntil) return undefined;
    const at = now();
    if (t.lockedUntil > at) return t.lockedUntil - at;
    await guesses.clear(reference);
    return undefined;
  };

  /**
   * @param secret the last four digits, or the whole phone number
   * An unknown reference and a wrong secret are counted and answered alike (nothing tells
   * an attacker which references exist), and an anonymised referral has no phone to match.
   */
  async function check(reference: string, secret: string, whole: boolean): Promise<ProofResult> {
    const left = await lockedFor(reference);
    if (left !== undefined) return { ok: false, locked: true, minutes: Math.ceil(left / 60_000) };
    const record = await o.find(reference);
    const phone = record?.phone ?? '';
    const expected = whole ? phone : phone.slice(-4);
    if (record && phone && sameSecret(expected, secret)) return { ok: true, record };
    const t = await guesses.wrong(reference, { now: now(), lockAt: o.maxWrong, coolDownMs: o.coolDownMs });
    if (!t.lockedUntil) return { ok: false, locked: false };
    // Once, when this try locked it (a try on another instance may have locked it at once too).
    if (record && t.wrong === o.maxWrong) await o.onLocked(reference);
    return { ok: false, locked: true, minutes: Math.ceil(o.coolDownMs / 60_000) };
  }

  return {
    /** Status: the reference and the phone's last four digits. */
    digits: (reference: string, digits: string) => check(reference, digits, false),
    /** Deletion: the reference and the whole phone number. */
    phone: (reference: string, phone: string) => check(reference, phone, true),
  };
}
export type ContactProof = ReturnType<typeof contactProof>;
