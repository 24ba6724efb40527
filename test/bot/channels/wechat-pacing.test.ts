/**
 * The WeChat channel's sending side with wechaty-puppet-mock: a turn's replies reach the
 * resident as one message; replies left on disk by the last process are sent once after login;
 * residents kept waiting are told the reply is coming, each in their own language. Nothing here
 * measures time: the pacing is real but every assertion is about what arrived and in what order.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { log, WechatyBuilder } from 'wechaty';
import { mock, PuppetMock } from 'wechaty-puppet-mock';
import { openOutboxStore } from '../../../bot/channels/wechat/outbox-store.ts';
import {
  seenSchema,
  startWechatChannel,
  type WechatPacing,
} from '../../../bot/channels/wechat/wechat-channel.ts';
import { createDialogDeps } from '../../../bot/dialog/deps.ts';
import { openDialogStorage } from '../../../bot/referral/dialog-storage.ts';
import { openFileStore, type Store } from '../../../bot/store/collection-store.ts';
import { createScreener } from '../../../rules/engine/screen.ts';
import kkChat from '../../../locales/kk/chat.json' with { type: 'json' };
import ugChat from '../../../locales/ug/chat.json' with { type: 'json' };
import zhChat from '../../../locales/zh/chat.json' with { type: 'json' };

log.level('silent');

const fast: WechatPacing = { sendsPerMinute: 60_000, contactGapMs: 0, maxBytes: 2000, slowNoticeMs: 0 };
let cleanup: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

/** A channel on a mock puppet over a file store in `dir`; `before` runs ahead of the login. */
async function start(
  dir: string,
  pacing: WechatPacing,
  before?: (store: Store, m: mock.Mocker) => Promise<void>,
) {
  const store = await openFileStore(dir);
  const storage = await openDialogStorage(store, 'wechat', 1);
  const mocker = new mock.Mocker();
  const bot = WechatyBuilder.build({ puppet: new PuppetMock({ mocker }), name: join(dir, 'wechat') });
  const channel = startWechatChannel({
    bot,
    dialog: createDialogDeps({
      screener: createScreener({ today: () => '2026-11-23' }),
      date: '2026-11-23',
      submitReferral: storage.submitReferral,
      requestCallback: storage.requestCallback,
    }),
    sessions: storage.sessions,
    referrals: storage.referrals,
    seen: await store.collection('wechat-seen', seenSchema),
    outbox: await openOutboxStore(store),
    log: { info: () => {}, warn: () => {}, error: () => {} },
    pacing,
    messagesPerMinute: 30,
  });
  const sent: { to: string; text: string }[] = [];
  bot.on('message', (msg) => {
    if (msg.self()) sent.push({ to: msg.listener()?.id ?? '', text: msg.text() });
  });
  await bot.start();
  await before?.(store, mocker);
  const self = mocker.createContact({ name: '社会救助助手' });
  mocker.login(self);
  await expect.poll(() => channel.state().status).toBe('online');
  cleanup.push(async () => {
    channel.stop();
    await bot.stop();
    await store.close();
  });
  return { mocker, self, channel, sent, store };
}

function tempDir() {
  const dir = mkdtempSync(join(tmpdir(), 'wechat-pacing-'));
  cleanup.push(async () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('the WeChat channel sends', () => {
  it("a turn's replies as one message (the greeting turn was three)", async () => {
    const { mocker, self, channel, sent } = await start(tempDir(), fast);
    const resident = mocker.createContact({ name: '一条' });
    resident.say('你好').to(self);
    await expect.poll(() => sent.length, { timeout: 10_000 }).toBeGreaterThan(0);
    await expect.poll(() => channel.outbox.pending).toBe(0);
    // Let any straggler arrive before counting.
    await new Promise((r) => setTimeout(r, 300));
    expect(sent).toHaveLength(1);
    expect(sent[0]!.to).toBe(resident.id);
    expect(sent[0]!.text.split('\n\n').length).toBeGreaterThan(1);
  });

  it('what the last process left in its outbox, once, after the login', async () => {
    const dir = tempDir();
    let residentId = '';
    const { sent, channel } = await start(dir, fast, async (store, mocker) => {
      // The last process queued two replies to this resident and stopped before sending them.
      residentId = mocker.createContact({ name: '重启' }).id;
      const outbox = await openOutboxStore(store);
      await outbox.setDurably('m1-1', {
        contact: residentId,
        room: false,
        text: '第一条',
        lang: 'zh',
        at: 1,
        seq: 1,
      });
      await outbox.setDurably('m1-2', {
        contact: residentId,
        room: false,
        text: '第二条',
        lang: 'zh',
        at: 1,
        seq: 2,
      });
    });
    await expect.poll(() => sent.length, { timeout: 10_000 }).toBe(2);
    await expect.poll(() => channel.outbox.pending).toBe(0);
    await new Promise((r) => setTimeout(r, 300));
    expect(sent).toEqual([
      { to: residentId, text: '第一条' },
      { to: residentId, text: '第二条' },
    ]);
  });

  it('"your reply is coming" to residents kept waiting, in their language', async () => {
    // One send a second overall, and a reply counts as slow after 1 ms: whoever is not first waits.
    const { mocker, self, channel, sent } = await start(tempDir(), {
      ...fast,
      sendsPerMinute: 60,
      slowNoticeMs: 1,
    });
    const residents = [
      { c: mocker.createContact({ name: '张' }), hello: '你好', coming: zhChat.wechat.reply_coming },
      {
        c: mocker.createContact({ name: 'ئايگۈل' }),
        hello: 'ياخشىمۇسىز',
        coming: ugChat.wechat.reply_coming,
      },
      {
        c: mocker.createContact({ name: 'ايگۇل' }),
        hello: 'سالەمەتسىز بە',
        coming: kkChat.wechat.reply_coming,
      },
    ];
    for (const r of residents) r.c.say(r.hello).to(self);
    await expect.poll(() => sent.length, { timeout: 20_000 }).toBeGreaterThanOrEqual(3);
    await expect.poll(() => channel.outbox.pending, { timeout: 20_000 }).toBe(0);
    const allComing = residents.map((r) => r.coming);
    let told = 0;
    for (const r of residents) {
      const mine = sent.filter((s) => s.to === r.c.id).map((s) => s.text);
      // Either the reply alone, or the notice in the resident's own language and then the reply.
      const reply = mine.at(-1)!;
      expect(allComing).not.toContain(reply);
      if (mine.length === 2) {
        expect(mine[0]).toBe(r.coming);
        told++;
      } else expect(mine).toHaveLength(1);
    }
    // Three replies at one a second: at least the last resident waited and was told.
    expect(told).toBeGreaterThan(0);
  });
});
