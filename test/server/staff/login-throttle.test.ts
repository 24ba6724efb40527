/**
 * The login throttle (login-throttle.ts) on a simulated clock: delays grow 1 s, 2 s, 4 s … to
 * 15 minutes per name and address; a stranger guessing from one address as fast as allowed
 * for two days never makes the real user on another address wait; guesses spread over many
 * addresses make everyone wait; a reset forgets it all. The same rules whether the counters
 * are in memory (one process) or in the store (PostgreSQL: every instance counts together),
 * and on PostgreSQL failures counted at once through two instances are all counted.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { openMemoryStore } from '../../../bot/store/collection-store.ts';
import { LoginThrottle, throttleRules } from '../../../server/staff/login-throttle.ts';
import {
  memoryCounters,
  openThrottleRecords,
  storedCounters,
} from '../../../server/staff/login-throttle-counters.ts';
import { pgBinDir } from '../../helpers/pg-cluster.ts';
import { pgStorePair, type StorePair, stopPgStorePairs } from '../../helpers/pg-store-pair.ts';

const t0 = Date.parse('2026-11-23T10:00:00Z');

const pairs: StorePair[] = [];
afterAll(async () => {
  for (const p of pairs) await p.close();
  await stopPgStorePairs();
});

/** Two throttles that must count together (one process: the same one twice). */
type Backend = () => Promise<[LoginThrottle, LoginThrottle]>;
const backends: [string, boolean, Backend][] = [
  [
    'in memory',
    true,
    async () => {
      const th = new LoginThrottle(memoryCounters(throttleRules.maxEntries));
      return [th, th];
    },
  ],
  [
    'in a memory store',
    true,
    async () => {
      const records = await openThrottleRecords(await openMemoryStore());
      const th = new LoginThrottle(storedCounters(records, 1000, () => t0));
      return [th, th];
    },
  ],
  [
    'in PostgreSQL, two instances',
    Boolean(pgBinDir),
    async () => {
      const pair = await pgStorePair();
      pairs.push(pair);
      const on = async (store: typeof pair.a) =>
        new LoginThrottle(storedCounters(await openThrottleRecords(store), 1000, () => t0));
      return [await on(pair.a), await on(pair.b)];
    },
  ],
];

describe.each(backends)('LoginThrottle %s', (_name, available, open) => {
  it.runIf(available)(
    'lets five failures through, then doubles the wait from one second up to fifteen minutes',
    async () => {
      const [a, b] = await open();
      let now = t0;
      const waits: number[] = [];
      for (let i = 0; i < 16; i++) {
        // Failures alternate between the instances: they count as one.
        const th = i % 2 ? b : a;
        now += await th.wait('wang', 'a', now);
        waits.push(await th.failed('wang', 'a', now));
      }
      expect(waits.slice(0, 4)).toEqual([0, 0, 0, 0]);
      expect(waits.slice(4, 14)).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 512].map((s) => s * 1000));
      expect(waits.slice(14)).toEqual([throttleRules.maxDelayMs, throttleRules.maxDelayMs]);
      expect(await a.wait('wang', 'b', now)).toBe(0);
    },
  );

  it.runIf(available)(
    'never makes the real user wait because of one stranger, however long the stranger goes on',
    async () => {
      const [th] = await open();
      let now = t0;
      let guesses = 0;
      while (now < t0 + 48 * 3600_000) {
        now += await th.wait('wang', '198.51.100.7', now);
        await th.failed('wang', '198.51.100.7', now);
        guesses++;
        expect(await th.wait('wang', '10.1.2.3', now)).toBe(0);
      }
      expect(guesses).toBeLessThan(250); // 5 free, then at most 4 an hour
    },
  );

  it.runIf(available)('slows guesses spread over many addresses for everyone, until a reset', async () => {
    const [a, b] = await open();
    for (let i = 0; i < 40; i++)
      for (let k = 0; k < 3; k++) await (k % 2 ? b : a).failed('wang', `203.0.113.${i}`, t0);
    expect(await b.wait('wang', '10.1.2.3', t0)).toBeGreaterThan(0);
    expect(await a.throttled('wang', t0)).toBe(true);
    expect(await a.wait('li', '10.1.2.3', t0)).toBe(0);
    await b.clear('wang');
    expect(await a.wait('wang', '10.1.2.3', t0)).toBe(0);
    expect(await a.wait('wang', '203.0.113.1', t0)).toBe(0);
  });

  it.runIf(available)(
    'forgets an address after its owner logs in there, but not the other addresses',
    async () => {
      const [a, b] = await open();
      for (let k = 0; k < 6; k++) for (const address of ['a', 'b']) await a.failed('wang', address, t0);
      await b.succeeded('wang', 'a');
      expect(await a.wait('wang', 'a', t0)).toBe(0);
      expect(await a.wait('wang', 'b', t0)).toBeGreaterThan(0);
    },
  );

  it.runIf(available)('counts every one of many attempts begun at once through both instances', async () => {
    const [a, b] = await open();
    // 40 simultaneous attempts from one address: 5 are free, the sixth must find 5 counted
    // before it (a lost update would let more through) and wait a second.
    const waits = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 ? b : a).begin('zhao', '198.51.100.9', t0)),
    );
    expect(waits.filter((w) => w === 0)).toHaveLength(5);
    expect(await a.wait('zhao', '198.51.100.9', t0)).toBe(1000);
  });

  it.runIf(available)('forgets a name a day after its last failure', async () => {
    const [a] = await open();
    for (let k = 0; k < 8; k++) await a.failed('wang', 'a', t0);
    expect(await a.wait('wang', 'a', t0)).toBeGreaterThan(0);
    expect(await a.throttled('wang', t0 + throttleRules.forgetAfterMs + 1)).toBe(false);
    expect(await a.begin('wang', 'a', t0 + throttleRules.forgetAfterMs + 1)).toBe(0);
  });
});
