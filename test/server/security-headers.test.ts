/** The recorded security headers are exactly the ones koa-helmet sets as middleware. */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import helmet from 'koa-helmet';
import { describe, expect, it } from 'vitest';
import { recordHelmetHeaders, securityHeaders } from '../../server/middleware/security-headers.ts';

async function headersOf(app: Koa): Promise<Record<string, string>> {
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await res.text();
    const out: Record<string, string> = {};
    res.headers.forEach((v, k) => {
      if (!['date', 'connection', 'keep-alive', 'content-length', 'content-type'].includes(k)) out[k] = v;
    });
    return out;
  } finally {
    server.close();
  }
}

function appWith(headers: Koa.Middleware): Koa {
  const app = new Koa();
  app.use(headers);
  app.use((ctx) => {
    ctx.body = 'ok';
  });
  return app;
}

describe('security headers', () => {
  it('sends what koa-helmet sends, header for header', async () => {
    const expected = await headersOf(appWith(helmet()));
    const actual = await headersOf(appWith(securityHeaders()));
    expect(Object.keys(expected).length).toBeGreaterThan(10);
    expect(actual).toEqual(expected);
  });
  it('takes the same options as koa-helmet', async () => {
    const options = { referrerPolicy: { policy: 'same-origin' as const } };
    const expected = await headersOf(appWith(helmet(options)));
    const actual = await headersOf(appWith(securityHeaders(options)));
    expect(actual['referrer-policy']).toBe('same-origin');
    expect(actual).toEqual(expected);
  });
  it('refuses options that would vary per request', () => {
    const nonce = () => "'nonce-x'";
    expect(() =>
      securityHeaders({ contentSecurityPolicy: { directives: { scriptSrc: [nonce] } } }),
    ).toThrow();
  });
  it('records a content security policy and nosniff', () => {
    const names = recordHelmetHeaders().map(([name]) => name.toLowerCase());
    expect(names).toContain('content-security-policy');
    expect(names).toContain('x-content-type-options');
  });
});
