/**
 * koa-helmet's security headers, computed once. Without per-request options helmet sets the
 * same headers on every response (no nonce, nothing read from the request), yet as middleware
 * it runs a dozen functions and a promise per request, a few percent of the server's time
 * under load. So koa-helmet runs once, at start-up, with the given options, against a response
 * that records what it sets, and every request gets the recorded headers in the same order.
 * Options holding functions (CSP nonces and the like) vary per request: they are refused here
 * and need koa-helmet as middleware.
 */
import type { Context, Next } from 'koa';
import helmet from 'koa-helmet';

type HelmetOptions = Parameters<typeof helmet>[0];

export function securityHeaders(options?: HelmetOptions) {
  const headers = recordHelmetHeaders(options);
  // HSTS means something only over https (RFC 6797 §7.2: not sent over plain http); behind a
  // trusted TLS proxy ctx.secure says so (middleware/trusted-proxy.ts).
  const always = headers.filter(([name]) => name.toLowerCase() !== hsts);
  const secureOnly = headers.filter(([name]) => name.toLowerCase() === hsts);
  return (ctx: Context, next: Next) => {
    const res = ctx.res;
    for (const [name, value] of always) res.setHeader(name, value);
    if (ctx.secure) for (const [name, value] of secureOnly) res.setHeader(name, value);
    return next();
  };
}

const hsts = 'strict-transport-security';

/** The headers koa-helmet sets with these options, read off a response that records them. */
export function recordHelmetHeaders(options?: HelmetOptions): [string, string][] {
  if (holdsFunction(options)) throw new Error('securityHeaders: per-request helmet options need koa-helmet');
  const recorded = new Map<string, string>();
  const res = {
    setHeader: (name: string, value: string | number) => void recorded.set(name, String(value)),
    removeHeader: (name: string) => void recorded.delete(name),
    getHeader: (name: string) => recorded.get(name),
  };
  // helmet sets its headers synchronously, before koa-helmet's promise calls next.
  void helmet(options)(
    { req: { method: 'GET', url: '/', headers: {} }, res } as unknown as Context,
    async () => {},
  );
  if (recorded.size === 0) throw new Error('koa-helmet set no headers');
  return [...recorded];
}

function holdsFunction(v: unknown): boolean {
  if (typeof v === 'function') return true;
  if (typeof v !== 'object' || v === null) return false;
  return Object.values(v).some(holdsFunction);
}
