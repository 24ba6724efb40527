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

const tally = (keys: string[]): Bar[] => {
  const m = new Map<string, number>();
  for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  return [...m].map(([id, value]) => ({ id, value })).sort((a, b) => b.value - a.value);
};

/** The pre-screen agrees when it said likely and the program was approved, or unlikely and declined. */
export const agrees = (verdict: string, decision: 'approved' | 'declined') =>
  (verdict === 'likely' && decision === 'approved') || (verdict === 'unlikely' && decision === 'declined');

export function dashboard(items: ReferralRecord[], now: Date) {
  const referrals = items.filter((r) => r.kind === 'referral');
  const months: string[] = [];
  for (let i = 11; i >= 0; i--) {
    const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - i, 1));
    months.push(d.toISOString().slice(0, 7));
  }
  const perMonth = tally(referrals.map((r) => chinaDate(r.createdAt).slice(0, 7)));
  const byRule = new Map<string, Agreement>();
  const byTownship = new Map<string, Agreement>();
  const count = (map: Map<string, Agreement>, id: string, agreed: boolean) => {
    const a = map.get(id) ?? { id, cases: 0, agreed: 0 };
    a.cases++;
    if (agreed) a.agreed++;
    map.set(id, a);
  };
  for (const r of referrals) {
    for (const [program, outcome] of Object.entries(r.outcomes ?? {})) {
      const verdict = r.programs.find((p) => p.id === program)?.verdict ?? 'unlikely';
      const ok = agrees(verdict, outcome.decision);
      count(byRule, program, ok);
      count(byTownship, r.township ?? '', ok);
    }
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

/** Every outcome the pre-screen got wrong, as a rule test case expecting the official decision. */
export function disagreementCases(items: ReferralRecord[]): string {
  const cases = [];
  for (const r of items) {
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
