/**
 * A double tap is stored once by the store's unique key, not by a map in one process: 200
 * submissions of one session at once give one referral and one reference, and wrong phone
 * digits counted by two proofs over one store (two server instances) add up.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { screenAnswers } from '../../../bot/dialog/next-question.ts';
import { newSession, type Session } from '../../../bot/dialog/session.ts';
import {
  contactProof,
  guessSchema,
  statusGuessLimit,
  storedGuesses,
} from '../../../bot/referral/contact-proof.ts';
import { openDialogStorage } from '../../../bot/referral/dialog-storage.ts';
import { openFileStore, type Store } from '../../../bot/store/collection-store.ts';
import { createScreener } from '../../../rules/engine/screen.ts';
import { storedReferrals } from '../../helpers/stored-referrals.ts';

const screener = createScreener({ today: () => '2026-11-23' });
const dirs: string[] = [];
const stores: Store[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function open() {
  const dir = mkdtempSync(join(tmpdir(), 'concurrent-'));
  dirs.push(dir);
  const store = await openFileStore(dir);
  stores.push(store);
  return { dir, store, storage: await openDialogStorage(store, 'web') };
}

function finished(id: string): Session {
  return {
    ...newSession(id, 'zh', '2026-11-23T10:00:00Z'),
    phase: 'referral_confirm',
    answers: {
      jurisdiction: 'tekes',
      township: 'karadala',
      area: 'rural',
      size: 1,
      members: [{ age: 45, laborCapacity: 'full' }],
      monthlyIncome: 300,
      propertyWithinLimits: true,
    },
    referral: { consent: true, name: '张三', phone: '13912345678' },
  };
}
const result = (s: Session) =>
  screenAnswers(s.answers, {
    screener,
    steps: { counties: [], townships: () => [], propertyRules: () => undefined },
    date: '2026-11-23',
  });

describe('200 taps of one referral at once', () => {
  it('store one referral under one reference, on disk, through every channel of the storage', async () => {
    const { dir, storage } = await open();
    const s = finished('s-double');
    const via = [storage, storage.forChannel('wechat')];
    const references = await Promise.all(
      Array.from({ length: 200 }, (_, i) => via[i % 2]!.submitReferral({ ...s }, result(s))),
    );
    expect(new Set(references).size).toBe(1);
    expect(await storage.referrals.count()).toBe(1);
    expect(Object.keys(storedReferrals(dir))).toEqual([references[0]]);
    // Found by the inbox's columns, without scanning for it.
    expect(
      (await storage.referrals.find({ township: 'karadala', status: 'new' })).map((r) => r.reference),
    ).toEqual([references[0]]);
  });

  it('after the person is deleted, the same answers sent again are a new referral', async () => {
    const { storage } = await open();
    const s = finished('s-again');
    const first = await storage.submitReferral(s, result(s));
    expect(await storage.requestDeletion(first)).toBe(true);
    const [a, b] = await Promise.all([
      storage.submitReferral(s, result(s)),
      storage.submitReferral(s, result(s)),
    ]);
    expect(a).toBe(b);
    expect(a).not.toBe(first);
    expect(await storage.referrals.count()).toBe(2);
    expect(await storage.referrals.get(a)).toMatchObject({ name: '张三', status: 'new' });
  });
});

describe('wrong phone digits over two instances', () => {
  it('add up in the store: five wrong tries spread over two proofs lock the reference for both', async () => {
    const { store, storage } = await open();
    const reference = await storage.submitReferral(finished('s-guess'), result(finished('s-guess')));
    const counts = await store.collection('lookup-guesses', guessSchema);
    const locked: string[] = [];
    // Two instances: each its own proof, the counts in the one store.
    const [one, two] = [1, 2].map(() =>
      contactProof({
        ...statusGuessLimit,
        guesses: storedGuesses(counts),
        find: (r) => storage.referrals.get(r),
        onLocked: (r) => {
          locked.push(r);
        },
      }),
    );
    await Promise.all(
      ['0001', '0002', '0003', '0004', '0005'].map((d, i) => (i % 2 ? one! : two!).digits(reference, d)),
    );
    expect(await one!.digits(reference, '5678')).toMatchObject({ ok: false, locked: true });
    expect(await two!.digits(reference, '5678')).toMatchObject({ ok: false, locked: true });
    expect(locked).toEqual([reference]);
    // A typed reference of any shape is counted without becoming a record id.
    expect(await one!.digits('../../etc/passwd __proto__', '0000')).toEqual({ ok: false, locked: false });
  });
});
