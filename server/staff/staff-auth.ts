/**
 * Every /staff page passes here: the session cookie (httpOnly, SameSite=Strict, path /staff)
 * must name a live server-side session. A half-finished login can only reach the steps it
 * still owes: the second factor (or its set-up for a county admin), then a new password.
 */
import type { Context, Next } from 'koa';
import { liveSession } from './accounts.ts';
import type { StaffSession, StaffUser } from './staff-records.ts';
import type { StaffDeps } from './staff-deps.ts';

export const staffCookie = 'staff';
export const cookieOptions = { httpOnly: true, sameSite: 'strict', path: '/staff', overwrite: true } as const;

export interface StaffState {
  user: StaffUser;
  session: StaffSession;
}

const open = new Set(['/staff/login']);

export function staffAuth(deps: StaffDeps) {
  return async (ctx: Context, next: Next) => {
    if (!ctx.path.startsWith('/staff')) return next();
    ctx.set('Cache-Control', 'no-store');
    if (open.has(ctx.path)) return next();
    const live = liveSession(deps.staff, ctx.cookies.get(staffCookie, { signed: true }), deps.now());
    if (!live) {
      ctx.cookies.set(staffCookie, null, cookieOptions);
      return ctx.redirect('/staff/login?expired=1');
    }
    ctx.state.staff = live satisfies StaffState;
    const { user, session } = live;
    const allowed = (paths: string[]) => paths.includes(ctx.path) || ctx.path === '/staff/logout';
    if (session.stage === 'password') {
      const step = user.totpSecret ? '/staff/totp' : '/staff/totp/setup';
      if (!allowed([step])) return ctx.redirect(step);
    } else if (user.mustChangePassword && !allowed(['/staff/password'])) {
      return ctx.redirect('/staff/password');
    }
    return next();
  };
}
