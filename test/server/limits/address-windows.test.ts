/**
 * The per-address limiters forget addresses (the security issue: "the rate limiters never forget
 * addresses"). koa-ratelimit's memory driver never deletes an entry; driven the same way, a plain
 * Map keeps every address ever seen, ours only those of the current window, and never more than
 * its cap.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from 'koa';
import ratelimit from 'koa-ratelimit';
import { describe, expect, it } from 'vitest';
import { AddressWindows, limiterMemory } from '../../../server/limits/address-windows.ts';

const fakeCtx = (ip: string) =>
  ({ ip, state: {}, set: () => {}, throw: () => {}, status: 200, body: undefined }) as unknown as Context;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const address = (round: number, i: number) => `10.${round}.${i >> 8}.${i & 255}`;

/** Rounds of distinct addresses, each round after the previous one's window has ended. */
async function scan(db: Map<string, unknown>, rounds: number, perRound: number) {
  const limit = ratelimit({ driver: 'memory', db, duration: 40, max: 3, id: (ctx) => ctx.ip });
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < perRound; i++) await limit(fakeCtx(address(round, i)), async () => {});
    await sleep(60);
  }
}

describe('limiterMemory', () => {
  it("keeps only the current window's addresses under koa-ratelimit; a plain Map keeps them all", async () => {
    const plain = new Map();
    await scan(plain, 5, 4000);
    expect(plain.size).toBe(20_000);
    const ours = limiterMemory();
    await scan(ours, 5, 4000);
    expect(ours.size).toBeLessThanOrEqual(4000);
  });

  it('holds at most its cap of addresses within one window, the oldest dropped first', () => {
    const windows = new AddressWindows(1000, () => 0);
    for (let i = 0; i < 50_000; i++) windows.set(address(0, i % 60_000), { reset: 100 });
    expect(windows.size).toBe(1000);
    expect(windows.has(address(0, 49_999))).toBe(true);
    expect(windows.has(address(0, 0))).toBe(false);
  });

  it('still limits: an address over its budget is refused within the window', async () => {
    const db = limiterMemory();
    const limit = ratelimit({ driver: 'memory', db, duration: 60_000, max: 2, id: (ctx) => ctx.ip });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const ctx = fakeCtx('10.0.0.1');
      await limit(ctx, async () => {});
      statuses.push(ctx.status);
    }
    expect(statuses).toEqual([200, 200, 429, 429]);
  });

  it('is the memory of every per-address limiter in the server', () => {
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((f) => {
        const p = join(dir, f);
        return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
      });
    const limiters = files('server').flatMap((f) =>
      [...readFileSync(f, 'utf8').matchAll(/ratelimit\(\{[^}]*\}/g)].map((m) => ({ f, text: m[0] })),
    );
    expect(limiters.length).toBeGreaterThanOrEqual(3);
    for (const l of limiters) expect(l.text, l.f).toContain('db: limiterMemory()');
  });
});
