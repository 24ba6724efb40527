/**
 * Engine throughput: validate + screen 1,000,000 synthetic households on one core.
 * Target (issue 2): >= 200,000 households/s including validation.
 * Households come from a pre-built pool so generation time is not measured.
 */
import { createScreener } from '../../rules/engine/screen.ts';
import { random, syntheticHousehold } from './synthetic.ts';

export async function benchEngine(total = 1_000_000, rounds = 5) {
  const screener = createScreener({ today: () => '2026-11-23' });
  const r = random(42);
  const pool = Array.from({ length: 20_000 }, () => syntheticHousehold(r));
  // Warm up the JIT and the parameter cache.
  for (const h of pool) screener.screen(h);

  const per = Math.floor(total / rounds);
  const rates: number[] = [];
  let invalid = 0;
  let likely = 0;
  for (let round = 0; round < rounds; round++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < per; i++) {
      const res = screener.screen(pool[i % pool.length]);
      if (!res.ok) invalid++;
      else if (res.value.programs[0]!.verdict === 'likely') likely++;
    }
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    rates.push(per / seconds);
  }
  rates.sort((a, b) => a - b);
  const median = rates[Math.floor(rates.length / 2)]!;
  return {
    households: per * rounds,
    medianPerSecond: Math.round(median),
    minPerSecond: Math.round(rates[0]!),
    maxPerSecond: Math.round(rates.at(-1)!),
    invalid,
    likelyDibaoShare: likely / (per * rounds),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    target: 200_000,
  };
}
