/**
 * New-referral notices to a township's webhook: signed, retried with back-off while the
 * receiver fails, delivered once, never carrying personal data, kept on disk across a restart.
 */
import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ReferralRecord } from '../../../bot/referral/referral-record.ts';
import { openFileStore, openMemoryStore } from '../../../bot/store/collection-store.ts';
import { claimNotice } from '../../../server/notices/notice-claim.ts';
import { staffNotices } from '../../../server/notices/staff-notices.ts';

const dir = mkdtempSync(join(tmpdir(), 'notices-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const record: ReferralRecord = {
  reference: 'TE-ABCD2345',
  kind: 'referral',
  createdAt: '2026-11-23T10:00:00.000Z',
  channel: 'web',
  lang: 'ug',
  jurisdiction: 'tekes',
  township: 'karadala',
  village: '阿克塔斯村',
  answers: { members: [{ age: 45, seriousIllness: true }] },
  programs: [
    { id: 'dibao', verdict: 'likely', monthlyAmount: 668, department: 'civil_affairs' },
    { id: 'housing', verdict: 'unlikely' },
  ],
  name: '阿依古丽',
  phone: '13912345678',
  idNumber: '11010519491231002X',
  status: 'new',
  history: [],
};

describe('township webhook notices', () => {
  it('retry with back-off until the receiver takes them, signed, once, without personal data', async () => {
    const received: { headers: IncomingMessage['headers']; body: string }[] = [];
    let failuresLeft = 2;
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.statusCode = failuresLeft-- > 0 ? 503 : 204;
        res.end();
      });
    });
    receiver.listen(0, '127.0.0.1');
    await once(receiver, 'listening');
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;

    let clock = new Date('2026-11-23T10:00:00Z');
    const store = await openFileStore(dir);
    const notices = await staffNotices(store, {
      publicUrl: () => 'https://jiuzhu.example.cn',
      baseDelayMs: 1000,
      maxDelayMs: 60_000,
      now: () => clock,
    });
    const { secret } = await notices.configure('tekes', 'karadala', { webhookUrl: url });
    await notices.enqueue(record);
    await notices.enqueue(record); // a repeated submission: still one notice
    expect(await notices.pending()).toHaveLength(1);

    await notices.dispatchDue(); // fails (503)
    await notices.dispatchDue(); // not due yet: no second try within the back-off
    expect(received).toHaveLength(1);
    clock = new Date(clock.getTime() + 1000);
    await notices.dispatchDue(); // second failure; next try in 2 s
    clock = new Date(clock.getTime() + 1000);
    await notices.dispatchDue();
    expect(received).toHaveLength(2);
    await store.close(); // a restart while the receiver is still failing

    const reopened = await openFileStore(dir);
    const again = await staffNotices(reopened, {
      publicUrl: () => 'https://jiuzhu.example.cn',
      baseDelayMs: 1000,
      maxDelayMs: 60_000,
      now: () => clock,
    });
    expect(await again.pending()).toHaveLength(1);
    clock = new Date(clock.getTime() + 2000);
    await again.dispatchDue();
    expect(received).toHaveLength(3);
    expect(await again.pending()).toHaveLength(0);
    await again.dispatchDue();
    expect(received).toHaveLength(3);

    const last = received.at(-1)!;
    const expected = createHmac('sha256', secret!)
      .update(`${last.headers['x-timestamp']}.${last.body}`)
      .digest('hex');
    expect(last.headers['x-signature-256']).toBe(`sha256=${expected}`);
    expect(JSON.parse(last.body)).toEqual({
      type: 'referral.created',
      reference: 'TE-ABCD2345',
      kind: 'referral',
      county: 'tekes',
      township: 'karadala',
      village: '阿克塔斯村',
      programs: ['dibao'],
      link: 'https://jiuzhu.example.cn/staff/referrals/TE-ABCD2345',
      createdAt: '2026-11-23T10:00:00.000Z',
    });
    for (const secretValue of ['阿依古丽', '13912345678', '11010519491231002X', 'seriousIllness'])
      expect(last.body).not.toContain(secretValue);
    await reopened.close();
    receiver.close();
  });
});

describe('two senders on one queue (two server instances)', () => {
  it('a due notice is sent once, however many senders run at the same moment', async () => {
    let requests = 0;
    const receiver = createServer((req, res) => {
      requests++;
      req.resume();
      // Slow enough that every sender has read the queue before the first send ends.
      setTimeout(() => res.end(), 50);
    });
    receiver.listen(0, '127.0.0.1');
    await once(receiver, 'listening');
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    const store = await openMemoryStore();
    const options = { publicUrl: () => 'https://jiuzhu.example.cn', baseDelayMs: 1000, maxDelayMs: 60_000 };
    // Each has its own pass (its own `running` flag), as two processes would: only the queue is shared.
    // (Opened one after another: the memory store's collection() opened twice at once makes two.)
    const senders = [];
    for (let i = 0; i < 3; i++) senders.push(await staffNotices(store, options));
    await senders[0]!.configure('tekes', 'karadala', { webhookUrl: url });
    await senders[0]!.enqueue(record);
    await Promise.all(senders.map((s) => s.dispatchDue()));
    expect(requests).toBe(1);
    expect(await senders[1]!.pending()).toHaveLength(0);
    const [notice] = await senders[0]!.queue.find({ state: 'delivered' });
    expect(notice).toMatchObject({ attempts: 1, deliveredAt: expect.any(String) });
    expect(notice?.claimedAt).toBeUndefined();
    await store.close();
    receiver.close();
  });

  it('a claim holds against other senders until it lapses, and never for a notice gone or not due', async () => {
    const store = await openMemoryStore();
    const { queue } = await staffNotices(store, { publicUrl: () => '', baseDelayMs: 1000, maxDelayMs: 1000 });
    const at = new Date('2026-11-23T10:00:00Z');
    const payload = {
      type: 'referral.created' as const,
      reference: 'TE-ABCD2345',
      kind: 'referral',
      county: 'tekes',
      township: 'karadala',
      village: '',
      programs: [],
      link: '',
      createdAt: at.toISOString(),
    };
    const id = 'TE-ABCD2345-webhook';
    await queue.set(id, {
      id,
      channel: 'webhook',
      place: 'p',
      payload,
      attempts: 0,
      nextAt: at.toISOString(),
    });
    const due = () => true;
    const later = (ms: number) => new Date(at.getTime() + ms);
    expect(await claimNotice(queue, id, due, at, 60_000)).toMatchObject({ claimedAt: at.toISOString() });
    expect(await claimNotice(queue, id, due, later(59_999), 60_000)).toBeUndefined();
    // The first sender died mid-send: after the lease another takes it up.
    expect(await claimNotice(queue, id, due, later(60_000), 60_000)).toMatchObject({
      claimedAt: later(60_000).toISOString(),
    });
    expect(await claimNotice(queue, 'gone', due, later(200_000), 60_000)).toBeUndefined();
    expect(await claimNotice(queue, id, () => false, later(200_000), 60_000)).toBeUndefined();
    await store.close();
  });
});
