/**
 * What the rules know, for people and programs that need the figures behind a result:
 *   GET /api/v1/jurisdictions          the configured counties
 *   GET /api/v1/jurisdictions/:id      its parameters in force on ?date= (default today), each
 *                                      with its source, and the local values still not configured
 *   GET /api/v1/programs               program ids, departments, where to apply
 */
import Router from '@koa/router';
import { isRealDate } from '../../rules/engine/rule-file-schema.ts';
import {
  type ParameterName,
  parameterCatalog,
  parameterNames,
} from '../../rules/engine/parameter-catalog.ts';
import { resolveParameters } from '../../rules/engine/parameter-table.ts';
import { chinaToday, type Screener } from '../../rules/engine/screen.ts';
import { AppError } from '../errors.ts';
import { openApiDocument } from '../openapi.ts';

export function ruleRoutes(screener: Screener): Router {
  const router = new Router({ prefix: '/api/v1', sensitive: true });
  const book = screener.book;

  router.get('/jurisdictions', (ctx) => {
    ctx.body = [...book.jurisdictions.values()].map((j) => ({
      id: j.id,
      level: j.level,
      region: j.region,
      layers: j.stack.map((l) => l.id),
    }));
  });

  router.get('/jurisdictions/:id', (ctx) => {
    // As screened now: the county admin's values included.
    const j = screener.jurisdiction(ctx.params.id ?? '');
    if (!j) throw new AppError(404, 'not_found');
    const date = typeof ctx.query.date === 'string' ? ctx.query.date : chinaToday();
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !isRealDate(date)) throw new AppError(400, 'invalid_date');
    const table = resolveParameters(j, date);
    const parameters = Object.fromEntries(
      [...table.entries()].map(([name, p]) => [
        name,
        {
          value: p.value,
          from: p.from,
          layer: p.layer,
          local: p.local,
          source: p.source,
          ...(p.note ? { note: p.note } : {}),
        },
      ]),
    );
    const notConfigured = parameterNames.filter(
      (n: ParameterName) => parameterCatalog[n].local && !table.has(n),
    );
    ctx.body = {
      id: j.id,
      level: j.level,
      region: j.region,
      date,
      parameters,
      notConfigured,
      townships: j.townships,
    };
  });

  const document = openApiDocument();
  router.get('/openapi.json', (ctx) => {
    ctx.body = document;
  });

  router.get('/programs', (ctx) => {
    ctx.body = [...screener.programs.entries()].map(([id, info]) => ({
      id,
      department: info.department,
      applyAt: info.applyAt,
    }));
  });
  return router;
}
