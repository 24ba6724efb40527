/**
 * One error middleware, first in the chain (koa/docs/error-handling.md): expected failures
 * become JSON with a stable code and a translated message; anything else is logged and
 * answered with a generic 500 that reveals nothing.
 */
import type { Context, Next } from 'koa';
import type { Logger } from 'pino';
import { isLanguage, type Language, translator } from '../../locales/i18n.ts';
import { issueText } from '../../rules/explain/result-view.ts';
import { StoreWriteError } from '../../bot/store/store-errors.ts';
import { AppError } from '../errors.ts';
import type { RefusalLog } from '../limits/refusal-log.ts';
import { loggedPath } from '../log-masks.ts';
import { renderPage } from '../web/page.ts';

export function errors(log: Logger, refusals?: RefusalLog) {
  return async (ctx: Context, next: Next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) throw new AppError(404, 'not_found');
    } catch (e) {
      const t = translator(ctx.state.lang ?? 'zh');
      const known = e instanceof AppError ? e : fromKoa(e);
      if (!known) log.error({ err: e, path: loggedPath(ctx.path) }, 'request failed');
      else if (e instanceof StoreWriteError)
        log.error({ err: e, path: loggedPath(ctx.path) }, 'not saved: the store cannot write');
      const error = known ?? new AppError(500, 'internal');
      ctx.status = error.status;
      // Refusals are counted, not logged one by one: a flood must show without filling the disk.
      if (error.status === 429) refusals?.refused(ctx.ip);
      const headers = (e as { headers?: Record<string, string> }).headers;
      if (error.status === 429 && headers) ctx.set(headers);
      if (!ctx.path.startsWith('/api/')) {
        // A person in a browser: a page in their language, not JSON.
        const lang = pathLanguage(ctx.path) ?? ctx.state.lang ?? 'zh';
        const message = [
          'not_found',
          'too_many_requests',
          'too_many_conversations',
          'storage_unavailable',
        ].includes(error.code)
          ? error.code
          : unreadableBody.includes(error.code)
            ? 'malformed_body'
            : 'internal';
        renderPage(ctx, 'error', lang, { message: `web.error_page.${message}` }, error.status);
        return;
      }
      ctx.body = {
        error: {
          code: error.code,
          message: t(`api.errors.${error.code}`),
          ...(error.issues.length
            ? { issues: error.issues.map((i) => ({ path: i.path, code: i.code, message: issueText(t, i) })) }
            : {}),
        },
      };
    }
  };
}

/** A post the server could not read: the page says so plainly, not "something went wrong". */
const unreadableBody = ['malformed_body', 'unsupported_encoding'];

/** Errors koa and its body parser throw with a status: too large, bad JSON, wrong type. */
function fromKoa(e: unknown): AppError | undefined {
  const status = (e as { status?: number }).status;
  if (status === 413) return new AppError(413, 'too_large');
  if (status === 415) return new AppError(415, 'unsupported_media_type');
  if (status === 400) return new AppError(400, 'malformed_json');
  if (status === 429) return new AppError(429, 'too_many_requests');
  // Disk full or failing: nothing of this request was stored, everything stored before is kept.
  if (e instanceof StoreWriteError) return new AppError(503, 'storage_unavailable');
  return undefined;
}

function pathLanguage(path: string): Language | undefined {
  const first = path.split('/')[1];
  return isLanguage(first) ? first : undefined;
}
