/** The recorded security headers are exactly the ones koa-helmet sets as middleware. */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import helmet from 'koa-helmet';
import { describe, expect, it } from 'vitest';
import { recordHelmetHeaders, securityHeaders } from '../../server/middleware/security-headers.ts';
import { trustedProxy } from '../../server/middleware/trusted-proxy.ts';

async function headersOf(app: Koa, headers: Record<string, string> = {}): Promise<Record<string, string>> {
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, { headers });
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

function appWith(headers: Koa.Middleware, trustProxy: string[] = []): Koa {
  const app = new Koa();
  app.use(trustedProxy(trustProxy));
  app.use(headers);
  app.use((ctx) => {
    ctx.body = 'ok';
  });
  return app;
}

const https = { 'x-forwarded-proto': 'https' };
const withoutHsts = ({ 'strict-transport-security': _, ...rest }: Record<string, string>) => rest;

describe('security headers', () => {
  it('sends what koa-helmet sends, header for header, over https (behind a trusted proxy)', async () => {
    const expected = await headersOf(appWith(helmet()), https);
    const actual = await headersOf(appWith(securityHeaders(), ['127.0.0.1']), https);
    expect(Object.keys(expected).length).toBeGreaterThan(10);
    expect(actual['strict-transport-security']).toMatch(/max-age=/);
    expect(actual).toEqual(expected);
  });
  it('sends no HSTS over plain http, nor when an untrusted client claims https', async () => {
    const expected = withoutHsts(await headersOf(appWith(helmet())));
    for (const claim of [{}, https]) {
      const actual = await headersOf(appWith(securityHeaders()), claim);
      expect(actual['strict-transport-security']).toBeUndefined();
      expect(actual).toEqual(expected);
    }
  });
  it('takes the same options as koa-helmet', async () => {
    const options = { referrerPolicy: { policy: 'same-origin' as const } };
    const expected = withoutHsts(await headersOf(appWith(helmet(options))));
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
