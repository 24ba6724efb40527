/**
 * npm run soak (issue 8): SOAK_RESIDENTS (default 2,000) simulated residents converse over HTTP
 * with a really started server on 127.0.0.1, each going from "hello" to a referral again and
 * again, for SOAK_SECONDS (default 300); then it stops by itself and reports: 5xx count, lost
 * referrals (acknowledged but not on disk), the server's RSS at start, every 30 s and at the
 * end (the server runs with a fixed heap bound, SOAK_HEAP_MB, default 512), the size of what was
 * stored, and per-message latency (p50, p99). Bounded: the residents
 * stop when the time is up.
 *
 * Each resident keeps their conversation and says "start over" after each referral, as a person
 * returning does, so the sessions stay 2,000 and what grows is only the referrals (each round's
 * phone number differs, so each is new). SOAK_NEW_CONVERSATIONS=1 opens a new conversation every
 * round instead: the sessions then grow too (kept 7 days), which is data, not a leak.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../helpers/start-server.ts';
import { storedReferrals } from '../helpers/stored-referrals.ts';
import { coupleZh } from '../helpers/transcripts.ts';

const residents = Number(process.env.SOAK_RESIDENTS ?? 2000);
const seconds = Number(process.env.SOAK_SECONDS ?? 300);
const newConversations = process.env.SOAK_NEW_CONVERSATIONS === '1';
const heapMb = Number(process.env.SOAK_HEAP_MB ?? 512);
/** Pause before each message, as a person reads and types (default 0: as fast as answered). */
const thinkMs = Number(process.env.SOAK_THINK_MS ?? 0);
/**
 * Residents arrive spread over this many seconds: 2,000 at the same millisecond on a cold server
 * queue for ~10 s, a burst no township produces. Latency is reported for the whole run and for
 * the steady state after the ramp.
 */
const rampSeconds = Number(process.env.SOAK_RAMP_SECONDS ?? 10);

const rssMb = (pid: number) => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : Number.NaN;
};
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN;
};

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'soak-'));
  const server = await startServer(
    'server/main.ts',
    {
      PORT: '0',
      DATA_DIR: dataDir,
      RATE_LIMIT_PER_MINUTE: '10000000', // one address for all 2,000: the per-client limit is not under test
      NEW_CONVERSATIONS_PER_HOUR: '1000000',
    },
    false,
    // RSS says little (V8 grows its heap lazily while there is room). The heap left after each
    // full (mark-compact) collection is what the server really holds: that is what must stay
    // flat, apart from the referrals it stores. The bound makes a leak fail loudly, too.
    ['--trace-gc', `--max-old-space-size=${heapMb}`],
  );
  let liveHeapMb = Number.NaN;
  server.child.stdout!.on('data', (chunk: Buffer) => {
    for (const m of chunk.toString().matchAll(/Mark-Compact [\d.]+ \([\d.]+\) -> ([\d.]+) \(/g))
      liveHeapMb = Math.round(Number(m[1]));
  });
  const pid = server.child.pid!;
  const latencies: number[] = [];
  const steadyLatencies: number[] = [];
  let steadyFrom = Number.POSITIVE_INFINITY;
  /** The confirmations alone: the one message per round that waits for an fsync'd write. */
  const confirmLatencies: number[] = [];
  const acknowledged = new Set<string>();
  let errors5xx = 0;
  let errors4xx = 0;
  let failures = 0;
  /** Why conversations failed on the client side (connection errors), by message. */
  const failureKinds = new Map<string, number>();
  let messages = 0;
  const stopAt = Date.now() + seconds * 1000;

  const send = async (path: string, text: string, durable = false) => {
    const t = performance.now();
    const res = await fetch(server.base + path, {
      method: 'POST',
      body: JSON.stringify({ text }),
      headers: { 'content-type': 'application/json' },
    });
    latencies.push(performance.now() - t);
    if (t >= steadyFrom) steadyLatencies.push(performance.now() - t);
    if (durable) confirmLatencies.push(performance.now() - t);
    messages++;
    if (res.status >= 500) errors5xx++;
    else if (res.status >= 400) errors4xx++;
    if (res.status >= 400 && process.env.SOAK_DEBUG)
      console.error(res.status, path, text, await res.clone().text());
    return (await res.json()) as { id: string; replies: string[]; phase: string };
  };

  const resident = async (r: number, rounds = Number.POSITIVE_INFINITY) => {
    let round = 0;
    let conversation: string | undefined;
    while (Date.now() < stopAt && round < rounds) {
      try {
        const name = `居民${String.fromCodePoint(0x4e00 + ((r * 7 + round) % 20_000))}`;
        const phone = `139${String(10_000_000 + r * 1000 + (round % 1000)).slice(-8)}`;
        const again = conversation !== undefined && !newConversations;
        const restart = async (path: string) => {
          // "Start over" with answers asks first (issue 15 item 7): yes.
          const asked = await send(path, '重新开始');
          return asked.phase === 'restart_confirm' ? send(path, '1') : asked;
        };
        const first = again
          ? await restart(`/api/v1/conversations/${conversation}/messages`)
          : await send('/api/v1/conversations', coupleZh[0]!);
        conversation = again ? conversation : first.id;
        let last = first;
        const script = [...coupleZh.slice(1), '1', '1', name, phone, '跳过', '1'];
        for (const [i, text] of script.entries()) {
          if (Date.now() >= stopAt) return;
          if (thinkMs) await new Promise((r) => setTimeout(r, thinkMs * (0.5 + Math.random())));
          last = await send(`/api/v1/conversations/${conversation}/messages`, text, i === script.length - 1);
        }
        const reference = /([A-Z]{2}-[0-9A-Z]{8})/.exec(last.replies.join('\n'))?.[1];
        if (process.env.SOAK_DEBUG && !reference)
          console.error(last.phase, last.replies.join(' / ').slice(0, 300));
        if (reference) acknowledged.add(reference);
        else failures++;
      } catch (e) {
        failures++;
        const why = String((e as Error).cause ?? (e as Error).message).slice(0, 80);
        failureKinds.set(why, (failureKinds.get(why) ?? 0) + 1);
      }
      round++;
    }
  };

  // One conversation to warm up (resident number 1999 + 1 is unused below), then the starting RSS.
  await resident(residents, 1);
  const rssStart = rssMb(pid);
  const rssEvery30s: number[] = [];
  const liveHeapEvery30s: number[] = [];
  const liveHeapStart = liveHeapMb;
  const sampler = setInterval(() => {
    rssEvery30s.push(rssMb(pid));
    liveHeapEvery30s.push(liveHeapMb);
  }, 30_000);
  steadyFrom = performance.now() + rampSeconds * 1000;
  await Promise.all(
    Array.from({ length: residents }, async (_, r) => {
      await new Promise((go) => setTimeout(go, (r / residents) * rampSeconds * 1000));
      await resident(r);
    }),
  );
  clearInterval(sampler);
  const rssEnd = rssMb(pid);
  await server.stop();
  const stored = storedReferrals(dataDir);
  const lost = [...acknowledged].filter((ref) => !stored[ref]).length;
  // The heap the stored data alone takes, loaded the way the server loads it.
  const loaded = JSON.parse(
    execFileSync(process.execPath, [
      '--expose-gc',
      '--import',
      'tsx',
      'test/bench/stored-heap.ts',
      dataDir,
    ]).toString(),
  ) as { dataHeapMb: number; sessions: number; referrals: number };
  const storedMb =
    readdirSync(dataDir).reduce((sum, f) => sum + statSync(join(dataDir, f)).size, 0) / 2 ** 20;
  rmSync(dataDir, { recursive: true, force: true });
  console.log(
    JSON.stringify({
      bench: 'soak',
      residents,
      seconds,
      messages,
      messagesPerSecond: Math.round(messages / seconds),
      referrals: acknowledged.size,
      lostReferrals: lost,
      errors5xx,
      errors4xx,
      failedConversations: failures,
      failureKinds: Object.fromEntries(failureKinds),
      p50ms: Math.round(quantile(latencies, 0.5)),
      p99ms: Math.round(quantile(latencies, 0.99)),
      steadyP50ms: Math.round(quantile(steadyLatencies, 0.5)),
      steadyP99ms: Math.round(quantile(steadyLatencies, 0.99)),
      confirmP50ms: Math.round(quantile(confirmLatencies, 0.5)),
      confirmP99ms: Math.round(quantile(confirmLatencies, 0.99)),
      rssMbStart: rssStart,
      rssMbEnd: rssEnd,
      rssMbEvery30s: rssEvery30s,
      liveHeapMbStart: liveHeapStart,
      liveHeapMbEvery30s: liveHeapEvery30s,
      liveHeapMbEnd: liveHeapMb,
      heapLimitMb: heapMb,
      thinkMs,
      rampSeconds,
      dataHeapMb: loaded.dataHeapMb,
      // What the server holds beyond its data: code, caches, buffers. Flat when nothing leaks.
      liveHeapMbBeyondData: Math.round(liveHeapMb - loaded.dataHeapMb),
      storedSessions: loaded.sessions,
      storedMb: Math.round(storedMb * 10) / 10,
      newConversations,
      ok: errors5xx === 0 && lost === 0,
    }),
  );
  if (errors5xx || lost) process.exitCode = 1;
}

await main();
