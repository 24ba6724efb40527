/**
 * The fast path must agree with the zod schema: never "yes" when zod says no (that would let a
 * bad household through), and "yes" for the plain JSON zod accepts (or it is pointless).
 * Inputs: valid households with boundary values, then one field replaced by an edge or hostile
 * value, so every single-field mistake meets an otherwise valid household.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { householdSchema } from '../../rules/engine/household.ts';
import { isCertainlyValidHousehold } from '../../rules/engine/household-fast-path.ts';
import {
  capacityLevels,
  disabilityKinds,
  emergencyConsequences,
  emergencyKinds,
  limits,
  programIds,
  schoolingLevels,
} from '../../rules/engine/household-values.ts';

const member = fc.record(
  {
    age: fc.constantFrom(0, 1, 59, 60, 129, limits.age),
    laborCapacity: fc.constantFrom(...capacityLevels),
    selfCare: fc.constantFrom(...capacityLevels),
    disability: fc.option(
      fc.record({ grade: fc.constantFrom(1, 2, 3, 4), kind: fc.constantFrom(...disabilityKinds) }),
      { nil: null },
    ),
    seriousIllness: fc.boolean(),
    schooling: fc.constantFrom(...schoolingLevels),
    employed: fc.boolean(),
  },
  { requiredKeys: ['age', 'laborCapacity'] },
);
const validHousehold = fc
  .record(
    {
      id: fc.string({ maxLength: 64 }),
      jurisdiction: fc.constantFrom('tekes', 'q', 'x'.repeat(64)),
      date: fc.constantFrom('2026-11-23', '2024-02-29', '2000-01-01'),
      area: fc.constantFrom('urban', 'rural'),
      members: fc.array(member, { minLength: 1, maxLength: limits.members }),
      monthlyIncome: fc.constantFrom(0, 0.01, 600, limits.monthlyIncome),
      propertyWithinLimits: fc.boolean(),
      legalSupporter: fc.constantFrom('none', 'unable', 'able'),
      rigidExpenses12m: fc.record(
        {
          medical: fc.constantFrom(0, 1.5, limits.expense),
          education: fc.nat(),
          disaster: fc.nat(),
          accident: fc.nat(),
        },
        { requiredKeys: [] },
      ),
      emergency: fc.option(
        fc.record(
          {
            kind: fc.constantFrom(...emergencyKinds),
            months: fc.constantFrom(0.5, 1, 5, limits.emergencyMonths),
            persons: fc.constant(1),
            consequence: fc.constantFrom(...emergencyConsequences),
          },
          { requiredKeys: ['kind', 'months', 'persons'] },
        ),
        { nil: null },
      ),
      housingDifficulty: fc.boolean(),
      current: fc.array(fc.constantFrom(...programIds), { maxLength: programIds.length }),
    },
    { requiredKeys: ['jurisdiction', 'area', 'members', 'monthlyIncome', 'propertyWithinLimits'] },
  )
  .map((h) => JSON.parse(JSON.stringify(h)) as Record<string, unknown>);

const edgeValues = [
  -1,
  131,
  130.5,
  0,
  1e7 + 1,
  1e8 + 1,
  121,
  31,
  13,
  5,
  -0.01,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  '1',
  '',
  'x'.repeat(65),
  null,
  undefined,
  true,
  {},
  [],
  [1],
  '2025-02-29',
  '2025-2-1',
  'town',
  'fully',
  'other',
  'flood',
  '__proto__',
  'toString',
  { grade: 5, kind: 'physical' },
  { grade: 2, kind: 'physical', extra: 1 },
  { kind: 'illness', months: 0, persons: 1 },
  { kind: 'illness', months: 1, persons: 31 },
  Object.create({ age: 1 }),
  'MEMBERS',
  'MEMBERS+1',
];
/** Paths into a household where a single wrong value could hide. */
const paths: (h: Record<string, unknown>) => (string | number)[][] = (h) => {
  const m = (h.members as unknown[]).length - 1;
  return [
    ['id'],
    ['jurisdiction'],
    ['date'],
    ['area'],
    ['members'],
    ['monthlyIncome'],
    ['propertyWithinLimits'],
    ['legalSupporter'],
    ['rigidExpenses12m'],
    ['rigidExpenses12m', 'medical'],
    ['rigidExpenses12m', 'other'],
    ['emergency'],
    ['emergency', 'months'],
    ['emergency', 'persons'],
    ['emergency', 'kind'],
    ['housingDifficulty'],
    ['current'],
    ['current', 0],
    ['extra'],
    ['__proto__'],
    ['members', m],
    ['members', m, 'age'],
    ['members', m, 'laborCapacity'],
    ['members', m, 'selfCare'],
    ['members', m, 'disability'],
    ['members', m, 'disability', 'grade'],
    ['members', m, 'seriousIllness'],
    ['members', m, 'schooling'],
    ['members', m, 'employed'],
    ['members', m, 'nickname'],
    ['members', 30],
  ];
};
const mutated = fc.tuple(validHousehold, fc.nat(), fc.constantFrom(...edgeValues)).map(([h, pick, value]) => {
  const all = paths(h);
  const path = all[pick % all.length]!;
  let target: Record<string | number, unknown> = h;
  for (const step of path.slice(0, -1)) {
    const next = target[step];
    if (typeof next !== 'object' || next === null) return h;
    target = next as Record<string | number, unknown>;
  }
  // Relative edges: exactly the household size, and one more.
  const size = (h.members as unknown[]).length;
  const v = value === 'MEMBERS' ? size : value === 'MEMBERS+1' ? size + 1 : value;
  Object.defineProperty(target, path.at(-1)!, {
    value: v,
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return h;
});

const zodSays = (x: unknown) => householdSchema.safeParse(x);

describe('isCertainlyValidHousehold', () => {
  it('never says yes when zod says no, and zod then returns the input unchanged', () => {
    fc.assert(
      fc.property(fc.oneof(validHousehold, mutated, mutated, fc.anything()), (x) => {
        if (!isCertainlyValidHousehold(x)) return;
        const z = zodSays(x);
        expect(z.success, JSON.stringify(x)).toBe(true);
        expect(z.data).toEqual(x);
      }),
      { numRuns: 6000 },
    );
  });
  it('says yes for the plain JSON zod accepts', () => {
    fc.assert(
      fc.property(fc.oneof(validHousehold, mutated), (x) => {
        const json = JSON.parse(JSON.stringify(x));
        if (zodSays(json).success) expect(isCertainlyValidHousehold(json)).toBe(true);
      }),
      { numRuns: 6000 },
    );
  });
  it('sends a household with a prototype-polluting key to zod, which refuses it', () => {
    const x = JSON.parse(
      '{"jurisdiction":"tekes","area":"rural","members":[{"age":1,"laborCapacity":"full"}],"monthlyIncome":1,"propertyWithinLimits":true,"__proto__":{"admin":true}}',
    );
    expect(isCertainlyValidHousehold(x)).toBe(false);
    expect(zodSays(x).success).toBe(false);
  });
});
