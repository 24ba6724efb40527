/**
 * Home visits and bulk assignment: set or move a case's visit (optionally moving it to 已约入户
 * in the same post), a caseworker's visits by day ("我的入户"), and assigning ticked inbox rows
 * to one caseworker in one post. Same rules as every staff change: canSee on each case, CSRF,
 * one audit entry per case changed. Registered before referralRoutes, whose /referrals/:ref/:action
 * would otherwise take /visit.
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { nextStatuses, type ReferralRecord } from '../../../bot/referral/referral-record.ts';
import { translator } from '../../../locales/i18n.ts';
import { canSee, isCountyAdmin } from '../access.ts';
import { pageSize } from '../inbox-query.ts';
import { chinaDateTime, listRow } from '../referral-view.ts';
import type { StaffState } from '../staff-auth.ts';
import { streamSeenBy } from '../seen-referrals.ts';
import type { StaffDeps } from '../staff-deps.ts';
import { activeCaseworkers, countyStaff } from '../staff-directory.ts';
import { referencePattern, visibleCase } from '../visible-case.ts';
import { renderStaff, staffLanguage } from '../staff-page.ts';
import { readVisitForm, type VisitForm, visitDays, visitFormValues } from '../visits.ts';
import { applyChange } from '../workflow.ts';

/** Ticked rows and the caseworker chosen (a single tick arrives as a string, several as a list). */
const bulkAssignSchema = z.object({
  ref: z.union([
    z
      .string()
      .regex(referencePattern)
      .transform((r) => [r]),
    z.array(z.string().regex(referencePattern)).min(1).max(pageSize),
  ]),
  to: z.string().min(1).max(100),
});

export function visitRoutes(deps: StaffDeps): Router {
  const router = new Router({ prefix: '/staff', sensitive: true });
  const audit = deps.staff.audit;
  const me = (ctx: Context) => (ctx.state.staff as StaffState).user;

  const visible = (ctx: Context) => visibleCase(deps, ctx);

  const visitPage = async (
    ctx: Context,
    r: ReferralRecord,
    values: VisitForm,
    error?: string,
    status = 200,
  ) => {
    const lang = staffLanguage(ctx);
    const staff = await countyStaff(deps, r.jurisdiction);
    renderStaff(
      ctx,
      deps,
      'visit',
      {
        r,
        row: listRow(deps, staff, r, lang),
        values,
        current: r.visitAt ? chinaDateTime(r.visitAt) : undefined,
        // Moving to 已约入户 is offered only where the workflow allows it.
        canSchedule: nextStatuses[r.status].includes('visit_scheduled'),
        error,
      },
      status,
    );
  };

  router.get('/referrals/:ref/visit', async (ctx) => {
    const r = await visible(ctx);
    if (r) await visitPage(ctx, r, visitFormValues(r));
  });

  router.post('/referrals/:ref/visit', async (ctx) => {
    const r = await visible(ctx);
    if (!r) return;
    if (!ctx.state.csrfOk) return renderStaff(ctx, deps, 'error', { message: 'staff.errors.expired' }, 403);
    const user = me(ctx);
    const body = (ctx.request.body ?? {}) as Record<string, unknown>;
    const read = readVisitForm(body, deps.now());
    if (!read.ok) return visitPage(ctx, r, read.values, `staff.visit.errors.${read.error}`, 400);
    const set = await applyChange(
      deps.referrals,
      r.reference,
      user,
      { kind: 'visit', at: read.at },
      deps.now(),
    );
    if (!set.ok) return renderStaff(ctx, deps, 'error', { message: 'staff.errors.forbidden' }, 409);
    await audit.append(user, 'visit', r.reference, read.at);
    let notified = false;
    if (read.schedule && nextStatuses[set.record.status].includes('visit_scheduled')) {
      const moved = await applyChange(
        deps.referrals,
        r.reference,
        user,
        { kind: 'status', to: 'visit_scheduled' },
        deps.now(),
      );
      if (moved.ok) {
        await audit.append(user, 'status', r.reference, `${set.record.status} -> visit_scheduled`);
        deps.onStatusChange(moved.record);
        notified = true;
      }
    }
    // 303: the browser follows a form post with a GET (post, redirect, get).
    ctx.status = 303;
    ctx.redirect(`/staff/referrals/${r.reference}?saved=${notified ? 'notified' : 'saved'}`);
  });

  router.get('/visits', async (ctx) => {
    const user = me(ctx);
    const lang = staffLanguage(ctx);
    const t = translator(lang);
    const admin = isCountyAdmin(user);
    const staff = await countyStaff(deps, user.county);
    // Caseworkers a user may pick: a county admin any in the county; a caseworker only themself.
    const pickable = admin ? activeCaseworkers(staff).filter((u) => u.county === user.county) : [];
    const asked = typeof ctx.query.who === 'string' ? ctx.query.who : '';
    const who = admin ? (pickable.find((u) => u.id === asked) ?? pickable[0]) : user;
    // Only the chosen caseworker's visits are kept from the stream of what the user sees.
    const theirs: ReferralRecord[] = [];
    if (who)
      for await (const r of streamSeenBy(deps.referrals, user))
        if (r.assignee === who.id && r.visitAt !== undefined) theirs.push(r);
    const days = who ? visitDays(theirs, who.id, deps.now()) : [];
    renderStaff(ctx, deps, 'visits', {
      who: who ? { id: who.id, name: who.displayName } : undefined,
      pickable: pickable.map((u) => ({ id: u.id, name: u.displayName })),
      days: days.map((d) => ({
        day: d.day,
        label: d.today ? t('staff.visits.today', { day: d.day }) : d.day,
        today: d.today,
        visits: d.visits.map((r) => ({
          ...listRow(deps, staff, r, lang),
          time: chinaDateTime(r.visitAt!).slice(11),
        })),
      })),
    });
  });

  router.post('/bulk-assign', async (ctx) => {
    const user = me(ctx);
    if (!ctx.state.csrfOk) return renderStaff(ctx, deps, 'error', { message: 'staff.errors.expired' }, 403);
    const parsed = bulkAssignSchema.safeParse(ctx.request.body ?? {});
    if (!parsed.success) return renderStaff(ctx, deps, 'error', { message: 'staff.bulk.none' }, 400);
    const to = await deps.staff.users.get(parsed.data.to);
    const refs = [...new Set(parsed.data.ref)];
    const cases = await Promise.all(refs.map((ref) => deps.referrals.get(ref)));
    // All or nothing: every ticked case visible to this user and to the chosen caseworker.
    const refused = cases.some(
      (r) => !r || !canSee(user, r) || !to || to.role !== 'caseworker' || !canSee(to, r),
    );
    if (refused || !to) {
      await audit.append(user, 'denied', 'bulk-assign', `${refs.length} cases`);
      return renderStaff(ctx, deps, 'error', { message: 'staff.bulk.refused' }, 403);
    }
    let done = 0;
    for (const r of cases as ReferralRecord[]) {
      const result = await applyChange(
        deps.referrals,
        r.reference,
        user,
        { kind: 'assign', to: to.id },
        deps.now(),
      );
      if (!result.ok) continue;
      await audit.append(user, 'assign', r.reference, 'bulk');
      done++;
    }
    ctx.status = 303;
    ctx.redirect(`/staff?assigned=${done}`);
  });

  return router;
}
