/**
 * CSRF protection for the HTML forms (the JSON API needs a JSON content type, which a foreign
 * page cannot send without CORS). A per-browser secret in a signed, httpOnly, SameSite cookie;
 * each form carries a token made from it (pillarjs/csrf). A handler that finds the token wrong
 * re-renders its form with what was typed, so nothing the resident entered is lost.
 */
import Tokens from 'csrf';
import type { Context, Next } from 'koa';

const tokens = new Tokens();
const cookie = 'csrf';

export function csrf() {
  return async (ctx: Context, next: Next) => {
    let secret = ctx.cookies.get(cookie, { signed: true });
    if (!secret) {
      secret = tokens.secretSync();
      ctx.cookies.set(cookie, secret, { signed: true, httpOnly: true, sameSite: 'lax', overwrite: true });
    }
    const body = ctx.request.body as Record<string, unknown> | undefined;
    const sent = typeof body?._csrf === 'string' ? body._csrf : '';
    ctx.state.csrfToken = tokens.create(secret);
    ctx.state.csrfOk = ctx.method !== 'POST' || (sameOrigin(ctx) && tokens.verify(secret, sent));
    await next();
  };
}

/**
 * For a body this middleware cannot read (a multipart upload, parsed later by its route): the
 * same check of the sent token and the origin, once the route has the token.
 */
export function formTokenValid(ctx: Context, sent: unknown): boolean {
  const secret = ctx.cookies.get(cookie, { signed: true });
  return !!secret && typeof sent === 'string' && sameOrigin(ctx) && tokens.verify(secret, sent);
}

/**
 * A browser names the page a post comes from; when it does, it must be this site (OWASP ASVS):
 * the whole origin, scheme and port included, so http://host (which anyone on the path can
 * forge) is not https://host. Our own scheme is https only behind a trusted proxy saying so.
 */
function sameOrigin(ctx: Context): boolean {
  const origin = ctx.get('origin');
  if (!origin || origin === 'null') return origin !== 'null';
  try {
    return new URL(origin).origin === new URL(`${ctx.protocol}://${ctx.host}`).origin;
  } catch {
    return false;
  }
}
