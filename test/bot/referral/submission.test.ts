/**
 * Referrals into the township inbox: one per submission however often it arrives, on disk
 * before the number is returned, and "talk to a person" requests in the same inbox.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { screenAnswers } from '../../../bot/dialog/next-question.ts';
import { newSession, type Session } from '../../../bot/dialog/session.ts';
import { openDialogStorage } from '../../../bot/referral/dialog-storage.ts';
import type { ReferralRecord } from '../../../bot/referral/referral-record.ts';
import { openFileStore, type Store } from '../../../bot/store/collection-store.ts';
import { createScreener } from '../../../rules/engine/screen.ts';
import { collect } from '../../helpers/collect.ts';
import { storedReferrals } from '../../helpers/stored-referrals.ts';

const screener = createScreener({ today: () => '2026-11-23' });
const dirs: string[] = [];
const stores: Store[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function open() {
  const dir = mkdtempSync(join(tmpdir(), 'submission-'));
  dirs.push(dir);
  const store = await openFileStore(dir);
  stores.push(store);
  return { dir, store, storage: await openDialogStorage(store, 'web', 1) };
}

function finished(id = 's1', name = '张三'): Session {
  return {
    ...newSession(id, 'zh', '2026-11-23T10:00:00Z'),
    phase: 'referral_confirm',
    answers: {
      jurisdiction: 'tekes',
      township: 'karadala',
      area: 'rural',
      size: 2,
      members: [
        { age: 45, laborCapacity: 'full' },
        { age: 43, laborCapacity: 'full' },
      ],
      monthlyIncome: 600,
      propertyWithinLimits: true,
    },
    referral: { consent: true, name, phone: '13912345678' },
  };
}
const result = (s: Session) =>
  screenAnswers(s.answers, {
    screener,
    steps: { counties: [], townships: () => [], propertyRules: () => undefined },
    date: '2026-11-23',
  });

describe('submitting a referral', () => {
  it('gives one referral for a double tap, a retry and a duplicated event', async () => {
    const { dir, storage } = await open();
    const s = finished();
    const [a, b] = await Promise.all([
      storage.submitReferral(s, result(s)),
      storage.submitReferral(s, result(s)),
    ]);
    const c = await storage.submitReferral({ ...s }, result(s));
    expect(new Set([a, b, c]).size).toBe(1);
    const onDisk = storedReferrals(dir) as Record<string, ReferralRecord>;
    expect(Object.keys(onDisk)).toEqual([a]);
    expect(onDisk[a]).toMatchObject({
      kind: 'referral',
      township: 'karadala',
      status: 'new',
      history: [{ by: 'resident', action: 'created' }],
    });
    // Each program names the department the township passes it to.
    const dibao = onDisk[a]!.programs.find((p) => p.id === 'dibao');
    expect(dibao).toMatchObject({ verdict: 'likely', monthlyAmount: 668, department: 'civil_affairs' });
  });

  it('remembers submissions across a restart, and a changed submission is a new referral', async () => {
    const { dir, store, storage } = await open();
    const s = finished();
    const first = await storage.submitReferral(s, result(s));
    await store.close();
    stores.pop();
    const again = await openFileStore(dir);
    stores.push(again);
    const reopened = await openDialogStorage(again, 'web', 1);
    expect(await reopened.submitReferral(s, result(s))).toBe(first);
    const changed = finished('s1', '李四');
    expect(await reopened.submitReferral(changed, result(changed))).not.toBe(first);
    expect(await reopened.referrals.count()).toBe(2);
  });

  it('puts "talk to a person" in the same inbox, routed by township, with a phone and without the answers', async () => {
    const { storage } = await open();
    const s = { ...finished(), referral: undefined };
    // A call-back nobody can return is refused, not stored.
    await expect(storage.requestCallback(s)).rejects.toThrow(/phone/);
    await expect(
      storage.requestCallback({ ...s, callback: { name: '张三', phone: '12345' } }),
    ).rejects.toThrow();
    expect(await storage.referrals.count()).toBe(0);
    await storage.requestCallback({
      ...s,
      callback: { county: 'tekes', township: 'kuokesu', name: '张三', phone: '13912345678' },
    });
    const [item] = await collect(storage.referrals.values());
    expect(item).toMatchObject({
      kind: 'callback',
      jurisdiction: 'tekes',
      township: 'kuokesu',
      status: 'new',
      answers: {},
      name: '张三',
      phone: '13912345678',
    });
  });

  it('deletes a call-back made in the chat without a referral, and the conversation holding it', async () => {
    const { storage } = await open();
    const s: Session = {
      ...newSession('s9', 'zh', '2026-11-23T10:00:00Z'),
      callback: { county: 'tekes', name: '张三', phone: '13912345678' },
    };
    const reference = (await storage.requestCallback(s)) as string;
    await storage.sessions.set('s9', { ...s, callback: { ...s.callback, reference } });
    expect(await storage.requestDeletion(reference)).toBe(true);
    expect(await storage.referrals.get(reference)).toMatchObject({ name: '', phone: '' });
    expect(await storage.sessions.get('s9')).toBeUndefined();
  });

  it('anonymises closed cases after the retention period, keeping what statistics need', async () => {
    const { storage } = await open();
    const closed = finished('s-closed');
    const open_ = finished('s-open', '李四');
    const a = await storage.submitReferral(closed, result(closed));
    const b = await storage.submitReferral(open_, result(open_));
    const old = '2025-01-01T00:00:00.000Z';
    await storage.referrals.setDurably(a, {
      ...(await storage.referrals.get(a))!,
      status: 'approved',
      updatedAt: old,
    });
    await storage.referrals.setDurably(b, { ...(await storage.referrals.get(b))!, updatedAt: old });
    expect(await storage.applyRetention(new Date('2026-11-23T00:00:00Z'), 365)).toEqual([a]);
    const gone = (await storage.referrals.get(a))!;
    expect(gone).toMatchObject({
      name: '',
      phone: '',
      answers: {},
      status: 'approved',
      township: 'karadala',
    });
    expect(gone.programs.find((p) => p.id === 'dibao')?.monthlyAmount).toBe(668);
    expect(gone.history.at(-1)).toMatchObject({ by: 'system', action: 'anonymised' });
    expect((await storage.referrals.get(b))!.name).toBe('李四');
  });

  it('honours a deletion request at once: personal data gone, the open case withdrawn, recorded', async () => {
    const { storage } = await open();
    const s = finished();
    const reference = await storage.submitReferral(
      { ...s, referral: { ...s.referral!, idNumber: '11010519491231002X', village: '阿克塔斯村' } },
      result(s),
    );
    expect(await storage.requestDeletion(reference)).toBe(true);
    const r = (await storage.referrals.get(reference))!;
    expect(r).toMatchObject({ name: '', phone: '', answers: {}, status: 'withdrawn' });
    expect(r.idNumber).toBeUndefined();
    expect(r.village).toBeUndefined();
    expect(r.deletionRequestedAt).toBeDefined();
    expect(r.history.map((h) => h.action)).toEqual(['created', 'deletion_requested', 'status', 'anonymised']);
  });

  it('deletes the whole person: their conversations, linked call-backs, same contact, and registered queues', async () => {
    const { storage } = await open();
    const s = { ...finished('s1'), contact: 'wxid_resident' };
    const reference = await storage.submitReferral(s, result(s));
    const done: Session = { ...s, phase: 'done', referral: { ...s.referral!, reference } };
    await storage.sessions.set('s1', done);
    // A call-back asked for after the referral names it; another conversation of the same contact.
    const callback = (await storage.requestCallback(done)) as string;
    await storage.sessions.set('s2', {
      ...newSession('s2', 'zh', '2026-11-23T11:00:00Z'),
      contact: 'wxid_resident',
    });
    const other = finished('s3', '李四');
    const kept = await storage.submitReferral(other, result(other));
    await storage.sessions.set('s3', other);
    const forgotten: string[][] = [];
    storage.alsoForget(async (p) => {
      forgotten.push([...p.references, ...p.contacts]);
    });

    expect(await storage.requestDeletion(reference)).toBe(true);
    expect(await storage.sessions.get('s1')).toBeUndefined();
    expect(await storage.sessions.get('s2')).toBeUndefined();
    expect(await storage.sessions.get('s3')).toBeDefined();
    for (const ref of [reference, callback]) {
      expect(await storage.referrals.get(ref)).toMatchObject({ name: '', phone: '' });
      expect((await storage.referrals.get(ref))!.contact).toBeUndefined();
    }
    expect((await storage.referrals.get(kept))!.name).toBe('李四');
    expect(forgotten).toEqual([[reference, callback, 'wxid_resident']]);
  });
});
