/**
 * What several instances on one database must share, in the store: mini-program sign-ins
 * (sign-ins.ts: a token one instance issued is honoured by the other, kept as a hash, expired
 * ones swept, the collection bounded) and the new-conversation budget (new-conversations.ts:
 * an address gets its budget once, not once per instance, even when its requests arrive at
 * once). On a memory store (the two "instances" are one) and on PostgreSQL (two stores).
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { Context } from 'koa';
import { openMemoryStore, type Store } from '../../../bot/store/collection-store.ts';
import { AppError } from '../../../server/errors.ts';
import { newConversationBudget, openBudgetRecords } from '../../../server/limits/new-conversations.ts';
import { openSignInRecords, storedSignIns } from '../../../server/miniprogram/sign-ins.ts';
import { pgBinDir } from '../../helpers/pg-cluster.ts';
import { pgStorePair, type StorePair, stopPgStorePairs } from '../../helpers/pg-store-pair.ts';

const pairs: StorePair[] = [];
afterAll(async () => {
  for (const p of pairs) await p.close();
  await stopPgStorePairs();
});

const stores: [string, boolean, () => Promise<[Store, Store]>][] = [
  [
    'a memory store',
    true,
    async () => {
      const store = await openMemoryStore();
      return [store, store];
    },
  ],
  [
    'PostgreSQL, two instances',
    Boolean(pgBinDir),
    async () => {
      const pair = await pgStorePair();
      pairs.push(pair);
      return [pair.a, pair.b];
    },
  ],
];

const request = (ip: string) => ({ ip }) as Context;
const refusal = async (p: Promise<void>) =>
  p.then(
    () => undefined,
    (e: unknown) => (e instanceof AppError ? { status: e.status, code: e.code } : e),
  );

describe.each(stores)('on %s', (_name, available, open) => {
  it.runIf(available)(
    'a sign-in token from one instance is honoured by the other until it expires, and only its hash is kept',
    async () => {
      const [a, b] = await open();
      let now = Date.parse('2026-12-02T10:00:00Z');
      const clock = () => now;
      const onA = storedSignIns(await openSignInRecords(a), 60_000, clock);
      const onB = storedSignIns(await openSignInRecords(b), 60_000, clock);
      const { token, expiresIn } = await onA.start('openid-of-a-resident');
      expect(expiresIn).toBe(60);
      expect(await onB.openid(token)).toBe('openid-of-a-resident');
      expect(await onB.openid(`${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`)).toBeUndefined();
      const records = await openSignInRecords(b);
      const ids: string[] = [];
      for await (const [id] of records.entries()) ids.push(id);
      expect(ids).toHaveLength(1);
      expect(ids[0]).not.toBe(token);
      now += 60_001;
      expect(await onA.openid(token)).toBeUndefined();
      expect(await records.count()).toBe(0);
    },
  );

  it.runIf(available)('sweeps expired sign-ins and keeps at most the cap', async () => {
    const [a] = await open();
    let now = Date.parse('2026-12-02T10:00:00Z');
    const records = await openSignInRecords(a);
    const signIns = storedSignIns(records, 60_000, () => now, 5);
    for (let i = 0; i < 4; i++) await signIns.start(`expiring-${i}`);
    now += 30_000;
    const live = [];
    for (let i = 0; i < 8; i++) {
      now += 1000;
      live.push(await signIns.start(`live-${i}`));
    }
    expect(await records.count()).toBe(12); // a sweep runs once a minute at most
    now += 23_000; // the first four have expired, and a sweep is due
    await signIns.start('one-more');
    await vi.waitFor(async () => expect(await records.count()).toBe(5), { timeout: 5000 });
    // The newest are kept (the soonest to expire went first).
    expect(await signIns.openid(live[7]!.token)).toBe('live-7');
    expect(await signIns.openid(live[0]!.token)).toBeUndefined();
  });

  it.runIf(available)(
    'an address gets its new-conversation budget once across instances, even all at once',
    async () => {
      const [a, b] = await open();
      let now = Date.parse('2026-12-02T10:00:00Z') / 1000;
      const clock = () => now;
      const onA = newConversationBudget(5, clock, await openBudgetRecords(a));
      const onB = newConversationBudget(5, clock, await openBudgetRecords(b));
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) => refusal((i % 2 ? onB : onA)(request('198.51.100.20')))),
      );
      expect(answers.filter((r) => r === undefined)).toHaveLength(5);
      expect(answers.filter((r) => r !== undefined)).toEqual(
        Array(15).fill({ status: 429, code: 'too_many_conversations' }),
      );
      // Another address has its own budget; the hour over, this one has it again.
      expect(await refusal(onB(request('198.51.100.21')))).toBeUndefined();
      now += 3601;
      expect(await refusal(onA(request('198.51.100.20')))).toBeUndefined();
    },
  );
});
