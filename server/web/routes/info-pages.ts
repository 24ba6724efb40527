/**
 * Pages for people who run or connect to the service: the readable API page (/api, from the
 * same OpenAPI document as /api/v1/openapi.json) and the township posters (/poster...).
 */
import Router from '@koa/router';
import QRCode from 'qrcode';
import {
  isLanguage,
  type Language,
  languages,
  languageTags,
  textDirection,
  translator,
} from '../../../locales/i18n.ts';
import { exampleHousehold } from '../../api-example.ts';
import { jsonLimit } from '../../body-limits.ts';
import { openApiDocument } from '../../openapi.ts';
import { maxHouseholdsPerRequest } from '../../routes/api.ts';
import { renderPage } from '../page.ts';
import { placeQuery, type WebDeps } from '../web-deps.ts';

const example = JSON.stringify(exampleHousehold, null, 2);

export function infoRoutes(deps: WebDeps, apiRequestsPerMinute: number): Router {
  const router = new Router();
  const lang = (q: unknown): Language => (isLanguage(q) ? q : 'zh');

  router.get('/api', (ctx) => {
    const doc = openApiDocument();
    const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(
        methods as Record<string, { operationId: string; responses: Record<string, unknown> }>,
      ).map(([method, op]) => ({
        method: method.toUpperCase(),
        path,
        id: op.operationId,
        codes: Object.keys(op.responses),
      })),
    );
    const l = isLanguage(ctx.query.lang) ? ctx.query.lang : (ctx.state.lang as Language);
    renderPage(ctx, 'api', l, {
      operations,
      example,
      origin: ctx.origin,
      limits: { perMinute: apiRequestsPerMinute, size: jsonLimit, batch: maxHouseholdsPerRequest },
    });
  });

  router.get('/poster', (ctx) => {
    const l = lang(ctx.query.lang);
    const t = translator(l);
    const counties = deps.dialog.steps.counties.map((id) => ({
      id,
      name: t(`chat.options.county_${id}`),
      townships: deps.dialog.steps.townships(id).map((tw) => ({ id: tw.id, name: tw.name[l] })),
    }));
    renderPage(ctx, 'posters', l, { counties });
  });

  router.get('/poster/:county{/:township}', async (ctx, next) => {
    const county = ctx.params.county ?? '';
    if (!deps.dialog.steps.counties.includes(county)) return next();
    const township = deps.dialog.steps.townships(county).find((tw) => tw.id === ctx.params.township);
    if (ctx.params.township && !township) return next();
    const url = `${deps.publicUrl()}/${placeQuery({ county, ...(township ? { township: township.id } : {}) })}`;
    const qr = await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 });
    // One line per language, each in its own direction; the poster's frame is Chinese.
    const lines = languages.map((l) => {
      const t = translator(l);
      return {
        lang: l,
        tag: languageTags[l],
        dir: textDirection[l],
        title: t('web.poster.title'),
        place: t('web.poster.place', {
          county: t(`chat.options.county_${county}`),
          township: township ? township.name[l] : t('web.poster.county_wide'),
        }),
        scan: t('web.poster.scan'),
        free: t('web.poster.free'),
        ask: t('web.poster.ask'),
      };
    });
    renderPage(ctx, 'poster', 'zh', { qr, url, lines });
  });
  return router;
}
