/**
 * The shared seams issue 14's work packages build on: the 'ask' verdict and the floor mark pass
 * every schema and view that carries a result, and f.optional probes without "not configured".
 */
import { describe, expect, it } from 'vitest';
import { referralSchema } from '../../bot/referral/referral-record.ts';
import { translator } from '../../locales/i18n.ts';
import type { ScreenContext } from '../../rules/engine/context.ts';
import { Finding, startFinding } from '../../rules/engine/finding.ts';
import { resolveParameters } from '../../rules/engine/parameter-table.ts';
import { programResultSchema } from '../../rules/engine/result-schema.ts';
import type { ScreenResult } from '../../rules/engine/result.ts';
import { createScreener } from '../../rules/engine/screen.ts';
import { resultView } from '../../rules/explain/result-view.ts';

const screener = createScreener({ today: () => '2026-11-23' });
const household = {
  jurisdiction: 'wengyuan',
  date: '2026-11-23',
  area: 'rural',
  members: [{ age: 40, laborCapacity: 'full' }],
  monthlyIncome: 2000,
  propertyWithinLimits: true,
};
const screened = (): ScreenResult => {
  const r = screener.screen(household);
  if (!r.ok) throw new Error('household invalid');
  return r.value;
};

describe("verdict 'ask' and the floor mark", () => {
  it('pass the result schema; floor is only ever true', () => {
    const p = { ...screened().programs[0]!, verdict: 'ask', floor: true };
    expect(programResultSchema.safeParse(p).success).toBe(true);
    expect(programResultSchema.safeParse({ ...p, floor: false }).success).toBe(false);
  });
  it('pass the referral record schema', () => {
    const programs = referralSchema.shape.programs;
    expect(programs.safeParse([{ id: 'housing', verdict: 'ask' }]).success).toBe(true);
    expect(programs.safeParse([{ id: 'housing', verdict: 'maybe' }]).success).toBe(false);
  });
  it.each([
    'zh',
    'ug',
    'kk',
  ] as const)('are shown as "ask your township" in %s, after what was screened', (lang) => {
    const t = translator(lang);
    const r = screened();
    const housing = r.programs.find((p) => p.id === 'housing')!;
    housing.verdict = 'ask';
    const view = resultView(t, r, lang);
    // Apart from what was screened (issue 14 item 7): named in the "ask your township" list.
    expect(view.programs.find((p) => p.id === 'housing')).toBeUndefined();
    expect(view.askTownship).toContain(t('programs.housing'));
    expect(t('verdicts.ask')).not.toBe('verdicts.ask');
  });
});

describe('Finding.optional', () => {
  it('resolves a parameter without recording it as not configured, unlike param', () => {
    const finding = new Finding();
    const params = new Map();
    const ctx = { params, staleBefore: '2020-01-01', finding } as unknown as ScreenContext;
    const f = startFinding(ctx, 'dibao');
    expect(f.optional('dibao.medical_expense_deduction')).toBeUndefined();
    expect(f.done('unlikely').missing).toBeUndefined();
    startFinding(ctx, 'dibao').param('dibao.medical_expense_deduction');
    expect(finding.done('unlikely').missing).toEqual(['dibao.medical_expense_deduction']);
  });
  it('returns the value in force where the rule exists', () => {
    const jilin = screener.book.jurisdictions.get('jilin')!;
    const ctx = {
      params: resolveParameters(jilin, '2019-06-01'),
      staleBefore: '2000-01-01',
      finding: new Finding(),
    } as unknown as ScreenContext;
    const f = startFinding(ctx, 'dibao');
    expect(f.optional('dibao.medical_expense_deduction')?.value).toEqual({ months: 12, area: 'rural' });
    expect(f.done('likely', { monthlyAmount: 100, floor: true })).toMatchObject({
      floor: true,
      missing: undefined,
    });
  });
});
