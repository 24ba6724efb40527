/**
 * The referral page's duplicate actions: merge this case into another, mark a pair "not a
 * duplicate", or undo that. Posts with the CSRF token like every staff form; the pair must be
 * visible to the user on both sides (otherwise "not found", and the attempt audited); each change
 * is audited with the other reference as its detail.
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import { translator } from '../../../locales/i18n.ts';
import { formValues } from '../../web/household-form.ts';
import { canSee } from '../access.ts';
import { changeDuplicatePair, duplicateActions, duplicateFormSchema } from '../duplicates.ts';
import type { StaffState } from '../staff-auth.ts';
import type { StaffDeps } from '../staff-deps.ts';
import { renderStaff, staffLanguage } from '../staff-page.ts';

const referencePattern = /^[A-Z]{2}-[0-9A-Z]{8}$/;
/** Audit action names (staff.audit.actions.*). */
const auditAction = {
  merge: 'merge',
  'not-duplicate': 'not_duplicate',
  restore: 'duplicate_restored',
} as const;

export function duplicateRoutes(deps: StaffDeps): Router {
  const router = new Router({ prefix: '/staff', sensitive: true });
  const me = (ctx: Context) => (ctx.state.staff as StaffState).user;

  router.post('/referrals/:ref/duplicates/:action', async (ctx) => {
    const user = me(ctx);
    const ref = String(ctx.params.ref ?? '');
    const r = referencePattern.test(ref) ? await deps.referrals.get(ref) : undefined;
    if (!r || !canSee(user, r)) {
      if (r) await deps.staff.audit.append(user, 'denied', ref);
      return renderStaff(ctx, deps, 'not-found', {}, 404);
    }
    if (!ctx.state.csrfOk) return renderStaff(ctx, deps, 'error', { message: 'staff.errors.expired' }, 403);
    const action = duplicateActions.find((a) => a === ctx.params.action);
    const form = duplicateFormSchema.safeParse(formValues(ctx.request.body));
    if (!action || !form.success)
      return renderStaff(ctx, deps, 'error', { message: 'staff.errors.forbidden' }, 400);
    const other = await deps.referrals.get(form.data.other);
    if (other && !canSee(user, other)) await deps.staff.audit.append(user, 'denied', form.data.other);
    const result = await changeDuplicatePair(
      deps.referrals,
      action,
      r.reference,
      form.data.other,
      user,
      deps.now(),
    );
    if (!result.ok) {
      const t = translator(staffLanguage(ctx));
      return renderStaff(ctx, deps, 'error', { text: t(`staff.duplicates.error_${result.error}`) }, 409);
    }
    await deps.staff.audit.append(user, auditAction[action], r.reference, form.data.other);
    // After a merge the surviving case is where the work goes on.
    const to = action === 'merge' ? form.data.other : r.reference;
    ctx.status = 303;
    ctx.redirect(`/staff/referrals/${to}?saved=saved`);
  });
  return router;
}
