/** The first pages: choose a language (/), then chat, form or status (/:lang). */
import Router from '@koa/router';
import { languages, languageTags, textDirection, translator } from '../../../locales/i18n.ts';
import { pageLanguage, renderPage } from '../page.ts';
import { placeFromQuery, placeQuery, type WebDeps } from '../web-deps.ts';

export function homeRoutes(deps: WebDeps): Router {
  const router = new Router();
  router.get('/', (ctx) => {
    const query = placeQuery(placeFromQuery(ctx.query, deps));
    const choices = languages.map((l) => ({
      lang: l,
      tag: languageTags[l],
      dir: textDirection[l],
      name: translator(l)('web.site.language_name'),
      title: translator(l)('web.language_page.title'),
      decides: translator(l)('web.site.decides'),
      href: `/${l}${query}`,
    }));
    // The chooser speaks every language; its own chrome is Chinese with each choice in its language.
    const lang = ctx.state.lang ?? 'zh';
    // The header's language links lead to the language pages too (the default, "this path in
    // another language", would lead from / back to /).
    const others = choices.filter((c) => c.lang !== lang);
    renderPage(ctx, 'language', lang, { choices, others });
  });
  router.get('/:lang', (ctx, next) => {
    const lang = pageLanguage(ctx);
    if (!lang) return next();
    const query = placeQuery(placeFromQuery(ctx.query, deps));
    renderPage(ctx, 'home', lang, { query });
  });
  return router;
}
