/** The rules run in an order where each comes after the programs whose outcome it reads. */
import { describe, expect, it } from 'vitest';
import { programIds } from '../../rules/engine/household.ts';
import { createScreener } from '../../rules/engine/screen.ts';
import { programRules } from '../../rules/programs/index.ts';

describe('program rules', () => {
  it('cover every program exactly once', () => {
    expect(programRules.map((r) => r.id).sort()).toEqual([...programIds].sort());
  });
  it('come after every program they read', () => {
    const seen = new Set<string>();
    for (const rule of programRules) {
      for (const dep of rule.after) expect(seen.has(dep), `${rule.id} reads ${dep}`).toBe(true);
      seen.add(rule.id);
    }
  });
  it('are all evaluated into the result, in the public order', () => {
    const r = createScreener().screen({
      jurisdiction: 'tekes',
      date: '2026-11-23',
      area: 'rural',
      members: [{ age: 40, laborCapacity: 'full' }],
      monthlyIncome: 100,
      propertyWithinLimits: true,
    });
    expect(r.ok && r.value.programs.map((p) => p.id)).toEqual([...programIds]);
    expect(r.ok && r.value.programs.every((p) => p.verdict && p.department && p.reasons.length > 0)).toBe(
      true,
    );
  });
});
