/**
 * WeChat sign-in and the mini-program's own endpoints: the server's settings (is sign-in set
 * up, which subscription templates to ask for), wx.login → our token, "my referrals", and tying
 * a sent referral to the signed-in resident with the templates they allowed. The token is kept
 * in memory only (never in storage) and renewed with a new wx.login when it expires.
 */
import type { Lang } from '../i18n/t';
import { requestJson } from '../lib/request-json';

export interface Settings {
  signIn: boolean;
  templates: string[];
}

export interface MyReferral {
  createdAt: string;
  updatedAt: string;
  status: string;
  statusText: string;
  programs: { id: string; verdict: 'likely' | 'possible' }[];
  subscribed: boolean;
}

/** Why it did not work: not set up on the server, WeChat refused, or nobody could be reached. */
export type Failure = 'not_set_up' | 'failed' | 'unavailable';
export type Outcome<T> = { ok: true; value: T } | { ok: false; why: Failure };

let session: { token: string; until: number } | undefined;

export async function settings(lang: Lang): Promise<Settings> {
  const res = await requestJson<Settings>('GET', '/api/v1/miniprogram/settings', lang);
  if (res.status !== 200) throw new Error(`settings: ${res.status}`);
  return { signIn: res.data.signIn === true, templates: res.data.templates ?? [] };
}

function wxLogin(): Promise<string | undefined> {
  return new Promise((resolve) => {
    try {
      wx.login({
        success: (res) => resolve(res.code || undefined),
        fail: () => resolve(undefined),
      });
    } catch {
      // No wx.login here (an old base library, a test page): not signed in, said as such.
      resolve(undefined);
    }
  });
}

const failureOf = (status: number): Failure =>
  status === 503 ? 'not_set_up' : status === 401 || status === 400 ? 'failed' : 'unavailable';

async function token(lang: Lang, fresh = false): Promise<Outcome<string>> {
  if (!fresh && session && session.until > Date.now()) return { ok: true, value: session.token };
  session = undefined;
  const code = await wxLogin();
  if (!code) return { ok: false, why: 'failed' };
  try {
    const res = await requestJson<{ token: string; expiresIn: number }>(
      'POST',
      '/api/v1/miniprogram/sign-in',
      lang,
      { body: { code } },
    );
    if (res.status !== 200) return { ok: false, why: failureOf(res.status) };
    // A minute early, so a token never expires between here and the server.
    session = { token: res.data.token, until: Date.now() + (res.data.expiresIn - 60) * 1000 };
    return { ok: true, value: res.data.token };
  } catch {
    return { ok: false, why: 'unavailable' };
  }
}

/** A signed-in call; once more after a fresh wx.login when the server no longer knows the token. */
async function signedIn<T>(
  lang: Lang,
  call: (token: string) => Promise<{ status: number; data: T }>,
): Promise<Outcome<T>> {
  for (const fresh of [false, true]) {
    const t = await token(lang, fresh);
    if (!t.ok) return t;
    try {
      const res = await call(t.value);
      if (res.status === 200) return { ok: true, value: res.data };
      if (res.status !== 401) return { ok: false, why: failureOf(res.status) };
    } catch {
      return { ok: false, why: 'unavailable' };
    }
  }
  return { ok: false, why: 'failed' };
}

export async function myReferrals(lang: Lang): Promise<Outcome<MyReferral[]>> {
  const out = await signedIn(lang, (t) =>
    requestJson<{ referrals: MyReferral[] }>('GET', '/api/v1/miniprogram/referrals', lang, { token: t }),
  );
  return out.ok ? { ok: true, value: out.value.referrals } : out;
}

/** Ties the referral sent in this conversation to the resident; answers the templates kept. */
export async function linkReferral(
  conversationId: string,
  templates: string[],
  lang: Lang,
): Promise<Outcome<string[]>> {
  const out = await signedIn(lang, (t) =>
    requestJson<{ templates: string[] }>('POST', '/api/v1/miniprogram/referrals', lang, {
      token: t,
      body: { conversationId, templates },
    }),
  );
  return out.ok ? { ok: true, value: out.value.templates } : out;
}
