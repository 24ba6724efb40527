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

/**
 * The week's figures a record at a time (from a stream of the store's pages): per township the
 * hours to first contact (numbers, not cases), per caseworker two counts, and the overdue count.
 */
export function weekTally(now: Date, deadlines: (county: string) => CaseDeadlines | undefined) {
  const week = chinaWeek(now);
  const contact = new Map<string, { hours: number[]; waiting: number }>();
  const load = new Map<string, { open: number; visitsThisWeek: number }>();
  let configured = false;
  let overdue = 0;
  return {
    add(r: ReferralRecord) {
      const t = contact.get(r.township ?? '') ?? { hours: [], waiting: 0 };
      const h = hoursToFirstContact(r);
      if (h === undefined) {
        if (!closedStatuses.has(r.status)) t.waiting++;
      } else t.hours.push(h);
      contact.set(r.township ?? '', t);
      const rules = deadlines(r.jurisdiction);
      if (unconfiguredStatuses(rules).length < openStatuses.length) configured = true;
      if (isOverdue(r, now, rules)) overdue++;
      if (r.assignee === undefined) return;
      const l = load.get(r.assignee) ?? { open: 0, visitsThisWeek: 0 };
      if (!closedStatuses.has(r.status)) l.open++;
      if (r.visitAt) {
        const day = chinaDate(r.visitAt);
        if (day >= week.from && day <= week.to) l.visitsThisWeek++;
      }
      load.set(r.assignee, l);
    },
    /** Per township, by township id. */
    firstContact(): FirstContact[] {
      return [...contact]
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
    },
    /** Overdue open cases by the county's deadlines; undefined when the county configured none. */
    overdue: () => (configured ? overdue : undefined),
    /** Open cases and this week's visits (Monday–Sunday, China time) per caseworker. */
    load: (caseworkers: StaffUser[]): Load[] =>
      caseworkers.map((u) => ({
        id: u.id,
        name: u.displayName,
        ...(u.township ? { township: u.township } : {}),
        ...(load.get(u.id) ?? { open: 0, visitsThisWeek: 0 }),
      })),
  };
}

export interface Load {
  id: string;
  name: string;
  township?: string;
  open: number;
  visitsThisWeek: number;
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
  week: ReturnType<typeof weekTally>,
  lang: Language,
) {
  const t = translator(lang);
  const township = (id: string) => townshipName(deps, user.county, id, lang) || t('staff.inbox.no_township');
  const caseworkers = [...staff.values()].filter(
    (u) =>
      !u.disabled &&
      u.role === 'caseworker' &&
      u.county === user.county &&
      (user.role === 'county_admin' || u.township === user.township),
  );
  return {
    firstContact: week.firstContact().map((f) => ({
      ...f,
      label: township(f.township),
      medianText: f.median === undefined ? '' : durationText(f.median, t),
      p90Text: f.p90 === undefined ? '' : durationText(f.p90, t),
    })),
    overdue: week.overdue(),
    load: week.load(caseworkers).map((l) => ({
      ...l,
      townshipLabel: l.township ? township(l.township) : '',
    })),
  };
}
