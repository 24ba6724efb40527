/**
 * The dashboard's figures are tallied a record at a time from the store's stream
 * (dashboard.ts dashboardTally, dashboard-week.ts weekTally: county-routes.ts never holds the
 * county). They must be what the dashboard computed from the county in one array: the array
 * code as it was is kept here as the reference, run on varied cases (kinds, statuses,
 * programs with amounts, outcomes that agree or not, assignees, visits this week and not,
 * staff contact or none) with and without deadlines.
 */
import { describe, expect, it } from 'vitest';
import {
  closedStatuses,
  type ReferralRecord,
  referralStatuses,
} from '../../../bot/referral/referral-record.ts';
import type { CaseDeadlines } from '../../../rules/engine/rule-file-schema.ts';
import { isReferred } from '../../../rules/explain/result-view.ts';
import { agrees, dashboard } from '../../../server/staff/dashboard.ts';
import { hoursToFirstContact, median, percentile, weekTally } from '../../../server/staff/dashboard-week.ts';
import { isOverdue, openStatuses, unconfiguredStatuses } from '../../../server/staff/deadlines.ts';
import { chinaDate } from '../../../server/staff/referral-view.ts';
import type { StaffUser } from '../../../server/staff/staff-records.ts';
import { chinaWeek } from '../../../server/staff/visits.ts';
import { seededReferral } from '../../helpers/seed-referrals.ts';

const now = new Date('2026-11-26T04:00:00.000Z');

function cases(n: number): ReferralRecord[] {
  return Array.from({ length: n }, (_, i) => {
    const day = 1 + (i % 25);
    const at = (h: number) => new Date(Date.UTC(2026, 10, day, 3 + h)).toISOString();
    return seededReferral(`TE-T${String(i).padStart(5, '0')}`, day, { name: '居民', phone: '13900000000' }, {
      township: ['karadala', 'kuokesu', ''][i % 3]!,
      status: referralStatuses[i % referralStatuses.length]!,
      ...(i % 5 === 0 ? { kind: 'callback' as const } : {}),
      programs: [
        {
          id: 'dibao',
          verdict: (['likely', 'possible', 'unlikely'] as const)[i % 3]!,
          monthlyAmount: 668.3 + i,
        },
        { id: 'medical', verdict: i % 4 ? 'likely' : 'ask' },
      ],
      ...(i % 4 === 1
        ? { outcomes: { dibao: { decision: i % 8 === 1 ? 'approved' : 'declined', at: at(5), by: 'u1' } } }
        : {}),
      ...(i % 3 === 1 ? { assignee: ['u1', 'u2'][i % 2]! } : {}),
      ...(i % 2 ? { visitAt: new Date(Date.UTC(2026, 10, 20 + (i % 10), 2)).toISOString() } : {}),
      history: [
        { at: at(0), by: 'resident', action: 'created' },
        ...(i % 6 === 0 ? [] : [{ at: at(1 + (i % 50)), by: 'u1', action: i % 2 ? 'note' : 'status' }]),
      ],
    } as Partial<ReferralRecord>);
  });
}

/** dashboard.ts as it was, over an array. */
function arrayDashboard(items: ReferralRecord[]) {
  const tally = (keys: string[]) => {
    const m = new Map<string, number>();
    for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
    return [...m].map(([id, value]) => ({ id, value })).sort((a, b) => b.value - a.value);
  };
  const referrals = items.filter((r) => r.kind === 'referral');
  const months: string[] = [];
  for (let i = 11; i >= 0; i--)
    months.push(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - i, 1)).toISOString().slice(0, 7));
  const perMonth = tally(referrals.map((r) => chinaDate(r.createdAt).slice(0, 7)));
  const byRule = new Map<string, { id: string; cases: number; agreed: number }>();
  const byTownship = new Map<string, { id: string; cases: number; agreed: number }>();
  const count = (map: typeof byRule, id: string, agreed: boolean) => {
    const a = map.get(id) ?? { id, cases: 0, agreed: 0 };
    a.cases++;
    if (agreed) a.agreed++;
    map.set(id, a);
  };
  for (const r of referrals)
    for (const [program, outcome] of Object.entries(r.outcomes ?? {})) {
      const ok = agrees(r.programs.find((p) => p.id === program)?.verdict ?? 'unlikely', outcome.decision);
      count(byRule, program, ok);
      count(byTownship, r.township ?? '', ok);
    }
  return {
    byProgram: tally(
      referrals.flatMap((r) => r.programs.filter((p) => isReferred(p.verdict)).map((p) => p.id)),
    ),
    byTownship: tally(items.map((r) => r.township ?? '')),
    byStatus: tally(items.map((r) => r.status)),
    overTime: months.map((id) => ({ id, value: perMonth.find((m) => m.id === id)?.value ?? 0 })),
    likelyMonthlyTotal: referrals
      .filter((r) => !closedStatuses.has(r.status))
      .reduce(
        (sum, r) =>
          sum +
          r.programs.filter((p) => p.verdict === 'likely').reduce((s, p) => s + (p.monthlyAmount ?? 0), 0),
        0,
      ),
    agreementByRule: [...byRule.values()],
    agreementByTownship: [...byTownship.values()],
  };
}

/** dashboard-week.ts as it was, over an array. */
function arrayWeek(items: ReferralRecord[], caseworkers: StaffUser[], deadlines: CaseDeadlines | undefined) {
  const by = new Map<string, { hours: number[]; waiting: number }>();
  for (const r of items) {
    const t = by.get(r.township ?? '') ?? { hours: [], waiting: 0 };
    const h = hoursToFirstContact(r);
    if (h === undefined) {
      if (!closedStatuses.has(r.status)) t.waiting++;
    } else t.hours.push(h);
    by.set(r.township ?? '', t);
  }
  const firstContact = [...by]
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
  const configured = items.some(() => unconfiguredStatuses(deadlines).length < openStatuses.length);
  const week = chinaWeek(now);
  return {
    firstContact,
    overdue: configured ? items.filter((r) => isOverdue(r, now, deadlines)).length : undefined,
    load: caseworkers.map((u) => {
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
    }),
  };
}

const worker = (id: string, township?: string) =>
  ({ id, displayName: id, ...(township ? { township } : {}) }) as StaffUser;

describe('the dashboard tallied from a stream', () => {
  const items = cases(600);

  it('gives the figures the array code gave', () => {
    expect(dashboard(items, now)).toEqual(arrayDashboard(items));
    expect(dashboard(items, now).agreementByRule.length).toBeGreaterThan(0);
  });

  it.each([
    ['no deadlines', undefined],
    ['deadlines', { new: 3, contacted: 5, visit_scheduled: 7 }],
  ] as const)('gives the week the array code gave (%s)', (_, deadlines) => {
    const caseworkers = [worker('u1', 'karadala'), worker('u2'), worker('u3', 'kuokesu')];
    const week = weekTally(now, () => deadlines);
    for (const r of items) week.add(r);
    const want = arrayWeek(items, caseworkers, deadlines);
    expect({
      firstContact: week.firstContact(),
      overdue: week.overdue(),
      load: week.load(caseworkers),
    }).toEqual(want);
    if (deadlines) expect(want.overdue).toBeGreaterThan(0);
    expect(want.load.some((l) => l.visitsThisWeek > 0)).toBe(true);
  });
});
