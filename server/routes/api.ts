/** The JSON API (/api/v1): stateless screening with the same contract as the CLI. */
import Router from '@koa/router';
import type { Screener } from '../../rules/engine/screen.ts';
import type { ScreenResult } from '../../rules/engine/result.ts';
import { AppError } from '../errors.ts';

/** Households per request: a roster belongs to the CLI, not to one HTTP request. */
export const maxHouseholdsPerRequest = 100;

export function apiRoutes(screener: Screener): Router {
  const router = new Router({ prefix: '/api/v1', sensitive: true });
  router.post('/screen', (ctx) => {
    const body = ctx.request.body as unknown;
    const many = Array.isArray(body);
    const inputs = many ? (body as unknown[]) : [body];
    if (many && inputs.length > maxHouseholdsPerRequest) throw new AppError(413, 'too_many_households');
    const results: ScreenResult[] = [];
    for (const [i, input] of inputs.entries()) {
      const r = screener.screen(input);
      if (!r.ok) {
        throw new AppError(
          400,
          'invalid_input',
          r.issues.map((issue) => ({ ...issue, path: many ? `${i}.${issue.path}` : issue.path })),
        );
      }
      results.push(r.value);
    }
    ctx.body = many ? results : results[0];
  });
  return router;
}
