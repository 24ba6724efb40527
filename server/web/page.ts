/**
 * Renders a resident page: every page gets the language, its direction and tag, the
 * translator, the CSRF token, links to the same page in the other languages, and the `bdi`
 * filter. Pages are never cached by proxies (they can hold a resident's answers).
 */
import type { Context } from 'koa';
import {
  isLanguage,
  type Language,
  languages,
  languageTags,
  textDirection,
  translator,
} from '../../locales/i18n.ts';
import { templates } from '../../templates/render.ts';
import { isolate } from './isolate.ts';
import { assetPath } from './assets.ts';
import { formatDate } from './format-date.ts';

let filtersAdded = false;
function env() {
  const e = templates();
  if (!filtersAdded) {
    // {{ text | bdi(dir) }}: escaped, with numbers and names isolated on right-to-left pages.
    e.addFilter('bdi', (text: unknown, dir: 'ltr' | 'rtl') => isolate(text, dir));
    e.addGlobal('asset', assetPath);
    // {{ "2026-11-23" | localDate(lang) }}: a date as residents write it (2026年11月23日, 23.11.2026).
    e.addFilter('localDate', (iso: string, lang: Language) => formatDate(iso, lang));
    filtersAdded = true;
  }
  return e;
}

export function pageLanguage(ctx: Context): Language | undefined {
  const lang = ctx.params?.lang;
  return isLanguage(lang) ? lang : undefined;
}

/**
 * The same page in another language: /ug/form → /kk/form; a page without a language in its
 * path (/api, /poster) takes it from ?lang=, so /api?lang=zh → /api?lang=kk.
 */
function otherLanguages(ctx: Context, lang: Language) {
  const prefix = new RegExp(`^/${lang}(?=/|$)`);
  const href = (l: Language) => {
    if (prefix.test(ctx.path)) {
      return ctx.path.replace(prefix, `/${l}`) + (ctx.querystring ? `?${ctx.querystring}` : '');
    }
    const query = new URLSearchParams(ctx.querystring);
    query.set('lang', l);
    return `${ctx.path}?${query}`;
  };
  return languages
    .filter((l) => l !== lang)
    .map((l) => ({
      lang: l,
      tag: languageTags[l],
      dir: textDirection[l],
      name: translator(l)('web.site.language_name'),
      href: href(l),
    }));
}

export function renderPage(
  ctx: Context,
  template: string,
  lang: Language,
  data: Record<string, unknown> = {},
  status = 200,
): void {
  renderTemplate(ctx, `web/${template}.njk`, lang, data, status);
}

/** Any page (resident or staff): `file` is a path under templates/. */
export function renderTemplate(
  ctx: Context,
  file: string,
  lang: Language,
  data: Record<string, unknown> = {},
  status = 200,
): void {
  const dir = textDirection[lang];
  ctx.status = status;
  ctx.type = 'text/html; charset=utf-8';
  ctx.set('Cache-Control', 'no-store');
  ctx.body = env().render(file, {
    t: translator(lang),
    lang,
    tag: languageTags[lang],
    dir,
    csrf: ctx.state.csrfToken,
    others: otherLanguages(ctx, lang),
    path: ctx.path,
    // Answered to a post (not redirected): the page asks the browser to forget the post.
    posted: ctx.method === 'POST',
    ...data,
  });
}
