/**
 * HTTP throughput, side by side in one run on 127.0.0.1: our server (POST /api/v1/screen, and
 * a conversation message) against a bare node:http server returning constant JSON.
 * Target (issue 4): our requests/s at least 50% of the bare server's. Both servers run as
 * child processes; autocannon runs here; all traffic stays on loopback and stops by itself.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { exampleHousehold } from '../../server/api-example.ts';
import { type Started, startServer } from '../helpers/start-server.ts';

const seconds = Number(process.env.BENCH_HTTP_SECONDS ?? 10);
const connections = 50;

/**
 * CPU time (user + system, ms) a server process has used so far, from /proc: the box is shared
 * and has two cores, so requests/s moves with whatever else runs; CPU per request does not.
 * undefined where /proc is missing.
 */
function cpuMs(server: Started): number | undefined {
  try {
    const fields = readFileSync(`/proc/${server.child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10; // clock ticks of 10 ms
  } catch {
    return undefined;
  }
}

async function load(server: Started, path: string, body: string) {
  const before = cpuMs(server);
  const r = await autocannon({
    url: server.base + path,
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json' },
    connections,
    duration: seconds,
  });
  const after = cpuMs(server);
  return {
    requestsPerSecond: Math.round(r.requests.average),
    p99ms: r.latency.p99,
    /** The server's CPU per answered request, microseconds. */
    serverCpuUsPerRequest:
      before === undefined || after === undefined || r.requests.total === 0
        ? undefined
        : Math.round(((after - before) * 1000) / r.requests.total),
    errors: r.errors,
    non2xx: r.non2xx,
  };
}

export async function benchHttp() {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-http-'));
  const ours = await startServer('server/main.ts', {
    PORT: '0',
    DATA_DIR: dataDir,
    RATE_LIMIT_PER_MINUTE: '100000',
    NEW_CONVERSATIONS_PER_HOUR: '1000000',
  });
  const servers = [ours];
  try {
    const household = JSON.stringify(exampleHousehold);
    // The bare server sends exactly what ours sends for this household (same size, constant).
    const sample = await (
      await fetch(`${ours.base}/api/v1/screen`, {
        method: 'POST',
        body: household,
        headers: { 'content-type': 'application/json' },
      })
    ).text();
    const bodyFile = join(dataDir, 'bare-body.json');
    writeFileSync(bodyFile, sample);
    const bare = await startServer('test/bench/bare-server.ts', { BARE_BODY_FILE: bodyFile });
    servers.push(bare);
    const conversation = (await (
      await fetch(`${ours.base}/api/v1/conversations`, {
        method: 'POST',
        body: JSON.stringify({ text: '你好' }),
        headers: { 'content-type': 'application/json' },
      })
    ).json()) as { id: string };
    const bareResult = await load(bare, '/', household);
    const screen = await load(ours, '/api/v1/screen', household);
    // "help" repeats the current question: a real message through the dialog and the store.
    const message = await load(
      ours,
      `/api/v1/conversations/${conversation.id}/messages`,
      JSON.stringify({ text: '帮助' }),
    );
    return {
      seconds,
      connections,
      bare: bareResult,
      screen: {
        ...screen,
        ratioToBare: Math.round((screen.requestsPerSecond / bareResult.requestsPerSecond) * 100) / 100,
      },
      conversationMessage: {
        ...message,
        ratioToBare: Math.round((message.requestsPerSecond / bareResult.requestsPerSecond) * 100) / 100,
      },
      responseBytes: Buffer.byteLength(sample),
      target: { ratioToBare: 0.5 },
    };
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    rmSync(dataDir, { recursive: true, force: true });
  }
}
