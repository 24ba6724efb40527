/** The caller's language: ?lang=, else Accept-Language, else Chinese. */
import type { Context, Next } from 'koa';
import { isLanguage, type Language } from '../../locales/i18n.ts';

export function language() {
  return async (ctx: Context, next: Next) => {
    ctx.state.lang = pick(ctx);
    await next();
  };
}

function pick(ctx: Context): Language {
  const q = ctx.query.lang;
  if (isLanguage(q)) return q;
  for (const part of (ctx.get('accept-language') || '').split(',')) {
    const tag = part.split(';')[0]!.trim().toLowerCase().split('-')[0];
    if (isLanguage(tag)) return tag;
  }
  return 'zh';
}
