/**
 * Everything under /staff. The session check is not here but in front of every router
 * (staff-auth.ts, used by app.ts), so no spelling of a path can reach a page around it. The
 * routers match case-sensitively: /STAFF/... is not a staff page.
 */
import Router from '@koa/router';
import { authRoutes } from './routes/auth-routes.ts';
import { countyRoutes } from './routes/county-routes.ts';
import { duplicateRoutes } from './routes/duplicate-routes.ts';
import { localValueRoutes } from './routes/local-value-routes.ts';
import { ledgerRoutes } from './routes/ledger-routes.ts';
import { posterCodeRoutes } from './routes/poster-code-routes.ts';
import { referralRoutes } from './routes/referral-routes.ts';
import { rosterRoutes } from './roster/roster-routes.ts';
import { visitRoutes } from './routes/visit-routes.ts';
import type { StaffDeps } from './staff-deps.ts';

/** @param loginsPerMinute password attempts per client address (on top of the per-account lock-out) */
export function staffRoutes(deps: StaffDeps, loginsPerMinute: number): Router {
  const router = new Router({ sensitive: true });
  // visitRoutes before referralRoutes: its /referrals/:ref/visit is more specific than :action.
  for (const r of [
    authRoutes(deps, loginsPerMinute),
    visitRoutes(deps),
    referralRoutes(deps),
    countyRoutes(deps),
    rosterRoutes(deps),
    ledgerRoutes(deps),
  ])
    router.use(r.routes());
  router.use(duplicateRoutes(deps).routes());
  router.use(localValueRoutes(deps).routes());
  router.use(posterCodeRoutes(deps).routes());
  return router;
}
