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

export async function visibleCase(deps: StaffDeps, ctx: Context): Promise<ReferralRecord | undefined> {
  const ref = String(ctx.params.ref ?? '');
  const r = referencePattern.test(ref) ? await deps.referrals.get(ref) : undefined;
  // The user is read only once a real case is found: a path that is no reference at all (an
  // encoded "../", say) may reach here before any sign-in and must still be a plain 404.
  const user = r ? (ctx.state.staff as StaffState | undefined)?.user : undefined;
  if (r && user && canSee(user, r)) return r;
  if (r && user) await deps.staff.audit.append(user, 'denied', ref);
  renderStaff(ctx, deps, 'not-found', {}, 404);
  return undefined;
}
