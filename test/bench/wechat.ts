/**
 * WeChat at a county's scale: 1, 5, 20 and 50 residents chatting at once through
 * wechaty-puppet-mock with the production pacing (server/config.ts defaults). Each round every
 * resident sends one message at the same moment (the first is the greeting, whose turn used to
 * be three messages); a round ends when the outbox is empty. Per resident and turn: seconds from
 * the message to the complete reply (its last message that is not the "reply is coming"
 * notice), messages sent for the reply (target 1.0) and notices sent.
 * Real time: the 50-resident case takes minutes, so BENCH_RUNS defaults to 1 here.
 *   BENCH_WECHAT_RESIDENTS=1,5,20,50 BENCH_WECHAT_TURNS=2 BENCH_RUNS=1 npm run bench -- wechat
 * The pacing is read like the server reads it: WECHAT_SLOW_NOTICE_MS=0 npm run bench -- wechat.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { log, WechatyBuilder } from 'wechaty';
import { mock, PuppetMock } from 'wechaty-puppet-mock';
import { openOutboxStore } from '../../bot/channels/wechat/outbox-store.ts';
import { seenSchema, startWechatChannel } from '../../bot/channels/wechat/wechat-channel.ts';
import { createDialogDeps } from '../../bot/dialog/deps.ts';
import { openDialogStorage } from '../../bot/referral/dialog-storage.ts';
import { openFileStore } from '../../bot/store/collection-store.ts';
import { translator } from '../../locales/i18n.ts';
import { createScreener } from '../../rules/engine/screen.ts';
import { parseConfig } from '../../server/config.ts';

log.level('silent');

const script = ['你好', '1', '1', '农村', '两口人', '45 43'];
const coming = new Set((['zh', 'ug', 'kk'] as const).map((l) => translator(l)('chat.wechat.reply_coming')));

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]! : Number.NaN;
};
const median = (xs: number[]) => percentile(xs, 50);

async function once(residents: number, turns: number) {
  const config = parseConfig(process.env);
  const dir = mkdtempSync(join(tmpdir(), 'bench-wechat-'));
  const store = await openFileStore(dir);
  const storage = await openDialogStorage(store, 'wechat');
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
    seen: await store.collection('wechat-seen', seenSchema, { coalesceMs: 1000, fsync: false }),
    outbox: await openOutboxStore(store),
    log: { info: () => {}, warn: () => {}, error: () => {} },
    pacing: {
      sendsPerMinute: config.WECHAT_SENDS_PER_MINUTE,
      contactGapMs: config.WECHAT_CONTACT_GAP_MS,
      maxBytes: config.WECHAT_MESSAGE_MAX_BYTES,
      slowNoticeMs: config.WECHAT_SLOW_NOTICE_MS,
    },
    messagesPerMinute: 20,
  });
  const received = new Map<string, { at: number; text: string }[]>();
  bot.on('message', (msg) => {
    if (!msg.self()) return;
    const to = msg.listener()?.id ?? '';
    received.set(to, [...(received.get(to) ?? []), { at: performance.now(), text: msg.text() }]);
  });
  const latencies: number[] = [];
  const perTurn: number[] = [];
  const notices: number[] = [];
  try {
    await bot.start();
    const self = mocker.createContact({ name: '社会救助助手' });
    mocker.login(self);
    while (channel.state().status !== 'online') await new Promise((r) => setTimeout(r, 20));
    const people = Array.from({ length: residents }, (_, i) => mocker.createContact({ name: `居民${i}` }));
    for (let turn = 0; turn < turns; turn++) {
      const start = performance.now();
      const before = new Map(people.map((p) => [p.id, received.get(p.id)?.length ?? 0]));
      for (const p of people) p.say(script[turn % script.length]!).to(self);
      // The round ends once every resident has an answer and nothing waits or is still coming.
      for (;;) {
        await new Promise((r) => setTimeout(r, 200));
        const answered = people.every((p) => (received.get(p.id)?.length ?? 0) > before.get(p.id)!);
        if (answered && channel.outbox.pending === 0) break;
      }
      await new Promise((r) => setTimeout(r, 500));
      for (const p of people) {
        const mine = (received.get(p.id) ?? []).slice(before.get(p.id)!);
        const replies = mine.filter((m) => !coming.has(m.text));
        latencies.push((replies.at(-1)!.at - start) / 1000);
        perTurn.push(replies.length);
        notices.push(mine.length - replies.length);
      }
    }
  } finally {
    channel.stop();
    await bot.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    p50s: median(latencies),
    p95s: percentile(latencies, 95),
    messagesPerTurn: perTurn.reduce((a, b) => a + b, 0) / perTurn.length,
    noticesPerTurn: notices.reduce((a, b) => a + b, 0) / notices.length,
  };
}

export async function benchWechat() {
  const config = parseConfig(process.env);
  const counts = (process.env.BENCH_WECHAT_RESIDENTS ?? '1,5,20,50').split(',').map(Number);
  const turns = Number(process.env.BENCH_WECHAT_TURNS ?? 2);
  const runs = Number(process.env.BENCH_RUNS ?? 1);
  const rows = [];
  for (const residents of counts) {
    const results: Awaited<ReturnType<typeof once>>[] = [];
    for (let i = 0; i < runs; i++) results.push(await once(residents, turns));
    const pick = (k: keyof Awaited<ReturnType<typeof once>>) =>
      Math.round(median(results.map((r) => r[k])) * 100) / 100;
    rows.push({
      residents,
      turns,
      runs,
      p50s: pick('p50s'),
      p95s: pick('p95s'),
      messagesPerTurn: pick('messagesPerTurn'),
      noticesPerTurn: pick('noticesPerTurn'),
    });
  }
  return {
    pacing: {
      sendsPerMinute: config.WECHAT_SENDS_PER_MINUTE,
      contactGapMs: config.WECHAT_CONTACT_GAP_MS,
      maxBytes: config.WECHAT_MESSAGE_MAX_BYTES,
      slowNoticeMs: config.WECHAT_SLOW_NOTICE_MS,
    },
    rows,
    target: { messagesPerTurn: 1 },
  };
}
