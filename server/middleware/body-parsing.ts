/**
 * Request bodies: the API takes JSON only, the pages their own forms only, both within the
 * limits of body-limits.ts. A body the parser cannot read is the sender's fault, never ours:
 * a gzip, deflate or br body that does not decompress becomes 400 malformed_body, and an
 * encoding nobody supports 415 unsupported_encoding (zlib's own errors carry no status and
 * would otherwise surface as a 500).
 */
import { bodyParser } from '@koa/bodyparser';
import type { Context, Next } from 'koa';
import { formLimit, jsonLimit } from '../body-limits.ts';
import { AppError } from '../errors.ts';

/**
 * "application/json" (any parameters) is JSON without asking type-is, which the body parser
 * otherwise consults up to three times per request; every other type still goes through its
 * usual check (so "application/merge-patch+json" and the like behave as before).
 */
const plainJson = /^application\/json\s*(?:;|$)/i;
const isPlainJson = (ctx: Context) => plainJson.test(ctx.get('content-type'));

export function bodyParsing() {
  const apiBody = bodyParser({
    enableTypes: ['json'],
    jsonLimit,
    encoding: 'utf-8',
    detectJSON: isPlainJson,
  });
  const formBody = bodyParser({ enableTypes: ['form'], formLimit, encoding: 'utf-8' });
  return async (ctx: Context, next: Next) => {
    // Only failures before the routes run are the parser's; later ones pass through untouched.
    let parsed = false;
    const routes = () => {
      parsed = true;
      return next();
    };
    try {
      await (ctx.path.startsWith('/api/') ? apiBody(ctx, routes) : formBody(ctx, routes));
    } catch (e) {
      throw parsed ? e : unreadable(e);
    }
  };
}

function unreadable(e: unknown): unknown {
  const { status, message } = e as { status?: number; message?: string };
  if (status === 415 && /content-encoding/i.test(message ?? ''))
    return new AppError(415, 'unsupported_encoding');
  // Errors with a status (413, 400 bad JSON, 415 type) keep their meaning in middleware/errors.ts.
  if (typeof status === 'number') return e;
  return new AppError(400, 'malformed_body');
}
