/** Renders a staff page (templates/staff/) in the staff member's language, Chinese by default. */
import type { Context } from 'koa';
import { isLanguage, type Language } from '../../locales/i18n.ts';
import { renderTemplate } from '../web/page.ts';
import type { StaffState } from './staff-auth.ts';
import type { StaffDeps } from './staff-deps.ts';

/**
 * Signed in: the staff member's own choice. Before that (the login page) the language asked for
 * with ?lang=, as on the resident pages, so a Uyghur or Kazakh caseworker can read how to sign in.
 */
export function staffLanguage(ctx: Context): Language {
  const user = (ctx.state.staff as StaffState | undefined)?.user;
  if (user) return user.lang;
  const asked = ctx.query.lang;
  return isLanguage(asked) ? asked : 'zh';
}

export function renderStaff(
  ctx: Context,
  deps: StaffDeps,
  template: string,
  data: Record<string, unknown> = {},
  status = 200,
): void {
  const lang = staffLanguage(ctx);
  const state = ctx.state.staff as StaffState | undefined;
  const user = state?.user;
  const township = user?.township
    ? deps.townships(user.county).find((t) => t.id === user.township)
    : undefined;
  renderTemplate(
    ctx,
    `staff/${template}.njk`,
    lang,
    {
      me: user && state?.session.stage === 'full' && !user.mustChangePassword ? user : undefined,
      place: township ? township.name[lang] : user ? `jurisdictions.${user.county}` : '',
      isAdmin: user?.role === 'county_admin',
      // No session at all: the language switch of the resident pages (?lang=) takes the staff menu's place.
      signedOut: !user,
      ...data,
    },
    status,
  );
}
