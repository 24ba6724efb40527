/**
 * Mini-program sign-ins: our own short-lived token for a resident WeChat vouched for (a wx.login
 * code exchanged for their openid), kept under a hash of the token, never the token itself.
 *
 * Two places to keep them, one contract. With one process (lowdb, memory) in memory: a restart
 * signs everyone out and the mini-program simply calls wx.login again, and a sign-in never costs
 * a rewrite of a lowdb file. With PostgreSQL (several instances behind a proxy) in the store, so
 * a token one instance issued is honoured by the others; the openid is a personal field there
 * (encrypted at rest). Both are bounded, so a flood of sign-ins cannot grow without end.
 */
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Collection, Store } from '../../bot/store/collection-store.ts';
import { byExpiry, sweeper } from '../limits/expiring-records.ts';

export const maxSignIns = 100_000;

const keyOf = (token: string) => createHash('sha256').update(token).digest('base64url');
const newToken = () => randomBytes(32).toString('base64url');

export interface SignIns {
  /** A new token for this openid, and how many seconds it lasts. */
  start(openid: string): Promise<{ token: string; expiresIn: number }>;
  /** The openid behind a token still valid, else undefined. */
  openid(token: string): Promise<string | undefined>;
}

/** In this process only (one process per store: lowdb, memory). */
export function signIns(lifetimeMs: number, now: () => number = Date.now): SignIns {
  const live = new Map<string, { openid: string; until: number }>();
  const sweep = () => {
    const at = now();
    for (const [k, s] of live) if (s.until <= at) live.delete(k);
    // Still full: the oldest go first (a Map iterates in insertion order).
    for (const k of live.keys()) {
      if (live.size < maxSignIns) break;
      live.delete(k);
    }
  };
  return {
    async start(openid) {
      if (live.size >= maxSignIns) sweep();
      const token = newToken();
      live.set(keyOf(token), { openid, until: now() + lifetimeMs });
      return { token, expiresIn: Math.floor(lifetimeMs / 1000) };
    },
    async openid(token) {
      const s = live.get(keyOf(token));
      if (!s) return undefined;
      if (s.until > now()) return s.openid;
      live.delete(keyOf(token));
      return undefined;
    },
  };
}

const signInSchema = z.strictObject({
  /** The hash of the token (also the record's id). */
  id: z.string(),
  openid: z.string(),
  until: z.number(),
});
type SignIn = z.infer<typeof signInSchema>;

export type SignInRecords = Collection<SignIn>;

/** The store's sign-ins collection (PostgreSQL only; see stored-collections.ts on migration). */
export async function openSignInRecords(store: Store): Promise<SignInRecords> {
  return store.collection('miniprogram-sign-ins', signInSchema, {
    personal: ['openid'],
    ...byExpiry<SignIn>((s) => s.until),
  });
}

/** In the store: every instance on it honours every instance's tokens. */
export function storedSignIns(
  records: SignInRecords,
  lifetimeMs: number,
  now: () => number = Date.now,
  max = maxSignIns,
): SignIns {
  const sweep = sweeper(records, { until: (s) => s.until, max, everyMs: 60_000, now });
  return {
    async start(openid) {
      const token = newToken();
      const id = keyOf(token);
      await records.set(id, { id, openid, until: now() + lifetimeMs });
      sweep();
      return { token, expiresIn: Math.floor(lifetimeMs / 1000) };
    },
    async openid(token) {
      const id = keyOf(token);
      const s = await records.get(id);
      if (!s) return undefined;
      if (s.until > now()) return s.openid;
      await records.delete(id);
      return undefined;
    },
  };
}

/** The sign-ins this store's instances share: in the store on PostgreSQL, else in memory. */
export async function openSignIns(store: Store, lifetimeMs: number): Promise<SignIns> {
  return store.kind === 'postgres'
    ? storedSignIns(await openSignInRecords(store), lifetimeMs)
    : signIns(lifetimeMs);
}
