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
    ctx.state.csrfOk = ctx.method !== 'POST' || tokens.verify(secret, sent);
    await next();
  };
}
