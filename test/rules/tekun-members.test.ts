/**
 * ctx.tekun, as the tekun rule leaves it for dibao and its supplement (issue 14 item 1;
 * 003 §二(二) "纳入…特困人员救助供养的农村贫困人口不再纳入低保保障范围"): who is taken out of
 * the count (in 特困 or likely), who only possibly, and when the household receives 特困 but
 * no member fits its categories. Also: optional routes leave no "not configured" behind.
 */
import { describe, expect, it } from 'vitest';
import type { ScreenContext } from '../../rules/engine/context.ts';
import { Finding } from '../../rules/engine/finding.ts';
import type { Household } from '../../rules/engine/household.ts';
import { resolveParameters } from '../../rules/engine/parameter-table.ts';
import { createScreener } from '../../rules/engine/screen.ts';
import { tekun } from '../../rules/programs/tekun/eligibility.ts';

const screener = createScreener({ today: () => '2026-11-23' });

function runTekun(h: Household): ScreenContext {
  const ctx: ScreenContext = {
    household: h,
    date: h.date!,
    params: resolveParameters(screener.book.jurisdictions.get(h.jurisdiction)!, h.date!),
    staleBefore: '2000-01-01',
    size: h.members.length,
    perCapita: h.monthlyIncome / h.members.length,
    annualIncome: h.monthlyIncome * 12,
    outcomes: {},
    assistance: undefined,
    tekun: undefined,
    finding: new Finding(),
  };
  ctx.outcomes.tekun = tekun.evaluate(ctx);
  return ctx;
}

const widow = { age: 72, laborCapacity: 'none', disability: { grade: 2, kind: 'physical' } } as const;
const worker = { age: 45, laborCapacity: 'partial', disability: null } as const;
const base = {
  jurisdiction: 'tekes',
  date: '2026-11-23',
  area: 'rural',
  propertyWithinLimits: true,
  monthlyIncome: 0,
} as const;

describe('ctx.tekun (filled by the tekun rule)', () => {
  it('takes out the member 特困 is likely for (the lone widow)', () => {
    const h = { ...base, legalSupporter: 'none', members: [{ ...widow }] } as Household;
    const ctx = runTekun(h);
    expect(ctx.outcomes.tekun?.verdict).toBe('likely');
    expect(ctx.tekun).toEqual({ excluded: [h.members[0]], maybe: [], unknownWhich: false });
  });

  it('only marks as "maybe" when 特困 is possible (supporter not asked): they stay counted', () => {
    const h = { ...base, members: [{ ...widow }] } as Household;
    const ctx = runTekun(h);
    expect(ctx.outcomes.tekun?.verdict).toBe('possible');
    expect(ctx.tekun).toEqual({ excluded: [], maybe: [h.members[0]], unknownWhich: false });
  });

  it('takes out nobody when 特困 is unlikely (a supporter able to support)', () => {
    const h = { ...base, legalSupporter: 'able', members: [{ ...widow }, { ...worker }] } as Household;
    expect(runTekun(h).tekun).toEqual({ excluded: [], maybe: [], unknownWhich: false });
  });

  it('takes out the member fitting the categories when the household already receives 特困', () => {
    const h = {
      ...base,
      monthlyIncome: 300,
      current: ['tekun'],
      members: [{ age: 80, laborCapacity: 'none', disability: null }, { ...worker }],
    } as Household;
    const ctx = runTekun(h);
    expect(ctx.tekun?.excluded).toEqual([h.members[0]]);
    expect(ctx.tekun?.unknownWhich).toBe(false);
  });

  it('says which member is unknown when the household receives 特困 but nobody fits its categories', () => {
    const h = {
      ...base,
      monthlyIncome: 300,
      current: ['tekun'],
      members: [{ ...worker }, { age: 40, laborCapacity: 'full', disability: null }],
    } as Household;
    expect(runTekun(h).tekun).toEqual({ excluded: [], maybe: [], unknownWhich: true });
  });
});

describe('routes that exist only in some places are not "not configured"', () => {
  it('Tekes above the standard: no process.transfer_to_marginal (a Wengyuan route) in missing', () => {
    const r = screener.screen({ ...base, monthlyIncome: 600, members: [{ age: 45, laborCapacity: 'full' }] });
    if (!r.ok) throw new Error('invalid');
    const marginal = r.value.programs.find((p) => p.id === 'marginal')!;
    expect(marginal.verdict).toBe('likely');
    expect(marginal.missing ?? []).not.toContain('process.transfer_to_marginal');
  });
  it('Wengyuan, no emergency: the Xinjiang pending-application route is not "not configured"', () => {
    const r = screener.screen({
      ...base,
      jurisdiction: 'wengyuan',
      monthlyIncome: 300,
      emergency: null,
      members: [{ age: 45, laborCapacity: 'full' }],
    });
    if (!r.ok) throw new Error('invalid');
    const temporary = r.value.programs.find((p) => p.id === 'temporary')!;
    expect(temporary.missing ?? []).not.toContain('temporary.pending_application_months');
  });
});
