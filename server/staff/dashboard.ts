/**
 * County figures from the referrals a user may see: by program, township, status and month;
 * the monthly amounts the likely open cases add up to; and how often the pre-screen agreed
 * with the official outcome, per rule (program) and per township. Disagreements become rule
 * test cases (YAML in the form of rules/programs/<id>/cases.yaml).
 */
import { stringify } from 'yaml';
import { type Answers, toHousehold } from '../../bot/dialog/answers.ts';
import { closedStatuses, type ReferralRecord } from '../../bot/referral/referral-record.ts';
import { chinaDate } from './referral-view.ts';
import { isReferred } from '../../rules/explain/result-view.ts';

export interface Bar {
  id: string;
  value: number;
}

export interface Agreement {
  id: string;
  cases: number;
  agreed: number;
}

/** Counts per key, largest first. */
class Tally {
  private readonly counts = new Map<string, number>();
  add(key: string) {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }
  get(key: string) {
    return this.counts.get(key) ?? 0;
  }
  bars(): Bar[] {
    return [...this.counts].map(([id, value]) => ({ id, value })).sort((a, b) => b.value - a.value);
  }
}

/** The pre-screen agrees when it said likely and the program was approved, or unlikely and declined. */
export const agrees = (verdict: string, decision: 'approved' | 'declined') =>
  (verdict === 'likely' && decision === 'approved') || (verdict === 'unlikely' && decision === 'declined');

export function dashboard(items: Iterable<ReferralRecord>, now: Date) {
  const d = dashboardTally(now);
  for (const r of items) d.add(r);
  return d.result();
}

/**
 * The dashboard a record at a time: only counts are kept, so the figures of a county are made
 * from a stream of the store's pages without holding the county.
 */
export function dashboardTally(now: Date) {
  const months: string[] = [];
  for (let i = 11; i >= 0; i--) {
    const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - i, 1));
    months.push(d.toISOString().slice(0, 7));
  }
  const perMonth = new Tally();
  const byProgram = new Tally();
  const byTownshipCount = new Tally();
  const byStatus = new Tally();
  let likelyMonthlyTotal = 0;
  const byRule = new Map<string, Agreement>();
  const byTownship = new Map<string, Agreement>();
  const count = (map: Map<string, Agreement>, id: string, agreed: boolean) => {
    const a = map.get(id) ?? { id, cases: 0, agreed: 0 };
    a.cases++;
    if (agreed) a.agreed++;
    map.set(id, a);
  };
  return {
    add(r: ReferralRecord) {
      byTownshipCount.add(r.township ?? '');
      byStatus.add(r.status);
      if (r.kind !== 'referral') return;
      perMonth.add(chinaDate(r.createdAt).slice(0, 7));
      for (const p of r.programs) if (isReferred(p.verdict)) byProgram.add(p.id);
      // Per case, then added: the same sums in the same order as adding up an array of cases.
      if (!closedStatuses.has(r.status))
        likelyMonthlyTotal += r.programs
          .filter((p) => p.verdict === 'likely')
          .reduce((s, p) => s + (p.monthlyAmount ?? 0), 0);
      for (const [program, outcome] of Object.entries(r.outcomes ?? {})) {
        const verdict = r.programs.find((p) => p.id === program)?.verdict ?? 'unlikely';
        const ok = agrees(verdict, outcome.decision);
        count(byRule, program, ok);
        count(byTownship, r.township ?? '', ok);
      }
    },
    result() {
      return {
        byProgram: byProgram.bars(),
        byTownship: byTownshipCount.bars(),
        byStatus: byStatus.bars(),
        overTime: months.map((id) => ({ id, value: perMonth.get(id) })),
        likelyMonthlyTotal,
        agreementByRule: [...byRule.values()],
        agreementByTownship: [...byTownship.values()],
      };
    },
  };
}

/** Every outcome the pre-screen got wrong, as a rule test case expecting the official decision. */
export async function disagreementCases(
  items: Iterable<ReferralRecord> | AsyncIterable<ReferralRecord>,
): Promise<string> {
  const cases = [];
  for await (const r of items) {
    for (const [program, outcome] of Object.entries(r.outcomes ?? {})) {
      const p = r.programs.find((x) => x.id === program);
      if (!p || agrees(p.verdict, outcome.decision)) continue;
      const household = toHousehold(r.answers as Answers, chinaDate(r.createdAt));
      if (!household) continue;
      cases.push({
        name: `${r.reference} ${program}: pre-screen said ${p.verdict}, the township ${outcome.decision}${outcome.reason ? ` (${outcome.reason})` : ''}`,
        program,
        household,
        expect: {
          verdict: outcome.decision === 'approved' ? 'likely' : 'unlikely',
          ...(outcome.tier ? { tier: outcome.tier } : {}),
          ...(outcome.monthlyAmount !== undefined ? { monthlyAmount: outcome.monthlyAmount } : {}),
        },
      });
    }
  }
  return `# Cases where the township's decision differed from the pre-screen. Review each, then add\n# it to rules/programs/<program>/cases.yaml (the household carries no names or numbers).\n${stringify(cases)}`;
}
