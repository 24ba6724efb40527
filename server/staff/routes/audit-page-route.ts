/**
 * GET /staff/audit for a county admin: the county's own entries, newest first, filtered by who,
 * what, which case and China dates, a page at a time, in the admin's language. A filter that
 * does not pass its check is answered 400 with the page still there (unfiltered) and a
 * translated message. The page's own audit entry names only the page, never what was searched.
 */
import type { Context } from 'koa';
import { translator } from '../../../locales/i18n.ts';
import type { AuditEntry } from '../audit-log.ts';
import { auditMatcher, auditPage, auditQueryString, readAuditQuery, systemActor } from '../audit-query.ts';
import { accountName, auditRow, type AuditViewContext } from '../audit-view.ts';
import { townshipName } from '../referral-view.ts';
import type { StaffUser } from '../staff-records.ts';
import type { StaffDeps } from '../staff-deps.ts';
import { countyStaff } from '../staff-directory.ts';
import { renderStaff, staffLanguage } from '../staff-page.ts';

export async function auditPageRoute(ctx: Context, deps: StaffDeps, admin: StaffUser): Promise<void> {
  const audit = deps.staff.audit;
  // The county's accounts: the only ones this page names (an entry is the county's or not shown).
  const users = await countyStaff(deps, admin.county);
  const lang = staffLanguage(ctx);
  const t = translator(lang);
  await audit.append(admin, 'view_audit', 'audit');
  const read = readAuditQuery(ctx.query);
  const q = read.query;

  // Only the county's own entries. An entry from before counties were recorded belongs to
  // the county of the staff member who acted, or of the account a system entry names.
  const countyOf = (e: AuditEntry) =>
    e.county ?? users.get(e.by)?.county ?? (e.by === 'system' ? users.get(e.target)?.county : undefined);
  // Read by the county (an index in PostgreSQL); the entries without one are sorted out here.
  const own = await audit.list((e) => countyOf(e) === admin.county, Number.POSITIVE_INFINITY, admin.county);
  const accounts = [...users.values()].filter((u) => u.county === admin.county);
  const idsOf = (username: string) => accounts.filter((u) => u.username === username).map((u) => u.id);
  const matched = own.filter(auditMatcher(q, idsOf));
  const { rows, page, pages, total } = auditPage(matched, q.page);

  const view: AuditViewContext = {
    t,
    lang,
    county: admin.county,
    user: (id) => users.get(id),
    township: (county, township, l) => townshipName(deps, county, township, l),
  };
  const people = [
    { value: systemActor, name: t('staff.history.by_system') },
    ...accounts
      .map((u) => ({ value: u.username, name: accountName(view, u.id) }))
      .sort((a, b) => a.name.localeCompare(b.name, 'zh')),
  ];
  const actions = [...new Set(own.map((e) => e.action))]
    .map((id) => ({ id, name: t(`staff.audit.actions.${id}`, { defaultValue: id }) }))
    .sort((a, b) => a.name.localeCompare(b.name, 'zh'));

  renderStaff(
    ctx,
    deps,
    'audit',
    {
      entries: rows.map((e) => auditRow(view, e)),
      integrity: await audit.verify(),
      filter: q,
      people,
      actions,
      page,
      pages,
      total,
      query: auditQueryString(q),
      ...(read.ok ? {} : { error: 'staff.audit.invalid_filter' }),
    },
    read.ok ? 200 : 400,
  );
}
