/**
 * The mini-program's access token (stable_token endpoint): fetched once, kept in memory and
 * shared by every call, fetched again a few minutes before it expires, and at once — forced —
 * when WeChat says it is invalid or expired. Calls made while a fetch is under way wait for
 * that one fetch (WeChat limits token fetches per day).
 */
import { z } from 'zod';
import { wechatCall } from './wechat-call.ts';
import { sameSecret } from '../../bot/referral/contact-proof.ts';

const tokenAnswer = z.looseObject({ access_token: z.string().min(1), expires_in: z.number().positive() });

/** Fetch again this long before WeChat's expiry: a token must not expire mid-call. */
const marginMs = 5 * 60 * 1000;

export interface AccessTokenOptions {
  base: string;
  appid: string;
  secret: string;
  fetch?: typeof fetch;
  now?: () => number;
}

export function accessTokens(o: AccessTokenOptions) {
  const now = o.now ?? Date.now;
  let cached: { token: string; refreshAt: number } | undefined;
  let pending: Promise<string> | undefined;

  const fetchToken = (force: boolean) => {
    pending ??= (async () => {
      try {
        const a = await wechatCall(
          new URL('/cgi-bin/stable_token', o.base),
          tokenAnswer,
          {
            method: 'POST',
            body: { grant_type: 'client_credential', appid: o.appid, secret: o.secret, force_refresh: force },
          },
          o.fetch,
        );
        cached = { token: a.access_token, refreshAt: now() + Math.max(0, a.expires_in * 1000 - marginMs) };
        return a.access_token;
      } finally {
        pending = undefined;
      }
    })();
    return pending;
  };

  return {
    /** A valid token, from memory while it lasts. */
    async get(): Promise<string> {
      if (cached && now() < cached.refreshAt) return cached.token;
      return fetchToken(false);
    },
    /** WeChat refused `token`: forget it and fetch a new one (unless another call already did). */
    async renew(token: string): Promise<string> {
      // Constant time, as every comparison with a secret here (secret-comparisons.test.ts).
      if (cached && !sameSecret(cached.token, token) && now() < cached.refreshAt) return cached.token;
      cached = undefined;
      return fetchToken(true);
    },
  };
}
export type AccessTokens = ReturnType<typeof accessTokens>;
