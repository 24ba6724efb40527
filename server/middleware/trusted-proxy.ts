/**
 * Who is asking, and over which scheme, when a TLS reverse proxy stands in front (TRUST_PROXY).
 * koa's own app.proxy believes X-Forwarded-For from anyone and takes its left-most entry, which
 * the client writes itself; so instead: only when the socket peer is one of the configured proxy
 * addresses are the headers read at all, and the client is the right-most X-Forwarded-For entry
 * that is not itself a trusted proxy (the one our proxy appended). Every limiter keyed by
 * ctx.ip then counts real clients, and cookies get Secure when the proxy says https. From any
 * other peer the headers are ignored: the socket address and plain http, as before.
 */
import { isIP } from 'node:net';
import type { Context, Next } from 'koa';

/** "::ffff:127.0.0.1" (an IPv4 peer on a dual-stack socket) is 127.0.0.1. */
export function plainAddress(address: string): string {
  const a = address.trim().toLowerCase();
  return a.startsWith('::ffff:') && isIP(a.slice(7)) === 4 ? a.slice(7) : a;
}

/** The right-most entry of a comma-separated header that is not a trusted proxy, if any. */
export function forwardedClient(header: string, trusted: ReadonlySet<string>): string | undefined {
  const hops = header.split(',').map(plainAddress).filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!;
    if (trusted.has(hop)) continue;
    // A malformed hop is not a client we can count by: fall back to the proxy's address.
    return isIP(hop) ? hop : undefined;
  }
  return undefined;
}

export function trustedProxy(addresses: readonly string[] = []) {
  const trusted = new Set(addresses.map(plainAddress));
  return (ctx: Context, next: Next) => {
    const peer = plainAddress(ctx.req.socket.remoteAddress ?? '');
    if (!trusted.has(peer)) {
      ctx.request.ip = peer;
      return next();
    }
    ctx.request.ip = forwardedClient(ctx.get('x-forwarded-for'), trusted) ?? peer;
    // The hop nearest us (right-most) is what our proxy saw; only "https" changes anything.
    const proto = ctx.get('x-forwarded-proto').split(',').pop()?.trim().toLowerCase();
    if (proto === 'https') {
      // koa reads the scheme from the socket unless app.proxy, which would trust every peer;
      // set per request instead. ctx.secure, ctx.cookies (Secure on every cookie) follow it.
      Object.defineProperty(ctx.request, 'protocol', { value: 'https' });
    }
    return next();
  };
}
