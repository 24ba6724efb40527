/** Every resident page, the info pages and the static assets, as one router. */
import Router from '@koa/router';
import type { AppDeps } from '../app.ts';
import type { NewConversation } from '../limits/new-conversations.ts';
import { serveAsset, serveFavicon } from './assets.ts';
import { chatRoutes } from './routes/chat.ts';
import { formRoutes } from './routes/form.ts';
import { homeRoutes } from './routes/home.ts';
import { infoRoutes } from './routes/info-pages.ts';
import { referralRoutes } from './routes/referral.ts';
import { resultsRoutes } from './routes/results.ts';
import { statusRoutes } from './routes/status.ts';
import type { WebDeps } from './web-deps.ts';

export function webRoutes(app: AppDeps, newConversation: NewConversation): Router {
  const deps: WebDeps = {
    screener: app.screener,
    dialog: app.dialog,
    sessions: app.sessions,
    referrals: app.referrals,
    proof: app.proof,
    publicUrl: () => app.publicUrl().replace(/\/+$/, ''),
    statusLookupsPerMinute: app.statusLookupsPerMinute,
    resultsKeepMs: app.resultsKeepMs ?? 7 * 24 * 60 * 60 * 1000,
    newConversation,
  };
  const router = new Router();
  router.get('/static/:file', (ctx, next) => (serveAsset(ctx, ctx.params.file ?? '') ? undefined : next()));
  router.get('/favicon.ico', serveFavicon);
  for (const r of [
    infoRoutes(deps, app.rateLimitPerMinute),
    homeRoutes(deps),
    chatRoutes(deps),
    formRoutes(deps),
    resultsRoutes(deps),
    referralRoutes(deps),
    statusRoutes(deps),
  ]) {
    router.use(r.routes());
  }
  return router;
}
