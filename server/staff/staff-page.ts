/** Renders a staff page (templates/staff/) in the staff member's language, Chinese by default. */
import type { Context } from 'koa';
import type { Language } from '../../locales/i18n.ts';
import { renderTemplate } from '../web/page.ts';
import type { StaffState } from './staff-auth.ts';
import type { StaffDeps } from './staff-deps.ts';

export function staffLanguage(ctx: Context): Language {
  return (ctx.state.staff as StaffState | undefined)?.user.lang ?? 'zh';
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
      ...data,
    },
    status,
  );
}
