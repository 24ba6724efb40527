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
      href: `/${l}${query}`,
    }));
    // The chooser speaks every language; its own chrome is Chinese with each choice in its language.
    renderPage(ctx, 'language', ctx.state.lang ?? 'zh', { choices });
  });
  router.get('/:lang', (ctx, next) => {
    const lang = pageLanguage(ctx);
    if (!lang) return next();
    const query = placeQuery(placeFromQuery(ctx.query, deps));
    renderPage(ctx, 'home', lang, { query });
  });
  return router;
}
