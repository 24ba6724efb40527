/**
 * The dashboard, and what only a county admin does: accounts and the audit log. (The 台账
 * export is in ledger-routes.ts.)
 */
import Router from '@koa/router';
import QRCode from 'qrcode';
import type { Context, Next } from 'koa';
import { translator } from '../../../locales/i18n.ts';
import { formatAmount } from '../../../rules/explain/result-view.ts';
import { formValues } from '../../web/household-form.ts';
import { placeKey, validWebhookUrl } from '../../notices/staff-notices.ts';
import { isCountyAdmin } from '../access.ts';
import { createUser, endSessions, loginThrottle, resetPassword, usernamePattern } from '../accounts.ts';
import { dashboardTally, disagreementCases } from '../dashboard.ts';
import { auditPageRoute } from './audit-page-route.ts';
import { weekTally, weekView } from '../dashboard-week.ts';
import { streamSelected } from '../inbox-query.ts';
import { posterSection } from '../poster-code.ts';
import { townshipName } from '../referral-view.ts';
import type { StaffState } from '../staff-auth.ts';
import type { StaffDeps } from '../staff-deps.ts';
import { countyStaff } from '../staff-directory.ts';
import { renderStaff, staffLanguage } from '../staff-page.ts';

export function countyRoutes(deps: StaffDeps): Router {
  const router = new Router({ prefix: '/staff', sensitive: true });
  const audit = deps.staff.audit;
  const me = (ctx: Context) => (ctx.state.staff as StaffState).user;
  const adminOnly = async (ctx: Context, next: Next) => {
    if (isCountyAdmin(me(ctx))) return next();
    await audit.append(me(ctx), 'denied', ctx.path);
    renderStaff(ctx, deps, 'error', { message: 'staff.errors.forbidden' }, 403);
  };

  router.get('/dashboard', async (ctx) => {
    const user = me(ctx);
    const lang = staffLanguage(ctx);
    const t = translator(lang);
    const staff = await countyStaff(deps, user.county);
    // Tallied as the store's pages arrive: the county is counted, never held.
    const figures = dashboardTally(deps.now());
    const week = weekTally(deps.now(), deps.deadlines);
    for await (const r of streamSelected(deps.referrals, user, {})) {
      figures.add(r);
      week.add(r);
    }
    const d = figures.result();
    const bars = (list: { id: string; value: number }[], name: (id: string) => string) => {
      const max = Math.max(1, ...list.map((b) => b.value));
      return list.map((b) => ({ ...b, label: name(b.id), pct: Math.round((b.value / max) * 100) }));
    };
    const township = (id: string) =>
      townshipName(deps, user.county, id, lang) || t('staff.inbox.no_township');
    const rate = (a: { cases: number; agreed: number }) => `${Math.round((a.agreed / a.cases) * 100)}%`;
    renderStaff(ctx, deps, 'dashboard', {
      ...weekView(deps, staff, user, week, lang),
      byProgram: bars(d.byProgram, (id) => t(`programs.${id}`)),
      byTownship: bars(d.byTownship, township),
      byStatus: bars(d.byStatus, (id) => t(`staff.statuses.${id}`)),
      overTime: bars(d.overTime, (id) => id),
      estimate: formatAmount(d.likelyMonthlyTotal, lang),
      byRule: d.agreementByRule.map((a) => ({ ...a, label: t(`programs.${a.id}`), rate: rate(a) })),
      byTownshipAgreement: d.agreementByTownship.map((a) => ({ ...a, label: township(a.id), rate: rate(a) })),
    });
  });

  router.get('/disagreements.yaml', async (ctx) => {
    const user = me(ctx);
    const yaml = await disagreementCases(streamSelected(deps.referrals, user, {}));
    await audit.append(user, 'export_disagreements', 'yaml');
    ctx.type = 'text/yaml; charset=utf-8';
    ctx.set('Content-Disposition', 'attachment; filename="disagreements.yaml"');
    ctx.body = yaml;
  });

  const usersPage = async (ctx: Context, extra: Record<string, unknown> = {}, status = 200) => {
    const user = me(ctx);
    const lang = staffLanguage(ctx);
    const now = deps.now();
    const throttle = loginThrottle(deps.staff);
    const users = await Promise.all(
      [...(await countyStaff(deps, user.county)).values()]
        .filter((u) => u.county === user.county)
        .map(async (u) => ({
          id: u.id,
          username: u.username,
          displayName: u.displayName,
          role: u.role,
          township: townshipName(deps, u.county, u.township, lang),
          townshipId: u.township ?? '',
          disabled: u.disabled,
          locked: await throttle.throttled(u.username, now.getTime()),
          self: u.id === user.id,
        })),
    );
    const townships = deps.townships(user.county).map((tw) => ({ id: tw.id, name: tw.name[lang] }));
    renderStaff(ctx, deps, 'users', { users, townships, ...extra }, status);
  };

  router.get('/users', adminOnly, (ctx) => usersPage(ctx));
  router.post('/users/:action', adminOnly, async (ctx) => {
    const admin = me(ctx);
    const v = formValues(ctx.request.body);
    const text = (k: string) => (typeof v[k] === 'string' ? (v[k] as string).trim() : '');
    if (!ctx.state.csrfOk) return usersPage(ctx, { error: 'staff.errors.expired' }, 403);
    if (ctx.params.action === 'add') {
      const role = text('role') === 'county_admin' ? 'county_admin' : 'caseworker';
      const township = deps.townships(admin.county).find((tw) => tw.id === text('township'))?.id;
      const username = text('username').toLowerCase();
      if (!usernamePattern.test(username) || (role === 'caseworker' && !township))
        return usersPage(ctx, { error: 'staff.users.invalid' }, 400);
      try {
        const { user, password } = await createUser(
          deps.staff,
          {
            username,
            displayName: text('display_name').slice(0, 40) || username,
            role,
            county: admin.county,
            ...(township ? { township } : {}),
          },
          deps.now(),
        );
        await audit.append(admin, 'user_add', user.id, `${user.username} ${role}`);
        return usersPage(ctx, { created: { username: user.username, password } });
      } catch {
        return usersPage(ctx, { error: 'staff.users.invalid' }, 400);
      }
    }
    const target = await deps.staff.users.get(text('id'));
    if (!target || target.county !== admin.county || target.id === admin.id)
      return usersPage(ctx, { error: 'staff.errors.forbidden' }, 403);
    if (ctx.params.action === 'reset') {
      const password = await resetPassword(deps.staff, target);
      await audit.append(admin, 'user_reset_password', target.id, target.username);
      return usersPage(ctx, { reset: { username: target.username, password } });
    }
    if (ctx.params.action === 'township') {
      // Only a caseworker has a township, and only one of the admin's own county.
      const township = deps.townships(admin.county).find((tw) => tw.id === text('township'))?.id;
      if (target.role !== 'caseworker' || !township)
        return usersPage(ctx, { error: 'staff.users.invalid' }, 400);
      if (township !== target.township) {
        // The session reads the account afresh on every request: open pages see the new township next.
        // An update: onto the account as it is now (a password changed meanwhile stays changed).
        await deps.staff.users.update(target.id, (u) => (u ? { ...u, township } : undefined), {
          durable: true,
        });
        await audit.append(
          admin,
          'user_township',
          target.id,
          `${target.username} ${target.township ?? '-'} → ${township}`,
        );
      }
      return ctx.redirect('/staff/users');
    }
    // Disabling ends the person's work at once: asked first, in a page of its own (no script needed).
    if (ctx.params.action === 'disable' && text('confirm') !== 'yes')
      return usersPage(ctx, { confirmDisable: { id: target.id, username: target.username } });
    if (ctx.params.action === 'disable' || ctx.params.action === 'enable') {
      const disabled = ctx.params.action === 'disable';
      await deps.staff.users.update(target.id, (u) => (u ? { ...u, disabled } : undefined), {
        durable: true,
      });
      if (disabled) await endSessions(deps.staff, target.id);
      await audit.append(admin, `user_${ctx.params.action}`, target.id, target.username);
      return ctx.redirect('/staff/users');
    }
    return usersPage(ctx, { error: 'staff.errors.forbidden' }, 400);
  });

  const noticesPage = async (ctx: Context, extra: Record<string, unknown> = {}, status = 200) => {
    const user = me(ctx);
    const lang = staffLanguage(ctx);
    const places = [
      { id: '', name: translator(lang)('staff.inbox.no_township') },
      ...deps.townships(user.county).map((tw) => ({ id: tw.id, name: tw.name[lang] })),
    ];
    const rows = await Promise.all(
      places.map(async (p) => {
        const s = await deps.notices.settings.get(placeKey(user.county, p.id));
        return {
          ...p,
          webhookUrl: s?.webhookUrl ?? '',
          wechat: s?.wechat ?? '',
          hasSecret: Boolean(s?.secret),
        };
      }),
    );
    const pending = (await deps.notices.pending()).filter((n) => n.payload.county === user.county).length;
    renderStaff(ctx, deps, 'notices', { rows, pending, ...extra }, status);
  };
  router.get('/notices', adminOnly, (ctx) => noticesPage(ctx));
  router.post('/notices', adminOnly, async (ctx) => {
    const user = me(ctx);
    const v = formValues(ctx.request.body);
    const text = (k: string) => (typeof v[k] === 'string' ? (v[k] as string).trim() : '');
    if (!ctx.state.csrfOk) return noticesPage(ctx, { error: 'staff.errors.expired' }, 403);
    const township = text('township');
    if (township && !deps.townships(user.county).some((tw) => tw.id === township))
      return noticesPage(ctx, { error: 'staff.errors.forbidden' }, 400);
    const webhookUrl = text('webhook');
    if (webhookUrl && !validWebhookUrl(webhookUrl))
      return noticesPage(ctx, { error: 'staff.notices.invalid' }, 400);
    const saved = await deps.notices.configure(user.county, township, {
      ...(webhookUrl ? { webhookUrl } : {}),
      ...(text('secret') ? { secret: text('secret').slice(0, 100) } : {}),
      ...(text('wechat') ? { wechat: text('wechat').slice(0, 60) } : {}),
    });
    await audit.append(
      user,
      'notice_settings',
      placeKey(user.county, township),
      webhookUrl ? 'webhook' : undefined,
    );
    // The secret is shown once, right after saving, so the receiving system can be set up.
    await noticesPage(ctx, { notice: 'staff.notices.saved', secretShown: saved.secret, savedFor: township });
  });

  router.get('/wechat', adminOnly, async (ctx) => {
    const state = deps.wechatState();
    // The login QR code, drawn here so the county admin can scan it from the office.
    const qr =
      state?.status === 'scan' && state.qr
        ? await QRCode.toString(state.qr, { type: 'svg', margin: 1 })
        : undefined;
    renderStaff(ctx, deps, 'wechat', {
      state,
      qr,
      poster: posterSection(deps, me(ctx).county, staffLanguage(ctx)),
    });
  });

  router.get('/audit', adminOnly, (ctx) => auditPageRoute(ctx, deps, me(ctx)));
  return router;
}
