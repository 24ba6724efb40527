/**
 * The WeChat channel with wechaty-puppet-mock: residents chat in zh, ug and kk to results and a
 * referral; a duplicated message event changes nothing; voice gets a text-please; a mention is
 * needed in groups; a caseworker's status change reaches the resident; the staff group gets the
 * new-referral notice. The bot is stopped cleanly at the end (no hanging runner).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import zhChat from '../../../locales/zh/chat.json' with { type: 'json' };
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileBox } from 'file-box';
import { log, types, WechatyBuilder } from 'wechaty';
import type { Wechaty } from 'wechaty';
import { mock, PuppetMock } from 'wechaty-puppet-mock';
import { pumpNotices } from '../../../bot/channels/wechat/notice-pump.ts';
import {
  seenSchema,
  startWechatChannel,
  type WechatChannel,
} from '../../../bot/channels/wechat/wechat-channel.ts';
import { createDialogDeps } from '../../../bot/dialog/deps.ts';
import { openDialogStorage, type DialogStorage } from '../../../bot/referral/dialog-storage.ts';
import { openFileStore, type Store } from '../../../bot/store/collection-store.ts';
import { createScreener } from '../../../rules/engine/screen.ts';
import { residentNotices } from '../../../server/notices/resident-notices.ts';
import { staffNotices, type StaffNotices } from '../../../server/notices/staff-notices.ts';
import { coupleZh, referralZh } from '../../helpers/transcripts.ts';
import { collect } from '../../helpers/collect.ts';

log.level('silent');

let dir: string;
let store: Store;
let storage: DialogStorage;
let bot: Wechaty;
let channel: WechatChannel;
let mocker: mock.Mocker;
let self: mock.ContactMock;
let township: StaffNotices;
let residents: Awaited<ReturnType<typeof residentNotices>>;
const sent: { to: string; text: string }[] = [];
const incoming: { from: string; id: string }[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wechat-'));
  store = await openFileStore(dir);
  storage = await openDialogStorage(store, 'web', 1);
  township = await staffNotices(store, {
    publicUrl: () => 'https://jiuzhu.example.cn',
    baseDelayMs: 1000,
    maxDelayMs: 60_000,
  });
  residents = await residentNotices(store);
  const wechat = storage.forChannel('wechat');
  const dialog = createDialogDeps({
    screener: createScreener({ today: () => '2026-11-23' }),
    date: '2026-11-23',
    submitReferral: async (s, r) => {
      const reference = await wechat.submitReferral(s, r);
      await township.enqueue((await storage.referrals.get(reference))!);
      return reference;
    },
    requestCallback: wechat.requestCallback,
  });
  mocker = new mock.Mocker();
  bot = WechatyBuilder.build({ puppet: new PuppetMock({ mocker }), name: join(dir, 'wechat') });
  channel = startWechatChannel({
    bot,
    dialog,
    sessions: storage.sessions,
    referrals: storage.referrals,
    proof: storage.proof,
    seen: await store.collection('wechat-seen', seenSchema),
    log: { info: () => {}, warn: () => {}, error: () => {} },
    // Pacing out of the way (1 ms): these tests are about what is said; pacing has its own.
    pacing: { sendsPerMinute: 60_000, contactGapMs: 0, maxBytes: 2000, slowNoticeMs: 0 },
    messagesPerMinute: 30,
  });
  // What the bot says comes back as its own messages: record them.
  bot.on('message', (msg) => {
    if (msg.self()) sent.push({ to: msg.room()?.id ?? msg.listener()?.id ?? '', text: msg.text() });
    else incoming.push({ from: msg.talker().id, id: msg.id });
  });
  await bot.start();
  self = mocker.createContact({ name: '社会救助助手' });
  mocker.login(self);
  for (let i = 0; i < 50 && channel.state().status !== 'online'; i++)
    await new Promise((r) => setTimeout(r, 20));
  if (channel.state().status !== 'online') throw new Error('the mock login did not arrive');
});

afterAll(async () => {
  channel?.stop();
  await bot?.stop();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Sends each message and waits for the replies to settle; returns what the resident read. */
async function chat(from: mock.ContactMock, messages: string[], to: mock.ContactMock | mock.RoomMock = self) {
  const replies: string[][] = [];
  for (const m of messages) {
    const before = sent.length;
    from.say(m).to(to);
    await settle(before);
    replies.push(sent.slice(before).map((s) => s.text));
  }
  return { replies, all: replies.flat().join('\n') };
}

async function settle(before: number) {
  await expect.poll(() => sent.length, { timeout: 5000 }).toBeGreaterThan(before);
  let n = -1;
  while (n !== sent.length) {
    n = sent.length;
    await new Promise((r) => setTimeout(r, 80));
  }
}

describe('residents on WeChat', () => {
  it('chat in Chinese to results and a referral recorded as a WeChat referral', async () => {
    const resident = mocker.createContact({ name: '阿依古丽' });
    const { all } = await chat(resident, [...coupleZh, ...referralZh]);
    expect(all).toContain('估算每月 668 元');
    const reference = /转介编号：(TE-[0-9A-Z]{8})/.exec(all)![1]!;
    expect(await storage.referrals.get(reference)).toMatchObject({
      channel: 'wechat',
      contact: resident.id,
      township: 'tekes_town',
    });
  });

  it('chat in Uyghur and Kazakh, answered in their language', async () => {
    const ug = mocker.createContact({ name: 'ئايگۈل' });
    const ugChat = await chat(ug, [
      'ياخشىمۇسىز، ئەڭ تۆۋەن تۇرمۇش كاپالىتى ئىلتىماس قىلماقچى',
      '1',
      '1',
      'يېزا',
      '2',
      '٤٥ ٤٣',
      '1',
      '1',
      '600 يۈەن',
      'ھەئە',
      'يوق',
      'ياق',
      'ياق',
      'يوق',
      '1',
      '1',
      'ئايگۈل',
      '13912345678',
      'ئاتلاش',
      '1',
    ]);
    expect(ugChat.all).toContain('668');
    expect(ugChat.all).not.toMatch(/[\u4e00-\u9fff]/);
    const kk = mocker.createContact({ name: 'ايگۇل' });
    const kkChat = await chat(kk, [
      'سالەمەتسىز بە، ديباۋ العىم كەلەدى',
      '1',
      '1',
      'اۋىل',
      '2',
      '45 43',
      '1',
      '1',
      '600 يۋان',
      'ءيا',
      'جوق',
      'جوق',
      'جوق',
      'جوق',
      '1',
      '1',
      'ايگۇل',
      '13912345678',
      'وتكىزۋ',
      '1',
    ]);
    expect(kkChat.all).toContain('668');
    expect(kkChat.all).not.toMatch(/[\u4e00-\u9fff]/);
    expect(
      (await collect(storage.referrals.values())).filter((r) => r.channel === 'wechat').map((r) => r.lang),
    ).toEqual(expect.arrayContaining(['ug', 'kk']));
  });

  it('handles a duplicated message event once', async () => {
    const resident = mocker.createContact({ name: '重复' });
    await chat(resident, ['你好']);
    const before = sent.length;
    resident.say('1').to(self);
    await settle(before);
    const session = async () =>
      (await collect(storage.sessions.values())).find((s) => s.contact === resident.id)!;
    const asked = (await session()).asked;
    // The puppet re-emits the resident's last message id, as after a reconnect.
    const lastId = incoming.filter((m) => m.from === resident.id).at(-1)!.id;
    const count = sent.length;
    mocker.puppet.emit('message', { messageId: lastId });
    await new Promise((r) => setTimeout(r, 300));
    expect(sent.length).toBe(count);
    expect((await session()).asked).toBe(asked);
  });

  it('asks for text when a voice message arrives, and keeps nothing of it', async () => {
    const resident = mocker.createContact({ name: '语音' });
    const before = sent.length;
    resident.say(FileBox.fromBase64(Buffer.from('silk').toString('base64'), 'voice.silk')).to(self);
    await settle(before);
    expect(sent.at(-1)!.text).toContain('我只能看懂文字消息');
    expect((await collect(storage.sessions.values())).some((s) => s.contact === resident.id)).toBe(false);
  });

  it('answers in a group only when mentioned', async () => {
    const member = mocker.createContact({ name: '群成员' });
    const room = mocker.createRoom({ topic: '阿克塔斯村民群', memberIdList: [member.id, self.id] });
    const before = sent.length;
    member.say('大家好').to(room);
    await new Promise((r) => setTimeout(r, 300));
    expect(sent.length).toBe(before);
    member.say('@社会救助助手 你好', [self]).to(room);
    await settle(before);
    expect(sent.at(-1)!.to).toBe(room.id);
  });

  it('accepts a friend request with a greeting in the three languages', async () => {
    const newcomer = mocker.createContact({ name: '新朋友' });
    // The mock's friendship payload carries only an id: give it what a real request carries.
    const puppet = mocker.puppet as unknown as {
      friendshipRawPayload: (id: string) => Promise<unknown>;
      friendshipAccept: (id: string) => Promise<void>;
    };
    let accepted = '';
    puppet.friendshipRawPayload = async (id) => ({
      id,
      contactId: newcomer.id,
      type: types.Friendship.Receive,
      hello: '你好',
      timestamp: Date.now(),
    });
    puppet.friendshipAccept = async (id) => {
      accepted = id;
    };
    const before = sent.length;
    mocker.puppet.emit('friendship', { friendshipId: 'friend-1' });
    await settle(before);
    expect(accepted).toBe('friend-1');
    const greeting = sent.at(-1)!;
    expect(greeting.to).toBe(newcomer.id);
    expect(greeting.text).toContain('社会救助初筛助手');
    expect(greeting.text).toContain('ياخشىمۇسىز');
    expect(greeting.text).toContain('سالەمەتسىز');
  });

  it('discloses a referral only for its reference and phone digits', async () => {
    const resident = mocker.createContact({ name: '查询' });
    const [reference] = (await collect(storage.referrals.values()))
      .filter((r) => r.channel === 'wechat')
      .map((r) => r.reference);
    const wrong = await chat(resident, [`${reference} 0000`]);
    expect(wrong.all).toContain('没有找到');
    const right = await chat(resident, [`${reference!.toLowerCase()} 5678`]);
    expect(right.all).toContain('已收到');
  });

  it('counts wrong digits per reference, whoever sends them: after five even the right ones wait', async () => {
    const [reference] = (await collect(storage.referrals.values()))
      .filter((r) => r.channel === 'wechat')
      .map((r) => r.reference);
    // One wrong try was made above; four more, each from another contact.
    for (const n of [1, 2, 3, 4]) {
      const guesser = mocker.createContact({ name: `猜测${n}` });
      await chat(guesser, [`${reference} ${String(n).repeat(4)}`]);
    }
    const owner = mocker.createContact({ name: '本人' });
    const refused = await chat(owner, [`${reference} 5678`]);
    expect(refused.all).toContain(zhChat.wechat.status_locked.replace('{{minutes}}', '15'));
    expect(refused.all).not.toContain('已收到');
  });
});

describe('notices over WeChat', () => {
  it("a caseworker's status change reaches the resident; the staff group gets the new-referral notice", async () => {
    const resident = mocker.createContact({ name: '状态' });
    const staffRoom = mocker.createRoom({ topic: '喀拉达拉镇社会救助', memberIdList: [self.id] });
    await township.configure('tekes', 'qiaolaketiereke', { wechat: '喀拉达拉镇社会救助' });
    const { all } = await chat(resident, [
      '你好',
      '1',
      '2',
      '农村',
      '两口人',
      '45 43',
      '1',
      '1',
      '六百',
      '是',
      '没有',
      '否',
      '没有',
      '没有',
      ...referralZh.slice(0, 3),
      '13800005678',
      '跳过',
      '1',
    ]);
    const reference = /转介编号：(TE-[0-9A-Z]{8})/.exec(all)![1]!;
    const record = (await storage.referrals.get(reference))!;
    await storage.referrals.setDurably(reference, { ...record, status: 'contacted' });
    residents.statusChanged({ ...record, status: 'contacted' });
    const before = sent.length;
    const delivered = await pumpNotices({
      channel,
      residentNotices: residents.queue,
      staffNotices: township.queue,
      staffTarget: async (place) => (await township.settings.get(place))?.wechat,
      townshipName: () => '乔拉克铁热克镇',
    });
    expect(delivered).toBe(2);
    const out = sent.slice(before);
    expect(out.find((s) => s.to === resident.id)?.text).toBe(
      `您的转介 ${reference} 有新进展：乡镇工作人员已经联系过您`,
    );
    const notice = out.find((s) => s.to === staffRoom.id)!.text;
    expect(notice).toContain(reference);
    expect(notice).toContain('https://jiuzhu.example.cn/staff/referrals/');
    expect(notice).not.toContain('13800005678');
    expect(notice).not.toContain('阿依古丽');
    // Sent notices are not sent again.
    expect(
      await pumpNotices({
        channel,
        residentNotices: residents.queue,
        staffNotices: township.queue,
        staffTarget: () => '喀拉达拉镇社会救助',
        townshipName: () => '',
      }),
    ).toBe(0);
  });
});
