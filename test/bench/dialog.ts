/**
 * Dialog throughput: 10,000 simulated residents converse concurrently through the dialog
 * engine with the lowdb file store (sessions coalesced, 1 in 10 submits a durable referral).
 * Reports messages/s, p50/p99 handling time per message and peak RSS.
 * Target (issue 3): >= 2,000 messages/s with p99 < 20 ms.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDialogDeps } from '../../bot/dialog/deps.ts';
import { renderReplies } from '../../bot/dialog/render.ts';
import { loadSession } from '../../bot/dialog/session.ts';
import { openDialogStorage } from '../../bot/referral/dialog-storage.ts';
import { handle } from '../../bot/dialog/transition.ts';
import { openFileStore, openMemoryStore } from '../../bot/store/collection-store.ts';
import { createScreener } from '../../rules/engine/screen.ts';
import { random } from './synthetic.ts';

function script(r: () => number): string[] {
  const rural = r() < 0.5;
  const ages = [30 + Math.floor(r() * 40), 28 + Math.floor(r() * 40)];
  const income = Math.round(r() * 2500);
  const msgs = [
    '你好',
    '1',
    rural ? '农村' : '城市',
    '2',
    ages.join(' '),
    '1',
    r() < 0.5 ? '1' : '2',
    `${income}元`,
    '是',
  ];
  // Later questions depend on the rules; answer "no" to all of them, then maybe refer.
  for (let i = 0; i < 6; i++) msgs.push('没有');
  if (r() < 0.1) msgs.push('1', '1', '张三', '13912345678', '跳过', '1');
  return msgs;
}

export async function benchDialog(residents = 10_000, storeKind: 'file' | 'memory' = 'file') {
  const dir = mkdtempSync(join(tmpdir(), 'bench-dialog-'));
  // 'memory' isolates the dialog's own cost from lowdb's whole-file writes (for comparison).
  const store = storeKind === 'memory' ? await openMemoryStore() : await openFileStore(join(dir, 'data'));
  try {
    // The server's storage: sharded sessions, referrals written with fsync.
    const { sessions, referrals, submitReferral, requestCallback } = await openDialogStorage(store, 'bench');
    const deps = createDialogDeps({ screener: createScreener(), submitReferral, requestCallback });
    const r = random(3);
    const scripts = Array.from({ length: residents }, () => script(r));
    const durations: number[] = [];
    let messages = 0;
    // All 10,000 conversations are open at once (their sessions live in the store together);
    // messages are handled by a pool of workers, as a server handles concurrent requests.
    // Handling time runs from when a worker takes a message to when its reply is rendered, so
    // it includes the fsync of a referral but not time spent queued behind other residents.
    const queue: [number, number][] = [];
    const longest = Math.max(...scripts.map((s) => s.length));
    for (let turn = 0; turn < longest; turn++) {
      for (const [i, msgs] of scripts.entries()) if (turn < msgs.length) queue.push([i, turn]);
    }
    const start = process.hrtime.bigint();
    let next = 0;
    const worker = async () => {
      while (next < queue.length) {
        // Each message arrives as its own event (as over HTTP or WeChat), so timers and the
        // store's coalesced writes run in between, as they would in the server.
        await new Promise((resolve) => setImmediate(resolve));
        if (next >= queue.length) break;
        const [i, turn] = queue[next++]!;
        const key = `r${i}`;
        const session = loadSession(await sessions.get(key));
        const t0 = process.hrtime.bigint();
        const pending = handle(session, scripts[i]![turn]!, deps);
        // An async function runs synchronously up to its first await: for every message but a
        // referral's confirmation the work is done here. A confirmation waits for its fsync,
        // and that wait is part of its handling time.
        const t1 = process.hrtime.bigint();
        const out = await pending;
        const t2 = process.hrtime.bigint();
        if (out.session) await sessions.set(key, out.session);
        else await sessions.delete(key);
        renderReplies(out.replies, out.session?.lang ?? 'zh');
        const t3 = process.hrtime.bigint();
        const waitedOnDisk = session?.phase === 'referral_confirm';
        durations.push(Number(waitedOnDisk ? t3 - t0 : t1 - t0 + (t3 - t2)) / 1e6);
        messages++;
      }
    };
    // 512 messages in flight, as a server holds many connections at once. With only 64, the
    // few messages waiting for a referral's fsync held up everyone else (1,200 messages/s).
    await Promise.all(Array.from({ length: Number(process.env.BENCH_WORKERS ?? 512) }, worker));
    await store.flush();
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    durations.sort((a, b) => a - b);
    const pct = (p: number) => Math.round(durations[Math.floor(p * (durations.length - 1))]! * 100) / 100;
    return {
      store: storeKind,
      residents,
      messages,
      referrals: await referrals.count(),
      seconds: Math.round(seconds * 10) / 10,
      messagesPerSecond: Math.round(messages / seconds),
      p50ms: pct(0.5),
      p99ms: pct(0.99),
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      target: { messagesPerSecond: 2000, p99ms: 20 },
    };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
