/**
 * Mini-program sign-ins: our own short-lived token for a resident WeChat vouched for (a wx.login
 * code exchanged for their openid). Kept in memory only, under a hash of the token: a restart
 * signs everyone out, and the mini-program simply calls wx.login again. Bounded, so a flood of
 * sign-ins cannot grow the process without end.
 */
import { createHash, randomBytes } from 'node:crypto';

const maxSignIns = 100_000;

const keyOf = (token: string) => createHash('sha256').update(token).digest('base64url');

export function signIns(lifetimeMs: number, now: () => number = Date.now) {
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
    /** A new token for this openid, and how many seconds it lasts. */
    start(openid: string): { token: string; expiresIn: number } {
      if (live.size >= maxSignIns) sweep();
      const token = randomBytes(32).toString('base64url');
      live.set(keyOf(token), { openid, until: now() + lifetimeMs });
      return { token, expiresIn: Math.floor(lifetimeMs / 1000) };
    },
    /** The openid behind a token still valid, else undefined. */
    openid(token: string): string | undefined {
      const s = live.get(keyOf(token));
      if (!s) return undefined;
      if (s.until > now()) return s.openid;
      live.delete(keyOf(token));
      return undefined;
    },
  };
}
export type SignIns = ReturnType<typeof signIns>;
