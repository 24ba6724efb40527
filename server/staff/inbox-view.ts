/**
 * What the inbox adds to each row and to its header for the caseworker's week: days waiting,
 * the overdue mark (deadlines.ts), the visit time, sort links (plain hrefs: no JavaScript),
 * the "deadlines not configured" note, and who ticked rows can be assigned to.
 */
import type { ReferralRecord } from '../../bot/referral/referral-record.ts';
import { type Language, translator } from '../../locales/i18n.ts';
import { isCountyAdmin } from './access.ts';
import { daysWaiting, deadlineFor, isOverdue, unconfiguredStatuses } from './deadlines.ts';
import type { InboxFilter } from './inbox-query.ts';
import { type SortColumn, sortColumns } from './inbox-sort.ts';
import { chinaDateTime, townshipName } from './referral-view.ts';
import type { StaffDeps } from './staff-deps.ts';
import { activeCaseworkers, type StaffDirectory } from './staff-directory.ts';
import type { StaffUser } from './staff-records.ts';

export function rowClock(deps: StaffDeps, r: ReferralRecord, now: Date) {
  const deadlines = deps.deadlines(r.jurisdiction);
  return {
    waiting: daysWaiting(r, now),
    overdue: isOverdue(r, now, deadlines),
    limit: deadlineFor(r, deadlines),
    visit: r.visitAt ? chinaDateTime(r.visitAt) : '',
  };
}

/** Newest / longest waiting first on the first click; the rest A→Z. */
const firstDirection = (c: SortColumn) => (c === 'created' || c === 'waiting' ? 'desc' : 'asc');

export function sortLinks(filter: InboxFilter) {
  const kept = Object.entries(filter)
    .filter(([k]) => k !== 'page' && k !== 'sort' && k !== 'dir')
    .map(([k, v]): [string, string] => [k, String(v)]);
  return Object.fromEntries(
    sortColumns.map((c) => {
      const current = filter.sort === c ? (filter.dir ?? 'asc') : undefined;
      const dir = current ? (current === 'asc' ? 'desc' : 'asc') : firstDirection(c);
      const href = `/staff?${new URLSearchParams([...kept, ['sort', c], ['dir', dir]]).toString()}`;
      return [
        c,
        { href, aria: current === 'asc' ? 'ascending' : current === 'desc' ? 'descending' : undefined },
      ];
    }),
  );
}

export function inboxExtras(
  deps: StaffDeps,
  staff: StaffDirectory,
  user: StaffUser,
  filter: InboxFilter,
  lang: Language,
) {
  const t = translator(lang);
  const missing = unconfiguredStatuses(deps.deadlines(user.county));
  const admin = isCountyAdmin(user);
  // Bulk assignment goes to a caseworker of the case's township; the server checks each case.
  const targets = activeCaseworkers(staff)
    .filter((u) => u.county === user.county && (admin || u.township === user.township))
    .map((u) => ({
      id: u.id,
      name: admin ? `${u.displayName} · ${townshipName(deps, u.county, u.township, lang)}` : u.displayName,
    }));
  return {
    sortLinks: sortLinks(filter),
    // Said once for the page, never a made-up number: which statuses have no configured days.
    deadlineNote: missing.length
      ? t('staff.deadlines.not_configured', {
          statuses: missing.map((s) => t(`staff.statuses.${s}`)).join(t('cli.listSeparator')),
        })
      : undefined,
    bulkTargets: targets,
    mineHref: `/staff?${new URLSearchParams([
      ...Object.entries(filter)
        .filter(([k]) => k !== 'page' && k !== 'mine')
        .map(([k, v]): [string, string] => [k, String(v)]),
      ...(filter.mine ? [] : [['mine', '1'] as [string, string]]),
    ]).toString()}`,
  };
}
