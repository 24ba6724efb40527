/** Everything under /staff: the session check first, then the pages. */
import Router from '@koa/router';
import { authRoutes } from './routes/auth-routes.ts';
import { countyRoutes } from './routes/county-routes.ts';
import { referralRoutes } from './routes/referral-routes.ts';
import { staffAuth } from './staff-auth.ts';
import type { StaffDeps } from './staff-deps.ts';

/** @param loginsPerMinute password attempts per client address (on top of the per-account lock-out) */
export function staffRoutes(deps: StaffDeps, loginsPerMinute: number): Router {
  const router = new Router();
  router.use(staffAuth(deps));
  for (const r of [authRoutes(deps, loginsPerMinute), referralRoutes(deps), countyRoutes(deps)])
    router.use(r.routes());
  return router;
}
