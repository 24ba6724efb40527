/**
 * Runs every rule case in rules/programs/<id>/cases.yaml through the real engine and rule files.
 * Also checks the case set itself: every program has cases for every jurisdiction, and every
 * clause any rule cites is exercised by at least one case.
 */
import { describe, expect, it } from 'vitest';
import { citations } from '../../rules/engine/citations.ts';
import { type ProgramId, programIds } from '../../rules/engine/household.ts';
import type { ParameterName } from '../../rules/engine/parameter-catalog.ts';
import type { ProgramResult } from '../../rules/engine/result.ts';
import { createScreener } from '../../rules/engine/screen.ts';
import { loadCases, type OtherProgramExpectation } from './case-files.ts';

const screener = createScreener({ today: () => '2026-11-23' });
const cases = loadCases();
const citedInCases = new Set<string>();

describe.each(programIds)('rules/programs/%s/cases.yaml', (program) => {
  const mine = cases.filter((c) => c.program === program);
  it.each(mine.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const r = screener.screen(
      c.household,
      c.localValues ? { localValues: c.localValues as Record<ParameterName, unknown> } : {},
    );
    if (!r.ok) throw new Error(`case input invalid: ${JSON.stringify(r.issues)}`);
    for (const p of r.value.programs)
      for (const reason of p.reasons)
        if (reason.source) citedInCases.add(`${reason.source.file}|${reason.source.clause}`);
    const find = (id: ProgramId) => r.value.programs.find((x) => x.id === id)!;
    const p = find(program);
    const e = c.expect;
    expectProgram(p, e);
    if (e.amount !== undefined) expect(p.amount).toBeCloseTo(e.amount, 2);
    if (e.noAmount) expect(p.amount).toBeUndefined();
    for (const m of e.missing ?? []) expect(p.missing ?? []).toContain(m);
    for (const n of e.needs ?? []) expect(p.needs ?? []).toContain(n);
    if (p.verdict === 'possible' && e.missing) expect(p.missing?.length).toBeGreaterThan(0);
    for (const [id, other] of Object.entries(e.others ?? {}) as [ProgramId, OtherProgramExpectation][])
      expectProgram(find(id), other);
  });

  it('has a case for every jurisdiction', () => {
    const covered = new Set(mine.map((c) => c.household.jurisdiction));
    expect([...screener.book.jurisdictions.keys()].filter((j) => !covered.has(j))).toEqual([]);
  });

  it('has cases of at least two different verdicts', () => {
    expect(new Set(mine.map((c) => c.expect.verdict)).size).toBeGreaterThanOrEqual(2);
  });
});

/** The checks a case may make on any program of its household (its own, or one of `others`). */
function expectProgram(p: ProgramResult, e: OtherProgramExpectation) {
  const keys = p.reasons.map((x) => x.key);
  const got = JSON.stringify({
    id: p.id,
    verdict: p.verdict,
    tier: p.tier,
    monthlyAmount: p.monthlyAmount,
    floor: p.floor,
    amount: p.amount,
    missing: p.missing,
    needs: p.needs,
    keys,
  });
  if (e.verdict !== undefined) expect(p.verdict, got).toBe(e.verdict);
  if (e.tier !== undefined) expect(p.tier, got).toBe(e.tier);
  if (e.monthlyAmount !== undefined) expect(p.monthlyAmount, got).toBeCloseTo(e.monthlyAmount, 2);
  if (e.noMonthlyAmount) expect(p.monthlyAmount, got).toBeUndefined();
  if (e.floor) expect(p.floor, got).toBe(true);
  for (const k of e.reasons ?? []) expect(keys, got).toContain(k);
  for (const k of e.noReasons ?? []) expect(keys, got).not.toContain(k);
  for (const [key, cited] of Object.entries(e.sources ?? {})) {
    const sources = p.reasons
      .filter((x) => x.key === key)
      .map((x) => (x.source ? `${x.source.file.slice(0, 3)} ${x.source.clause}` : 'none'));
    expect(sources, `${key} in ${got}`).not.toEqual([]);
    for (const s of sources) expect(s, `${key} in ${got}`).toBe(cited);
  }
}

describe('the case set', () => {
  it('exercises every clause the rules cite (parameters and criteria)', () => {
    const cited = new Set<string>();
    for (const j of screener.book.jurisdictions.values())
      for (const layer of j.stack)
        for (const p of layer.parameters.values()) cited.add(`${p.reference.file}|${p.reference.clause}`);
    for (const c of Object.values(citations)) cited.add(`${c.file}|${c.clause}`);
    // Runs after the per-program cases (vitest runs a file's tests in order).
    expect([...cited].filter((c) => !citedInCases.has(c)).sort()).toEqual([]);
  });
});
