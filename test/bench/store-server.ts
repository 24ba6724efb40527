/**
 * The server on a seeded PostgreSQL database (issue 18's "server RSS independent of the number
 * stored" and "one instance against two"), called by store.ts for each size after its
 * collection-level figures, on the same database and the same keys (seeded once per size).
 *
 * (a) benchServerInbox: server/main.ts started with DATABASE_URL and DATA_DIR holding the seed's
 *     keys; a Tekes caseworker (karadala) and a Tekes county admin made with the admin CLI on the
 *     database and signed in over HTTP; each requests the inbox (GET /staff) `pages` times, each
 *     timed end to end; then the server child's VmRSS and VmHWM from /proc/<pid>/status.
 * (b) benchInstances: the conversation API (http.ts's whole conversations, autocannon) against
 *     one instance, then against two on the same database (the second on a copy of the first's
 *     keys and cookie-keys, as an operator would copy them), autocannon on both at once, the same
 *     total connections; requests/s of each and the ratio. On one machine both instances and
 *     PostgreSQL share its cores, so the ratio says what a second instance costs, not what a
 *     second machine would add.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { addStaffUser } from '../helpers/admin-cli.ts';
import { signIn, signInAdmin } from '../helpers/staff-sign-in.ts';
import type { PageClient } from '../helpers/browser-session.ts';
import { type Started, startServer } from '../helpers/start-server.ts';
import { answeredOnly, conversationFlow } from './http.ts';

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor((s.length * p) / 100))]! * 10) / 10;
};

/** VmRSS and VmHWM (peak) of a process, MB, from /proc (Linux only). */
function memoryMb(pid: number) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
  return { rssMb: Math.round(kb('VmRSS') / 1024), hwmMb: Math.round(kb('VmHWM') / 1024) };
}

const serverEnv = (url: string, dataDir: string) => ({
  PORT: '0',
  DATA_DIR: dataDir,
  DATABASE_URL: url,
  // One client sends everything; the bench measures work, not the limiters.
  RATE_LIMIT_PER_MINUTE: '10000000',
  NEW_CONVERSATIONS_PER_HOUR: '1000000',
  // The seed is dated January 2024: at the default 365 days the start-up retention sweep
  // anonymises every closed seeded referral (a write and an audit line each) before listening,
  // minutes at 50,000, and the figures would be of a database the sweep has just rewritten.
  RETENTION_DAYS: '3650',
});

/** The admin CLI on the database (it reads DATABASE_URL from the environment it inherits). */
function addUserOn(url: string, dataDir: string, args: string[]): string {
  const before = process.env.DATABASE_URL;
  process.env.DATABASE_URL = url;
  try {
    return addStaffUser(dataDir, args);
  } finally {
    if (before === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = before;
  }
}

/** `pages` inbox requests, each timed end to end; the seeded references on the last page, as a check. */
async function inboxTimes(page: PageClient, pages: number) {
  const ms: number[] = [];
  for (let k = 0; k < pages; k++) {
    const t = performance.now();
    await page.get('/staff');
    ms.push(performance.now() - t);
    if (page.status !== 200) throw new Error(`bench: the inbox answered ${page.status}`);
  }
  const rowsOnPage = new Set(page.last.match(/R\d{8}/g) ?? []).size;
  return { p50ms: percentile(ms, 50), p99ms: percentile(ms, 99), requests: ms.length, rowsOnPage };
}

export async function benchServerInbox(url: string, dataDir: string, stored: number, pages: number) {
  const tag = `s${stored}`; // user names are unique per database; one database per size
  const workerPassword = addUserOn(url, dataDir, [
    ...['--username', `worker_${tag}`, '--role', 'caseworker'],
    ...['--county', 'tekes', '--township', 'karadala'],
  ]);
  const adminPassword = addUserOn(url, dataDir, [
    ...['--username', `admin_${tag}`, '--role', 'county_admin', '--county', 'tekes'],
  ]);
  const server = await startServer('server/main.ts', serverEnv(url, dataDir), false);
  try {
    const pid = server.child.pid!;
    const atStart = memoryMb(pid);
    const worker = await signIn(server.base, `worker_${tag}`, workerPassword);
    const caseworker = await inboxTimes(worker, pages);
    const afterCaseworker = memoryMb(pid);
    const { page: admin } = await signInAdmin(server.base, `admin_${tag}`, adminPassword);
    const countyAdmin = await inboxTimes(admin, pages);
    const end = memoryMb(pid);
    return {
      bench: 'store-server',
      store: 'postgres',
      referrals: stored,
      caseworkerInbox: caseworker,
      countyAdminInbox: countyAdmin,
      serverRssMbAtStart: atStart.rssMb,
      serverRssMbAfterCaseworker: afterCaseworker.rssMb,
      serverRssMb: end.rssMb,
      serverPeakRssMb: end.hwmMb,
    };
  } finally {
    await server.stop();
  }
}

async function conversations(server: Started, connections: number, seconds: number) {
  const wrongTurns = { count: 0 };
  const r = await autocannon({
    url: server.base,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    connections,
    duration: seconds,
    requests: conversationFlow(wrongTurns),
  });
  answeredOnly('store, conversations', r);
  if (wrongTurns.count > 0) throw new Error(`bench: ${wrongTurns.count} answers left the transcript's path`);
  return Math.round(r.requests.average);
}

export async function benchInstances(url: string, dataDir: string, stored: number) {
  const seconds = Number(process.env.BENCH_HTTP_SECONDS ?? 10);
  const connections = 50;
  const second = mkdtempSync(join(tmpdir(), 'bench-store-second-'));
  const a = await startServer('server/main.ts', serverEnv(url, dataDir), false);
  let b: Started | undefined;
  try {
    const one = await conversations(a, connections, seconds);
    cpSync(join(dataDir, 'keys'), join(second, 'keys'), { recursive: true });
    cpSync(join(dataDir, 'cookie-keys'), join(second, 'cookie-keys'));
    b = await startServer('server/main.ts', serverEnv(url, second), false);
    const [onA, onB] = await Promise.all([
      conversations(a, connections / 2, seconds),
      conversations(b, connections / 2, seconds),
    ]);
    return {
      bench: 'store-instances',
      store: 'postgres',
      referrals: stored,
      seconds,
      connections,
      oneInstanceRequestsPerSecond: one,
      twoInstances: { a: onA, b: onB, sum: onA + onB },
      ratio: Math.round(((onA + onB) / one) * 100) / 100,
    };
  } finally {
    await Promise.all([a.stop(), b?.stop()]);
    rmSync(second, { recursive: true, force: true });
  }
}
