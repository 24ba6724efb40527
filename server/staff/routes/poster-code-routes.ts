/**
 * The county admin's download of the mini-program code for a poster (issue 17): the county's
 * own, or one of its townships' (?township=<id>), as the image WeChat draws. Only a county
 * admin, only their own county's places; every download is audited. WeChat's access token and
 * errmsg never reach a page, a log line or the audit log: only WeChat's error code is shown.
 */
import Router from '@koa/router';
import type { Context, Next } from 'koa';
import { z } from 'zod';
import { translator } from '../../../locales/i18n.ts';
import { WechatApiError } from '../../wechat-api/wechat-call.ts';
import { isCountyAdmin } from '../access.ts';
import { contentDisposition } from '../ledger-file-name.ts';
import { posterFileNames, posterScene } from '../poster-code.ts';
import type { StaffState } from '../staff-auth.ts';
import type { StaffDeps } from '../staff-deps.ts';
import { renderStaff, staffLanguage } from '../staff-page.ts';

const posterQuery = z.object({
  township: z
    .string()
    .regex(/^[a-z][a-z0-9_-]{0,63}$/)
    .optional(),
});

export function posterCodeRoutes(deps: StaffDeps): Router {
  const router = new Router({ prefix: '/staff', sensitive: true });
  const audit = deps.staff.audit;
  const me = (ctx: Context) => (ctx.state.staff as StaffState).user;
  const adminOnly = async (ctx: Context, next: Next) => {
    if (isCountyAdmin(me(ctx))) return next();
    await audit.append(me(ctx), 'denied', ctx.path);
    renderStaff(ctx, deps, 'error', { message: 'staff.errors.forbidden' }, 403);
  };

  router.get('/miniprogram-code', adminOnly, async (ctx) => {
    const user = me(ctx);
    const query = posterQuery.safeParse({ township: ctx.query.township });
    // Only the admin's own county: a township id of any other county is not one of these.
    const township = query.success
      ? deps.townships(user.county).find((t) => t.id === query.data.township)
      : undefined;
    if (!query.success || (query.data.township !== undefined && !township)) {
      await audit.append(user, 'denied', ctx.path, 'township not in the county');
      return renderStaff(ctx, deps, 'error', { message: 'poster.unknown_township' }, 404);
    }
    if (!deps.posterCode) return renderStaff(ctx, deps, 'error', { message: 'poster.not_configured' }, 503);
    const scene = posterScene(user.county, township?.id);
    if (!scene) return renderStaff(ctx, deps, 'error', { message: 'poster.too_long' }, 400);
    let code: Awaited<ReturnType<NonNullable<StaffDeps['posterCode']>>>;
    try {
      code = await deps.posterCode(scene);
    } catch (e) {
      if (e instanceof WechatApiError)
        return renderStaff(
          ctx,
          deps,
          'error',
          { text: translator(staffLanguage(ctx))('poster.wechat_error', { code: e.errcode }) },
          502,
        );
      return renderStaff(ctx, deps, 'error', { message: 'api.errors.wechat_unavailable' }, 502);
    }
    // Audited before a byte is sent, as the 台账 is: who took which place's code.
    await audit.append(user, 'poster_code', scene);
    const names = posterFileNames(
      user.county,
      township ? { id: township.id, name: township.name.zh } : undefined,
      code.type,
    );
    ctx.set('Content-Disposition', contentDisposition(names));
    ctx.set('Cache-Control', 'no-store');
    ctx.type = code.type === 'png' ? 'image/png' : 'image/jpeg';
    ctx.body = code.bytes;
  });
  return router;
}
