/** Logging in and out, the second factor, the password, the staff member's language. */
import Router from '@koa/router';
import type { Context } from 'koa';
import ratelimit from 'koa-ratelimit';
import { limiterMemory } from '../../limits/address-windows.ts';
import QRCode from 'qrcode';
import { isLanguage } from '../../../locales/i18n.ts';
import {
  changePassword,
  enrolTotp,
  findByUsername,
  liveSession,
  login,
  logout,
  secondFactor,
  startSession,
} from '../accounts.ts';
import { formValues } from '../../web/household-form.ts';
import { minPasswordLength } from '../passwords.ts';
import { cookieOptions, type StaffState, staffCookie } from '../staff-auth.ts';
import type { StaffSession } from '../staff-records.ts';
import type { StaffDeps } from '../staff-deps.ts';
import { renderStaff } from '../staff-page.ts';
import { newTotpSecret, totpUri } from '../totp.ts';

const field = (ctx: Context, name: string) => {
  const v = formValues(ctx.request.body)[name];
  return typeof v === 'string' ? v : '';
};

export function authRoutes(deps: StaffDeps, loginsPerMinute: number): Router {
  const router = new Router({ prefix: '/staff', sensitive: true });
  const audit = deps.staff.audit;
  // Throttled per client address: the socket's, or a trusted proxy's X-Forwarded-For (never a spoofed one).
  const throttle = ratelimit({
    driver: 'memory',
    db: limiterMemory(),
    duration: 60_000,
    max: loginsPerMinute,
    id: (ctx) => ctx.ip,
    throw: true,
  });

  router.get('/login', async (ctx) => {
    const live = await liveSession(deps.staff, ctx.cookies.get(staffCookie, { signed: true }), deps.now());
    if (live?.session.stage === 'full') return ctx.redirect('/staff');
    const notice = ctx.query.expired
      ? 'staff.login.expired'
      : ctx.query.changed
        ? 'staff.password.changed'
        : ctx.query.bye
          ? 'staff.login.logged_out'
          : undefined;
    renderStaff(ctx, deps, 'login', { notice });
  });

  router.post('/login', throttle, async (ctx) => {
    const username = field(ctx, 'username').slice(0, 40);
    if (!ctx.state.csrfOk)
      return renderStaff(ctx, deps, 'login', { username, error: 'staff.errors.expired' }, 403);
    const password = field(ctx, 'password').slice(0, 200);
    const result = await login(deps.staff, username, password, deps.now(), ctx.ip);
    if (!result.ok) {
      // Shown to the admins of the account's county; a name that is no account is no county's.
      const county = (await findByUsername(deps.staff, username.trim().toLowerCase()))?.county ?? '';
      await audit.appendSystem(county, 'login_failed', username.toLowerCase().slice(0, 32), result.reason);
      if (result.reason === 'invalid')
        return renderStaff(ctx, deps, 'login', { username, error: 'staff.login.invalid' }, 401);
      // Only this name from this address waits; the answer is the same whether the name exists.
      const seconds = Math.ceil(result.retryAfterMs / 1000);
      ctx.set('Retry-After', String(seconds));
      const wait =
        seconds < 60
          ? { error: 'staff.login.wait_seconds', errorArgs: { n: seconds } }
          : { error: 'staff.login.wait_minutes', errorArgs: { n: Math.ceil(seconds / 60) } };
      return renderStaff(ctx, deps, 'login', { username, ...wait }, 429);
    }
    await audit.append(result.user, 'login', result.user.username);
    ctx.cookies.set(staffCookie, result.session.id, { ...cookieOptions, signed: true });
    ctx.redirect('/staff');
  });

  // A foreign page must not sign a caseworker out (and so into a login page of its choosing).
  router.post('/logout', async (ctx) => {
    const state = ctx.state.staff as StaffState;
    if (!ctx.state.csrfOk) return renderStaff(ctx, deps, 'error', { message: 'staff.errors.expired' }, 403);
    await logout(deps.staff, state.session.id);
    await audit.append(state.user, 'logout', state.user.username);
    ctx.cookies.set(staffCookie, null, cookieOptions);
    ctx.redirect('/staff/login?bye=1');
  });

  /**
   * The second factor raises what the session may do, so it gets a new id (ASVS 3.2.1): an id
   * seen or planted before the code was given opens nothing afterwards.
   */
  const renewSession = async (ctx: Context, old: StaffSession) => {
    const session = await startSession(deps.staff, old.userId, 'full', deps.now());
    await logout(deps.staff, old.id);
    ctx.cookies.set(staffCookie, session.id, { ...cookieOptions, signed: true });
  };

  router.get('/totp', (ctx) => renderStaff(ctx, deps, 'totp', {}));
  router.post('/totp', async (ctx) => {
    const state = ctx.state.staff as StaffState;
    const ok =
      ctx.state.csrfOk &&
      (await secondFactor(deps.staff, state.session, field(ctx, 'code'), deps.now(), ctx.ip));
    if (!ok) return renderStaff(ctx, deps, 'totp', { error: 'staff.totp.invalid' }, 401);
    await audit.append(state.user, 'second_factor', state.user.username);
    await renewSession(ctx, state.session);
    ctx.redirect('/staff');
  });

  const setupPage = async (ctx: Context, secret: string, error?: string) => {
    const state = ctx.state.staff as StaffState;
    const qr = await QRCode.toString(totpUri(secret, state.user.username), { type: 'svg', margin: 1 });
    renderStaff(ctx, deps, 'totp-setup', { secret, qr, error }, error ? 401 : 200);
  };
  router.get('/totp/setup', (ctx) => setupPage(ctx, newTotpSecret()));
  router.post('/totp/setup', async (ctx) => {
    const state = ctx.state.staff as StaffState;
    const secret = field(ctx, 'secret');
    if (!/^[A-Z2-7]{32}$/.test(secret)) return setupPage(ctx, newTotpSecret(), 'staff.totp.invalid');
    const ok =
      ctx.state.csrfOk &&
      (await enrolTotp(deps.staff, state.session, secret, field(ctx, 'code'), deps.now(), ctx.ip));
    if (!ok) return setupPage(ctx, secret, 'staff.totp.invalid');
    await audit.append(state.user, 'second_factor_enrolled', state.user.username);
    await renewSession(ctx, state.session);
    ctx.redirect('/staff');
  });

  router.get('/password', (ctx) => {
    const state = ctx.state.staff as StaffState;
    renderStaff(ctx, deps, 'password', { min: minPasswordLength, must: state.user.mustChangePassword });
  });
  router.post('/password', async (ctx) => {
    const state = ctx.state.staff as StaffState;
    const data = { min: minPasswordLength, must: state.user.mustChangePassword };
    if (!ctx.state.csrfOk)
      return renderStaff(ctx, deps, 'password', { ...data, error: 'staff.errors.expired' }, 403);
    const next = field(ctx, 'new');
    if (next !== field(ctx, 'repeat'))
      return renderStaff(ctx, deps, 'password', { ...data, error: 'staff.password.mismatch' }, 400);
    const result = await changePassword(deps.staff, state.user, field(ctx, 'current'), next);
    if (result !== 'changed')
      return renderStaff(ctx, deps, 'password', { ...data, error: `staff.password.${result}` }, 400);
    await audit.append(state.user, 'password_changed', state.user.username);
    // Changing the password ended every session (other devices too); this one goes on under a new id.
    const session = await startSession(deps.staff, state.user.id, 'full', deps.now());
    ctx.cookies.set(staffCookie, session.id, { ...cookieOptions, signed: true });
    ctx.redirect('/staff?changed=1');
  });

  router.post('/lang', async (ctx) => {
    const state = ctx.state.staff as StaffState;
    const lang = field(ctx, 'lang');
    // Onto the account as it is now: the copy this request read may be older than a change made since.
    if (ctx.state.csrfOk && isLanguage(lang))
      await deps.staff.users.update(state.user.id, (u) => (u ? { ...u, lang } : undefined));
    const back = field(ctx, 'back');
    ctx.redirect(back.startsWith('/staff') && !back.startsWith('//') ? back : '/staff');
  });
  return router;
}
