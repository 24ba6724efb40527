/**
 * koa-helmet's security headers (its defaults), computed once. With the defaults helmet sets
 * the same headers on every response (no nonce, nothing read from the request), yet as
 * middleware it runs a dozen functions and a promise per request, a few percent of the
 * server's time under load. So koa-helmet runs once, at start-up, against a response that
 * records what it sets, and every request gets the recorded headers in the same order.
 * (Options that vary per request, such as CSP nonces, would need koa-helmet as middleware.)
 */
import type { Context, Next } from 'koa';
import helmet from 'koa-helmet';

export function securityHeaders() {
  const headers = recordHelmetHeaders();
  return (ctx: Context, next: Next) => {
    const res = ctx.res;
    for (const [name, value] of headers) res.setHeader(name, value);
    return next();
  };
}

/** The headers koa-helmet (defaults) sets, read off a response that records them. */
export function recordHelmetHeaders(): [string, string][] {
  const recorded = new Map<string, string>();
  const res = {
    setHeader: (name: string, value: string | number) => void recorded.set(name, String(value)),
    removeHeader: (name: string) => void recorded.delete(name),
    getHeader: (name: string) => recorded.get(name),
  };
  // helmet sets its headers synchronously, before koa-helmet's promise calls next.
  void helmet()({ req: { method: 'GET', url: '/', headers: {} }, res } as unknown as Context, async () => {});
  if (recorded.size === 0) throw new Error('koa-helmet set no headers');
  return [...recorded];
}
