/**
 * HTTP throughput, side by side in one run on 127.0.0.1: our server (POST /api/v1/screen, and
 * the messages of whole conversations) against a bare node:http server returning constant JSON.
 * Target (issue 4): our requests/s at least 50% of the bare server's. Both servers run as
 * child processes; autocannon runs here; all traffic stays on loopback and stops by itself.
 * Every figure counts answered requests only: one non-2xx answer or socket error and the bench
 * throws (npm run bench exits non-zero) instead of printing a rate of refusals.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { exampleHousehold } from '../../server/api-example.ts';
import { type Started, startServer } from '../helpers/start-server.ts';
import { coupleZh } from '../helpers/transcripts.ts';

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

/** One load: a single request repeated, or a sequence each connection runs again and again. */
type Load = { path: string; body: string } | { requests: autocannon.Request[] };

async function load(name: string, server: Started, what: Load) {
  const before = cpuMs(server);
  const r = await autocannon({
    url: server.base + ('path' in what ? what.path : ''),
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    connections,
    duration: seconds,
    ...('path' in what ? { body: what.body } : { requests: what.requests }),
  });
  const after = cpuMs(server);
  answeredOnly(name, r);
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

/** A rate of 429s or 404s is not throughput: any answer that is not 2xx fails the bench. */
export function answeredOnly(name: string, r: autocannon.Result) {
  if (r.non2xx === 0 && r.errors === 0 && r.timeouts === 0) return;
  const codes = Object.entries(r.statusCodeStats ?? {})
    .map(([code, s]) => `${code}: ${s.count ?? 0}`)
    .join(', ');
  throw new Error(
    `http bench, ${name}: ${r.non2xx} of ${r.requests.total} answers were not 2xx (${codes}), ` +
      `${r.errors} socket errors, ${r.timeouts} timeouts; the figure would measure refusals, not work`,
  );
}

/**
 * A whole conversation as a resident types it (the shared transcript, to results), over and
 * over on each connection: each starts a new conversation and answers every question, so the
 * figure is real dialog work (questions, parsing, screening, the session store), not the
 * repetition of one message. An answer that left the dialog somewhere else counts as a failure.
 */
export function conversationFlow(wrongTurns: { count: number }): autocannon.Request[] {
  type Flow = { id?: string };
  const [first, ...rest] = coupleZh;
  return [
    {
      path: '/api/v1/conversations',
      body: JSON.stringify({ text: first }),
      onResponse: (status, body, context) => {
        (context as Flow).id = status === 201 ? (JSON.parse(body) as { id: string }).id : undefined;
      },
    },
    ...rest.map(
      (text, i): autocannon.Request => ({
        body: JSON.stringify({ text }),
        setupRequest: (req, context) => ({
          ...req,
          path: `/api/v1/conversations/${(context as Flow).id}/messages`,
        }),
        onResponse: (status, body) => {
          const last = i === rest.length - 1;
          const phase = status === 200 ? (JSON.parse(body) as { phase: string }).phase : undefined;
          if (phase !== (last ? 'results' : 'questions')) wrongTurns.count++;
        },
      }),
    ),
  ];
}

export async function benchHttp() {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-http-'));
  const ours = await startServer('server/main.ts', {
    PORT: '0',
    DATA_DIR: dataDir,
    // One client sends everything, and the bench measures throughput, not the limiters: both
    // at their highest (an earlier 100,000 a minute ran out within the screen load, and the
    // conversation figure then counted 429s).
    RATE_LIMIT_PER_MINUTE: '10000000',
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
    const bareResult = await load('bare server', bare, { path: '/', body: household });
    const screen = await load('screen', ours, { path: '/api/v1/screen', body: household });
    const wrongTurns = { count: 0 };
    const message = await load('conversation', ours, { requests: conversationFlow(wrongTurns) });
    if (wrongTurns.count > 0) {
      throw new Error(
        `http bench, conversation: ${wrongTurns.count} answers left the transcript's path ` +
          '(test/helpers/transcripts.ts no longer runs the dialog to its results)',
      );
    }
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
