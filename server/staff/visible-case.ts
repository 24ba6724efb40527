/**
 * The one way a staff route opens a case by its reference: the referral if this user may see
 * it; otherwise the 404 page (and, when the case exists, the attempt is audited as denied).
 */
import type { Context } from 'koa';
import type { ReferralRecord } from '../../bot/referral/referral-record.ts';
import { canSee } from './access.ts';
import type { StaffState } from './staff-auth.ts';
import type { StaffDeps } from './staff-deps.ts';
import { renderStaff } from './staff-page.ts';

/** A case reference as the store makes them (two letters, a dash, eight digits or letters). */
export const referencePattern = /^[A-Z]{2}-[0-9A-Z]{8}$/;

export function visibleCase(deps: StaffDeps, ctx: Context): ReferralRecord | undefined {
  const user = (ctx.state.staff as StaffState).user;
  const ref = String(ctx.params.ref ?? '');
  const r = referencePattern.test(ref) ? deps.referrals.get(ref) : undefined;
  if (r && canSee(user, r)) return r;
  if (r) deps.staff.audit.append(user.id, 'denied', ref);
  renderStaff(ctx, deps, 'not-found', {}, 404);
  return undefined;
}
