/**
 * Subscription messages with several senders on one queue (several server instances): each
 * message is claimed by one of them before it is sent, so a resident never gets one twice; the
 * queue shrinks to nothing once sent, and a message claimed by a sender that died is taken up
 * again after the claim's lease.
 */
import { describe, expect, it } from 'vitest';
import type { ReferralRecord } from '../../../bot/referral/referral-record.ts';
import { openMemoryStore } from '../../../bot/store/collection-store.ts';
import type { SubscribeMessage, WechatApi } from '../../../server/wechat-api/wechat-api.ts';
import { subscribeNotices, type StatusTemplate } from '../../../server/notices/subscribe-notices.ts';

const template: StatusTemplate = {
  id: 'tpl-1',
  fields: { status: 'thing1' },
  page: 'pages/status/status',
  state: 'formal',
};

const record: ReferralRecord = {
  reference: 'TE-ABCD2345',
  kind: 'referral',
  createdAt: '2026-11-23T10:00:00.000Z',
  updatedAt: '2026-11-24T10:00:00.000Z',
  channel: 'miniprogram',
  lang: 'zh',
  jurisdiction: 'tekes',
  name: '阿依古丽',
  phone: '13912345678',
  answers: {},
  programs: [],
  status: 'contacted',
  history: [],
  miniprogram: { openid: 'o-resident', templates: ['tpl-1'], at: '2026-11-23T10:00:00.000Z' },
};

/** A WeChat that takes a while to answer, so every sender has read the queue before it does. */
function slowApi(sent: SubscribeMessage[]): WechatApi {
  return {
    sendSubscribe: async (m: SubscribeMessage) => {
      await new Promise((r) => setTimeout(r, 30));
      sent.push(m);
    },
  } as unknown as WechatApi;
}

describe('subscription messages from several senders', () => {
  it('a status change reaches the resident once, however many senders pass over the queue', async () => {
    const store = await openMemoryStore();
    const sent: SubscribeMessage[] = [];
    const options = { template, api: slowApi(sent), baseDelayMs: 1000, maxDelayMs: 60_000 };
    // Opened one after another (two collection() calls at once on one store make two collections).
    const senders = [];
    for (let i = 0; i < 3; i++) senders.push(await subscribeNotices(store, options));
    await senders[0]!.statusChanged(record); // queues it and starts a pass of its own
    await Promise.all(senders.map((s) => s.dispatchDue()));
    await new Promise((r) => setTimeout(r, 100)); // the pass statusChanged started
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ touser: 'o-resident', template_id: 'tpl-1' });
    expect(await senders[2]!.pending()).toEqual([]);
    const [done] = await senders[1]!.queue.find({ state: 'done' });
    // Sent: the openid is dropped and the claim released.
    expect(done).toMatchObject({ attempts: 1, sentAt: expect.any(String) });
    expect(done?.openid).toBeUndefined();
    expect(done?.claimedAt).toBeUndefined();
    await store.close();
  });

  it('a message claimed by a sender that died is sent by another once the claim lapses', async () => {
    const store = await openMemoryStore();
    const sent: SubscribeMessage[] = [];
    let clock = new Date('2026-11-24T10:00:00Z');
    const notices = await subscribeNotices(store, {
      template,
      api: slowApi(sent),
      baseDelayMs: 1000,
      maxDelayMs: 60_000,
      now: () => clock,
    });
    const id = 'm-1';
    await notices.queue.set(id, {
      id,
      reference: record.reference,
      openid: 'o-resident',
      templateId: 'tpl-1',
      lang: 'zh',
      status: 'contacted',
      at: clock.toISOString(),
      attempts: 0,
      nextAt: clock.toISOString(),
      claimedAt: clock.toISOString(),
    });
    await notices.dispatchDue();
    expect(sent).toHaveLength(0); // another sender holds it
    clock = new Date(clock.getTime() + 2 * 60_000);
    await notices.dispatchDue();
    expect(sent).toHaveLength(1);
    await store.close();
  });
});
