/**
 * checkValue (server/staff/local-values/check-value.ts): the county's rule cases run with the
 * new value layered in. A case whose screen throws or gives a malformed result is "broken" and
 * named (the value is refused); a case whose pinned amounts or verdicts merely follow the new
 * standard is "changed" (the admin confirms).
 */
import { describe, expect, it } from 'vitest';
import { loadRuleCases } from '../../../../rules/engine/rule-cases.ts';
import { createScreener, type Screener } from '../../../../rules/engine/screen.ts';
import { checkValue } from '../../../../server/staff/local-values/check-value.ts';

const screener = createScreener();
const cases = loadRuleCases();
const source = { title: '测试文件', issuer: '测试机关', clause: '一', quote: '测试原文' };
const qitaiStandard = { id: 'test', parameter: 'dibao.standard.rural' as const, value: 500, source };

/** The same screener, except that a screening with the candidate value layered in goes wrong. */
function failingWith(fault: (r: ReturnType<Screener['screen']>) => ReturnType<Screener['screen']>): Screener {
  return {
    ...screener,
    screen: (input, options) => {
      const r = screener.screen(input, options);
      const layered = options?.jurisdiction?.stack.some((l) => l.id.endsWith('+test'));
      return layered ? fault(r) : r;
    },
  };
}

describe('checkValue', () => {
  it("lists the county's cases a new standard changes, by name, and breaks none", () => {
    const r = checkValue(screener, cases, screener.jurisdiction('qitai')!, qitaiStandard);
    expect(r.ran).toBe(cases.filter((c) => c.household.jurisdiction === 'qitai').length);
    expect(r.broken).toEqual([]);
    const dibao = r.changed.find(
      (c) =>
        c.name === 'Qitai: its dibao standard is not configured: possible, and the missing value is named',
    );
    expect(dibao?.details).toContain('dibao.verdict: possible → likely');
  });

  it('refuses a value under which a case cannot be screened, naming the case', () => {
    const r = checkValue(
      failingWith(() => {
        throw new Error('bands do not cover the income');
      }),
      cases,
      screener.jurisdiction('qitai')!,
      qitaiStandard,
    );
    expect(r.broken.length).toBe(r.ran);
    expect(r.broken[0]!.name).toMatch(/^Qitai/);
    expect(r.broken[0]!.details).toEqual(['bands do not cover the income']);
  });

  it('refuses a value that makes a malformed result (an amount that is not a number)', () => {
    const r = checkValue(
      failingWith((res) => {
        if (res.ok) res.value.programs[0]!.monthlyAmount = Number.NaN;
        return res;
      }),
      cases,
      screener.jurisdiction('qitai')!,
      qitaiStandard,
    );
    expect(r.broken.length).toBeGreaterThan(0);
    expect(r.broken[0]!.details[0]).toMatch(/monthlyAmount/);
  });

  it('ignores other counties: a Qitai value runs no Tekes case', () => {
    const r = checkValue(screener, cases, screener.jurisdiction('qitai')!, qitaiStandard);
    expect([...r.broken, ...r.changed].every((c) => !c.name.startsWith('Tekes'))).toBe(true);
  });
});
