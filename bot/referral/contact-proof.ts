/**
 * Proving that a referral is one's own: the reference plus the phone (its last four digits to
 * see the status, the whole number to delete). A per-address limit alone is dodged by using
 * several addresses, and four digits are only 10,000 guesses, so wrong tries are also counted
 * per reference, whichever page, chat or address they come from: after `maxWrong` the
 * reference is refused for a cool-down, even with the right digits, and the case's history
 * says so (no personal data, no address) so the caseworker can warn the resident.
 */
import { timingSafeEqual } from 'node:crypto';
import type { ReferralRecord } from './referral-record.ts';

/** Five wrong tries, then a quarter of an hour: a resident who mistypes is not kept out long. */
export const statusGuessLimit = { maxWrong: 5, coolDownMs: 15 * 60_000 } as const;

export interface ContactProofOptions {
  /** Wrong tries per reference before the cool-down. */
  maxWrong: number;
  coolDownMs: number;
  /** References tracked at once (the oldest forgotten first): unknown ones count too. */
  maxTracked?: number;
  now?: () => number;
  find: (reference: string) => ReferralRecord | undefined;
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

export function contactProof(o: ContactProofOptions) {
  const now = o.now ?? Date.now;
  const maxTracked = o.maxTracked ?? 50_000;
  // Map keeps insertion order: the first key is the oldest tracked.
  const tries = new Map<string, { wrong: number; lockedUntil?: number }>();

  const lockedFor = (reference: string): number | undefined => {
    const t = tries.get(reference);
    if (!t?.lockedUntil) return undefined;
    if (t.lockedUntil > now()) return t.lockedUntil - now();
    tries.delete(reference);
    return undefined;
  };

  /**
   * @param secret the last four digits, or the whole phone number
   * An unknown reference and a wrong secret are counted and answered alike (nothing tells
   * an attacker which references exist), and an anonymised referral has no phone to match.
   */
  async function check(reference: string, secret: string, whole: boolean): Promise<ProofResult> {
    const left = lockedFor(reference);
    if (left !== undefined) return { ok: false, locked: true, minutes: Math.ceil(left / 60_000) };
    const record = o.find(reference);
    const phone = record?.phone ?? '';
    const expected = whole ? phone : phone.slice(-4);
    if (record && phone && sameSecret(expected, secret)) return { ok: true, record };
    const t = tries.get(reference) ?? { wrong: 0 };
    tries.delete(reference);
    t.wrong++;
    if (t.wrong >= o.maxWrong) t.lockedUntil = now() + o.coolDownMs;
    tries.set(reference, t);
    if (tries.size > maxTracked) tries.delete(tries.keys().next().value!);
    if (!t.lockedUntil) return { ok: false, locked: false };
    if (record) await o.onLocked(reference);
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
