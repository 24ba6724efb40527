/**
 * The dashboard's view of the caseworkers' week (issue 16 item 12): how long a household waits
 * for the first word from staff, per township; how many cases are overdue by the county's own
 * deadlines (deadlines.ts, the inbox's rule); and each caseworker's load.
 */
import type { TFunction } from 'i18next';
import { closedStatuses, type ReferralRecord } from '../../bot/referral/referral-record.ts';
import { type Language, translator } from '../../locales/i18n.ts';
import type { CaseDeadlines } from '../../rules/engine/rule-file-schema.ts';
import { isOverdue, openStatuses, unconfiguredStatuses } from './deadlines.ts';
import { chinaDate, townshipName } from './referral-view.ts';
import type { StaffDeps } from './staff-deps.ts';
import type { StaffDirectory } from './staff-directory.ts';
import type { StaffUser } from './staff-records.ts';
import { chinaWeek } from './visits.ts';

const staffActions = new Set(['status', 'note']);

/**
 * Hours from arrival to the first status change or note by a staff member; undefined while
 * nobody has acted. The resident's and the system's own entries do not count as contact.
 */
export function hoursToFirstContact(r: ReferralRecord): number | undefined {
  const first = r.history.find((h) => staffActions.has(h.action) && h.by !== 'resident' && h.by !== 'system');
  if (!first) return undefined;
  return Math.max(0, (new Date(first.at).getTime() - new Date(r.createdAt).getTime()) / 3600_000);
}

/** The middle value (the mean of the two middle ones for an even count). */
export function median(sorted: number[]): number {
  const mid = sorted.length / 2;
  return sorted.length % 2 ? sorted[Math.floor(mid)]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Nearest-rank percentile: the smallest value with at least p of the values at or below it. */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
}

export interface FirstContact {
  township: string;
  contacted: number;
  waiting: number;
  median?: number;
  p90?: number;
}

export function firstContactByTownship(items: ReferralRecord[]): FirstContact[] {
  const by = new Map<string, { hours: number[]; waiting: number }>();
  for (const r of items) {
    const t = by.get(r.township ?? '') ?? { hours: [], waiting: 0 };
    const h = hoursToFirstContact(r);
    if (h === undefined) {
      if (!closedStatuses.has(r.status)) t.waiting++;
    } else t.hours.push(h);
    by.set(r.township ?? '', t);
  }
  return [...by]
    .map(([township, { hours, waiting }]) => {
      const sorted = hours.sort((a, b) => a - b);
      return {
        township,
        contacted: sorted.length,
        waiting,
        ...(sorted.length ? { median: median(sorted), p90: percentile(sorted, 0.9) } : {}),
      };
    })
    .sort((a, b) => (a.township < b.township ? -1 : a.township > b.township ? 1 : 0));
}

/** Overdue open cases by the county's deadlines; undefined when the county configured none. */
export function overdueCount(
  items: ReferralRecord[],
  now: Date,
  deadlines: (county: string) => CaseDeadlines | undefined,
): number | undefined {
  const configured = items.some(
    (r) => unconfiguredStatuses(deadlines(r.jurisdiction)).length < openStatuses.length,
  );
  if (!configured) return undefined;
  return items.filter((r) => isOverdue(r, now, deadlines(r.jurisdiction))).length;
}

export interface Load {
  id: string;
  name: string;
  township?: string;
  open: number;
  visitsThisWeek: number;
}

/** Open cases and this week's visits (Monday–Sunday, China time) per caseworker. */
export function caseworkerLoad(items: ReferralRecord[], caseworkers: StaffUser[], now: Date): Load[] {
  const week = chinaWeek(now);
  return caseworkers.map((u) => {
    const theirs = items.filter((r) => r.assignee === u.id);
    return {
      id: u.id,
      name: u.displayName,
      ...(u.township ? { township: u.township } : {}),
      open: theirs.filter((r) => !closedStatuses.has(r.status)).length,
      visitsThisWeek: theirs.filter((r) => {
        if (!r.visitAt) return false;
        const day = chinaDate(r.visitAt);
        return day >= week.from && day <= week.to;
      }).length,
    };
  });
}

/** Hours under two days, days after that; one decimal at most ("5.5 小时", "3 天"). */
export function durationText(hours: number, t: TFunction): string {
  const one = (n: number) => String(Math.round(n * 10) / 10);
  return hours < 48
    ? t('staff.dashboard.hours', { n: one(hours) })
    : t('staff.dashboard.days', { n: one(hours / 24) });
}

/** The three tables in the staff member's words, from the cases they may see. */
export function weekView(
  deps: StaffDeps,
  staff: StaffDirectory,
  user: StaffUser,
  items: ReferralRecord[],
  lang: Language,
) {
  const t = translator(lang);
  const now = deps.now();
  const township = (id: string) => townshipName(deps, user.county, id, lang) || t('staff.inbox.no_township');
  const caseworkers = [...staff.values()].filter(
    (u) =>
      !u.disabled &&
      u.role === 'caseworker' &&
      u.county === user.county &&
      (user.role === 'county_admin' || u.township === user.township),
  );
  return {
    firstContact: firstContactByTownship(items).map((f) => ({
      ...f,
      label: township(f.township),
      medianText: f.median === undefined ? '' : durationText(f.median, t),
      p90Text: f.p90 === undefined ? '' : durationText(f.p90, t),
    })),
    overdue: overdueCount(items, now, deps.deadlines),
    load: caseworkerLoad(items, caseworkers, now).map((l) => ({
      ...l,
      townshipLabel: l.township ? township(l.township) : '',
    })),
  };
}
