/**
 * One call to WeChat's server API: JSON in, JSON out, an answer with a non-zero errcode turned
 * into a WechatApiError carrying only the code (WeChat's errmsg may echo what we sent, and what
 * we send can hold an openid: it is never kept in an error, so never in a log).
 */
import { z } from 'zod';

export class WechatApiError extends Error {
  constructor(readonly errcode: number) {
    super(`WeChat API error ${errcode}`);
    this.name = 'WechatApiError';
  }
}

/** The access token is wrong or expired (40001 invalid, 40014 not a token, 42001 expired). */
export const tokenErrors: ReadonlySet<number> = new Set([40001, 40014, 42001]);

const errorShape = z.looseObject({ errcode: z.number().optional() });

export async function wechatCall<T>(
  url: URL,
  schema: z.ZodType<T>,
  init: { method: 'GET' } | { method: 'POST'; body: unknown },
  fetchImpl: typeof fetch = fetch,
): Promise<T> {
  const res = await fetchImpl(url, {
    method: init.method,
    ...(init.method === 'POST'
      ? { body: JSON.stringify(init.body), headers: { 'content-type': 'application/json' } }
      : {}),
    signal: AbortSignal.timeout(10_000),
    redirect: 'error',
  });
  if (!res.ok) {
    await res.body?.cancel();
    throw new Error(`WeChat API answered HTTP ${res.status}`);
  }
  const json: unknown = await res.json();
  const err = errorShape.safeParse(json);
  if (err.success && err.data.errcode) throw new WechatApiError(err.data.errcode);
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new Error('WeChat API answered in an unexpected shape');
  return parsed.data;
}
