/**
 * GET /staff/audit for a county admin: the county's own entries, newest first, filtered by who,
 * what, which case and China dates, a page at a time, in the admin's language. A filter that
 * does not pass its check is answered 400 with the page still there (unfiltered) and a
 * translated message. The page's own audit entry names only the page, never what was searched.
 */
import type { Context } from 'koa';
import { translator } from '../../../locales/i18n.ts';
import {
  auditFilter,
  auditPageAt,
  auditPageSize,
  auditQueryString,
  readAuditQuery,
  systemActor,
} from '../audit-query.ts';
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
  const own = await audit.append(admin, 'view_audit', 'audit');
  const read = readAuditQuery(ctx.query);
  // A first page counts the log up to this view's own entry; the pager's links keep that.
  const q = { ...read.query, upto: read.query.upto ?? own.seq };

  const accounts = [...users.values()].filter((u) => u.county === admin.county);
  // Asked of the store: the county's entries (and, by its accounts, those from before counties
  // were kept) that pass the filters, one page of them and how many in all.
  const filter = auditFilter(q, admin.county, accounts);
  const asked = ((q.page ?? 1) - 1) * auditPageSize;
  let found = await audit.search(filter, asked, auditPageSize);
  const { page, pages, offset } = auditPageAt(found.total, q.page);
  // A page past the last (the log filtered since the link was made): the last one instead.
  if (offset !== asked) found = await audit.search(filter, offset, auditPageSize);
  const { rows, total } = found;

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
  // Every action the log writes (the words for them are the list), whether or not seen yet.
  const actions = Object.keys(t('staff.audit.actions', { returnObjects: true }) as Record<string, string>)
    .map((id) => ({ id, name: t(`staff.audit.actions.${id}`) }))
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
      query: auditQueryString(q, q.upto),
      ...(read.ok ? {} : { error: 'staff.audit.invalid_filter' }),
    },
    read.ok ? 200 : 400,
  );
}
