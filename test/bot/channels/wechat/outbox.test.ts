/**
 * The WeChat outbox on a fake clock (vi's timers: nothing waits for real, nothing can flake):
 * a turn is one message, each contact's order is kept while others are served between, no
 * pause after the last send, the overall and per-contact gaps hold, a long wait is announced in
 * the resident's language; and on a real file store, a restart sends what was pending once.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createOutbox, type OutboxOptions, type Sendable } from '../../../../bot/channels/wechat/outbox.ts';
import { openOutboxStore } from '../../../../bot/channels/wechat/outbox-store.ts';
import { openFileStore } from '../../../../bot/store/collection-store.ts';
import { type Language, translator } from '../../../../locales/i18n.ts';
import kkChat from '../../../../locales/kk/chat.json' with { type: 'json' };
import ugChat from '../../../../locales/ug/chat.json' with { type: 'json' };
import zhChat from '../../../../locales/zh/chat.json' with { type: 'json' };
import { collect } from '../../../helpers/collect.ts';

/** What WeChat received: who, what, and when on the fake clock. */
let said: { to: string; text: string; at: number }[];
const contact = (id: string): Sendable => ({
  id,
  say: async (text: string) => {
    said.push({ to: id, text, at: Date.now() });
  },
});

const pacing = (extra: Partial<OutboxOptions> = {}): OutboxOptions => ({
  globalGapMs: 1500,
  contactGapMs: 1500,
  maxBytes: 2000,
  slowNoticeMs: 0,
  slowNotice: (lang) => translator(lang as Language)('chat.wechat.reply_coming'),
  attempts: 3,
  isOnline: () => true,
  onGiveUp: () => {},
  ...extra,
});

describe('createOutbox on a fake clock', () => {
  beforeEach(() => {
    said = [];
    vi.useFakeTimers({ now: 0, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("sends a turn's replies as one message, split only past the length limit", async () => {
    const outbox = createOutbox(pacing({ maxBytes: 40 }));
    const done = outbox.sendTurn(contact('a'), ['第一句', '第二句', '第三句'], 'zh');
    await vi.runAllTimersAsync();
    await done;
    expect(said.map((s) => s.text)).toEqual(['第一句\n\n第二句\n\n第三句']);

    said = [];
    // 10 lines of 9 bytes each: 90 bytes do not fit in 40, so several messages, none over 40 bytes,
    // every line whole and in order.
    const long = Array.from({ length: 10 }, (_, i) => `第${i}行`);
    const turn = outbox.sendTurn(contact('a'), [long.join('\n')], 'zh');
    await vi.runAllTimersAsync();
    await turn;
    expect(said.length).toBeGreaterThan(1);
    for (const s of said) expect(Buffer.byteLength(s.text)).toBeLessThanOrEqual(40);
    expect(said.map((s) => s.text).join('\n')).toBe(long.join('\n'));
  });

  it("keeps each resident's order while two residents' turns interleave", async () => {
    const outbox = createOutbox(pacing({ globalGapMs: 100, contactGapMs: 300, maxBytes: 12 }));
    // Each turn is split in two (12 bytes hold one 9-byte line): a1 a2, b1 b2, a3 a4 ...
    const sends = [
      outbox.sendTurn(contact('a'), ['甲一句', '甲二句'], 'zh'),
      outbox.sendTurn(contact('b'), ['乙一句', '乙二句'], 'zh'),
      outbox.sendTurn(contact('a'), ['甲三句', '甲四句'], 'zh'),
      outbox.sendTurn(contact('b'), ['乙三句', '乙四句'], 'zh'),
    ];
    await vi.runAllTimersAsync();
    await Promise.all(sends);
    expect(said.filter((s) => s.to === 'a').map((s) => s.text)).toEqual([
      '甲一句',
      '甲二句',
      '甲三句',
      '甲四句',
    ]);
    expect(said.filter((s) => s.to === 'b').map((s) => s.text)).toEqual([
      '乙一句',
      '乙二句',
      '乙三句',
      '乙四句',
    ]);
    // While one resident's gap runs the other is served: not one whole backlog first.
    expect(said.slice(0, 2).map((s) => s.to)).toEqual(['a', 'b']);
  });

  it('does not pause after the last send, and keeps the overall and per-contact gaps', async () => {
    const outbox = createOutbox(pacing({ globalGapMs: 1000, contactGapMs: 3000 }));
    const first = outbox.send(contact('a'), 'one');
    await vi.advanceTimersByTimeAsync(0);
    await first;
    expect(said).toEqual([{ to: 'a', text: 'one', at: 0 }]);
    // Nothing left waiting: no timer keeps the outbox busy after its last message.
    expect(vi.getTimerCount()).toBe(0);
    expect(outbox.pending).toBe(0);

    // Later sends: another contact after the overall gap, the same contact after its own gap.
    const later = [outbox.send(contact('a'), 'two'), outbox.send(contact('b'), 'three')];
    await vi.runAllTimersAsync();
    await Promise.all(later);
    expect(said.slice(1)).toEqual([
      { to: 'b', text: 'three', at: 1000 },
      { to: 'a', text: 'two', at: 3000 },
    ]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('tells a resident whose reply waits past the limit that it is coming, in their language', async () => {
    const outbox = createOutbox(pacing({ globalGapMs: 1000, contactGapMs: 0, slowNoticeMs: 3000 }));
    const langs: Language[] = ['zh', 'ug', 'kk', 'zh', 'ug', 'kk'];
    const sends = langs.map((lang, i) => outbox.sendTurn(contact(`r${i}`), [`reply ${i}`], lang));
    await vi.runAllTimersAsync();
    await Promise.all(sends);
    const coming = {
      zh: zhChat.wechat.reply_coming,
      ug: ugChat.wechat.reply_coming,
      kk: kkChat.wechat.reply_coming,
    };
    langs.forEach((lang, i) => {
      const mine = said.filter((s) => s.to === `r${i}`).map((s) => s.text);
      const reply = said.find((s) => s.to === `r${i}` && s.text === `reply ${i}`)!;
      if (reply.at > 3000) expect(mine).toEqual([coming[lang], `reply ${i}`]);
      else expect(mine).toEqual([`reply ${i}`]);
    });
    // The first residents were answered within 3 s; the last ones waited and were told, once each.
    expect(said.filter((s) => Object.values(coming).includes(s.text)).length).toBeGreaterThan(0);
    expect(said.filter((s) => s.text.startsWith('reply')).every((s, i) => s.to === `r${i}`)).toBe(true);
  });

  it('forgets what waits for a deleted contact', async () => {
    const outbox = createOutbox(pacing({ globalGapMs: 1000 }));
    const sends = [outbox.send(contact('a'), 'for a'), outbox.send(contact('b'), 'for b')];
    await outbox.forget(new Set(['b']));
    await vi.runAllTimersAsync();
    await Promise.all(sends);
    expect(said.map((s) => s.to)).toEqual(['a']);
  });
});

describe('createOutbox on disk', () => {
  it('sends what was pending before a restart, in order, exactly once', async () => {
    said = [];
    const dir = mkdtempSync(join(tmpdir(), 'outbox-'));
    try {
      // Before: logged out, so three turns wait; the process then stops.
      let store = await openFileStore(dir);
      const durable = await openOutboxStore(store);
      const offline = createOutbox(
        pacing({ globalGapMs: 0, contactGapMs: 0, isOnline: () => false, durable }),
      );
      void offline.sendTurn(contact('a'), ['甲一', '甲二'], 'zh');
      void offline.sendTurn(contact('b'), ['乙一'], 'ug');
      void offline.sendTurn(contact('a'), ['甲三'], 'zh');
      await vi.waitFor(async () => expect(await durable.count()).toBe(3));
      offline.stop();
      await store.close();

      // After: a new process, the contacts found again by id.
      store = await openFileStore(dir);
      const reopened = await openOutboxStore(store);
      const after = createOutbox(
        pacing({
          globalGapMs: 0,
          contactGapMs: 0,
          durable: reopened,
          find: async (r) => contact(r.contact),
        }),
      );
      expect(await after.restore()).toBe(3);
      expect(await after.restore()).toBe(0); // a second login does not queue them again
      await vi.waitFor(() => expect(after.pending).toBe(0));
      await vi.waitFor(async () => expect(await reopened.count()).toBe(0));
      expect(said).toEqual([
        { to: 'a', text: '甲一\n\n甲二', at: expect.any(Number) },
        { to: 'b', text: '乙一', at: expect.any(Number) },
        { to: 'a', text: '甲三', at: expect.any(Number) },
      ]);
      after.stop();
      await store.close();
      // Sent means gone from disk: a third start sends nothing.
      store = await openFileStore(dir);
      expect(await (await openOutboxStore(store)).count()).toBe(0);
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("keeps a waiting reply encrypted, and drops it from disk when the resident's data is deleted", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outbox-'));
    const raw = () =>
      readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((f) => f.isFile())
        .map((f) => readFileSync(join(f.parentPath, f.name)).toString('utf8'))
        .join('\n');
    try {
      const store = await openFileStore(dir);
      const durable = await openOutboxStore(store);
      const offline = createOutbox(pacing({ isOnline: () => false, durable }));
      void offline.sendTurn(contact('wxid-keep'), ['给甲的回复'], 'zh');
      void offline.sendTurn(contact('wxid-gone'), ['给乙的回复 13912345678'], 'zh');
      await vi.waitFor(async () => expect(await durable.count()).toBe(2));
      await store.flush();
      expect(raw()).not.toContain('13912345678');
      expect(raw()).not.toContain('wxid-gone');
      await offline.forget(new Set(['wxid-gone']));
      expect((await collect(durable.values())).map((r) => r.contact)).toEqual(['wxid-keep']);
      offline.stop();
      await store.close();
      const reopened = await openFileStore(dir);
      expect((await collect((await openOutboxStore(reopened)).values())).map((r) => r.contact)).toEqual([
        'wxid-keep',
      ]);
      await reopened.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
