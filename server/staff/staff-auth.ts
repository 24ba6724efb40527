/**
 * The one gate in front of everything under /staff, run by the app before any router: the
 * session cookie (httpOnly, SameSite=Strict, path /staff) must name a live server-side session.
 * A half-finished login can only reach the steps it still owes: the second factor (or its
 * set-up for a county admin), then a new password.
 *
 * "Under /staff" is decided on the path as a router or a lenient proxy might read it: percent-
 * decoded, any case, slashes collapsed, dot segments resolved. So /STAFF, /%73taff, //staff and
 * /staff/./x meet the same gate as /staff (the routers match case-insensitively by default, and
 * a case-sensitive prefix check once let /STAFF/... through to the pages without a session).
 * Without a session every spelling gets the same redirect to the login page, whatever exists
 * behind it; with one, only the exact spelling reaches a page, any other is "not found".
 */
import type { Context, Next } from 'koa';
import { AppError } from '../errors.ts';
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

/** The path as the most lenient reader would take it (never used to serve, only to gate). */
export function canonicalPath(raw: string): string {
  let path = raw;
  try {
    path = decodeURIComponent(raw);
  } catch {
    // A stray "%": decode what can be decoded, byte by byte.
    path = raw.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  }
  const segments: string[] = [];
  for (const part of path.replace(/\\/g, '/').toLowerCase().split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') segments.pop();
    else segments.push(part);
  }
  return `/${segments.join('/')}`;
}

export const isStaffPath = (raw: string) => {
  const path = canonicalPath(raw);
  return path === '/staff' || path.startsWith('/staff/');
};

/** Spelled exactly as the staff routes are: nothing to decode, no case games, no empty segments. */
const exactSpelling = (raw: string) => /^\/staff(?:\/[^/%]+)*\/?$/.test(raw) && !/\/\.\.?(?:\/|$)/.test(raw);

export function staffAuth(deps: StaffDeps) {
  return async (ctx: Context, next: Next) => {
    if (!isStaffPath(ctx.path)) return next();
    ctx.set('Cache-Control', 'no-store');
    if (open.has(ctx.path)) return next();
    const live = await liveSession(deps.staff, ctx.cookies.get(staffCookie, { signed: true }), deps.now());
    if (!live) {
      // "Expired" only where a session was: a first visit (no cookie at all) is just asked to log in.
      const hadSession = ctx.cookies.get(staffCookie) !== undefined;
      ctx.cookies.set(staffCookie, null, cookieOptions);
      return ctx.redirect(hadSession ? '/staff/login?expired=1' : '/staff/login');
    }
    // The cookie's path is /staff: a browser sends it only to the exact spelling anyway.
    if (!exactSpelling(ctx.path)) throw new AppError(404, 'not_found');
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
