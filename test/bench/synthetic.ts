/**
 * Synthetic households for benchmarks: a seeded generator (repeatable runs) covering every
 * jurisdiction, both areas, one to six members, disabilities, illness, emergencies.
 */
const jurisdictions = ['tekes', 'qitai', 'wengyuan', 'jilin'] as const;
const capacities = ['full', 'partial', 'none'] as const;
const kinds = ['physical', 'visual', 'hearing', 'speech', 'intellectual', 'mental', 'multiple'] as const;
const schooling = ['none', 'preschool', 'compulsory', 'high_school', 'vocational', 'higher'] as const;

/** mulberry32: small, fast, seeded. */
export function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function syntheticHousehold(r: () => number) {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const size = 1 + Math.floor(r() * 6);
  const members = Array.from({ length: size }, () => {
    const age = Math.floor(r() * 95);
    return {
      age,
      laborCapacity: pick(capacities),
      selfCare: pick(capacities),
      disability:
        r() < 0.15 ? { grade: (1 + Math.floor(r() * 4)) as 1 | 2 | 3 | 4, kind: pick(kinds) } : null,
      seriousIllness: r() < 0.1,
      schooling: age < 25 ? pick(schooling) : 'none',
      employed: r() < 0.5,
    };
  });
  return {
    jurisdiction: pick(jurisdictions),
    date: '2026-11-23',
    area: r() < 0.5 ? 'urban' : 'rural',
    members,
    monthlyIncome: Math.round(r() * 800 * size),
    propertyWithinLimits: r() < 0.9,
    legalSupporter: pick(['none', 'unable', 'able'] as const),
    rigidExpenses12m:
      r() < 0.3 ? { medical: Math.round(r() * 20000), education: Math.round(r() * 5000) } : {},
    emergency:
      r() < 0.1
        ? {
            kind: pick(['disaster', 'accident', 'illness', 'other'] as const),
            months: 1 + Math.floor(r() * 7),
            persons: 1,
          }
        : null,
    housingDifficulty: r() < 0.2,
    current: r() < 0.2 ? ['dibao'] : [],
  };
}
