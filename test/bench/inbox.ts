/**
 * The caseworkers' side with many stored referrals (issue 5): the store's write cost per new
 * referral at 1k, 10k and 50k referrals; then, against a really started server holding 50k,
 * the inbox page load (p50/p99, a county admin seeing all of them, a caseworker one township)
 * and the XLSX / CSV export times. Referral files are generated directly in the store's
 * format (writing 50,000 one by one through the store would itself take hours: see the figures).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { newReference } from '../../bot/referral/reference.ts';
import type { ReferralRecord, ReferralStatus } from '../../bot/referral/referral-record.ts';
import { referralSchema, referralStatuses } from '../../bot/referral/referral-record.ts';
import { openFileStore } from '../../bot/store/collection-store.ts';
import { shardedCollection, shardOf } from '../../bot/store/sharded-collection.ts';
import { referralShards } from '../../bot/referral/dialog-storage.ts';
import { currentTotp } from '../../server/staff/totp.ts';
import { addCaseworker } from '../helpers/admin-cli.ts';
import { PageClient } from '../helpers/browser-session.ts';
import { startServer } from '../helpers/start-server.ts';

const townships = [
  'tekes_town',
  'qiaolaketiereke',
  'karadala',
  'qilewuzeke',
  'hujierte',
  'kuokesu',
  'kuoketiereke',
  'kalatuohai',
];

/** The steps a case in this status went through (the ledger shows a date for each). */
const pathTo: Record<ReferralStatus, ReferralStatus[]> = {
  new: [],
  contacted: ['contacted'],
  visit_scheduled: ['contacted', 'visit_scheduled'],
  accepted: ['contacted', 'visit_scheduled', 'accepted'],
  approved: ['contacted', 'visit_scheduled', 'accepted', 'approved'],
  declined: ['contacted', 'declined'],
  withdrawn: ['withdrawn'],
};

export function syntheticReferral(i: number): ReferralRecord {
  const at = new Date(Date.UTC(2026, 0, 1) + i * 600_000).toISOString();
  const reference = newReference('tekes');
  const status = referralStatuses[i % referralStatuses.length]!;
  const steps = pathTo[status].map((to, k, all) => ({
    at: new Date(Date.parse(at) + (k + 1) * 86_400_000).toISOString(),
    by: 'bench-admin',
    action: 'status' as const,
    from: k === 0 ? 'new' : all[k - 1],
    to,
  }));
  return {
    reference,
    kind: 'referral',
    createdAt: at,
    updatedAt: at,
    channel: i % 3 === 0 ? 'wechat' : 'web',
    lang: (['zh', 'ug', 'kk'] as const)[i % 3]!,
    jurisdiction: 'tekes',
    township: townships[i % townships.length]!,
    village: `村${i % 40}`,
    idempotencyKey: `k${i}`,
    answers: {
      jurisdiction: 'tekes',
      area: 'rural',
      size: 2,
      members: [
        { age: 45, laborCapacity: 'full' },
        { age: 43, laborCapacity: 'full' },
      ],
      monthlyIncome: 600,
      propertyWithinLimits: true,
    },
    programs: [
      { id: 'dibao', verdict: 'likely', tier: 'C', monthlyAmount: 668, department: 'civil_affairs' },
      { id: 'medical', verdict: 'likely', department: 'healthcare_security' },
      { id: 'temporary', verdict: 'possible', amount: 2028, department: 'civil_affairs' },
      { id: 'housing', verdict: 'unlikely', department: 'housing_construction' },
    ],
    name: `居民${i}`,
    phone: `139${String(10_000_000 + i).slice(-8)}`,
    idNumber: `6540231980${String(10_000_000 + i).slice(-8)}`,
    status,
    assignee: 'bench-admin',
    history: [{ at, by: 'resident', action: 'created' }, ...steps],
    ...(status === 'approved'
      ? {
          outcomes: {
            dibao: { decision: 'approved', tier: 'C', monthlyAmount: 668, at, by: 'bench-admin' },
            medical: { decision: 'declined', reason: '已参加其他救助', at, by: 'bench-admin' },
          },
        }
      : {}),
  };
}

/** n referrals written straight into the store's shard files; returns the bytes of one shard. */
function writeReferralFiles(dir: string, n: number, shards: number) {
  const files: Record<string, ReferralRecord>[] = Array.from({ length: shards }, () => ({}));
  for (let i = 0; i < n; i++) {
    const r = syntheticReferral(i);
    files[shardOf(r.reference, shards)]![r.reference] = r;
  }
  let bytes = 0;
  files.forEach((records, k) => {
    const text = JSON.stringify({ version: 1, records });
    bytes = Math.max(bytes, text.length);
    writeFileSync(join(dir, shards === 1 ? 'referrals.json' : `referrals-${k}.json`), text, { mode: 0o600 });
  });
  return bytes;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * ms per durable write of one new referral, with n already stored (median of `writes`): in one
 * file (what lowdb gives) and in the 16 shards the product uses.
 */
async function writeCost(n: number, shards: number, writes = 9) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-inbox-'));
  try {
    const bytes = writeReferralFiles(dir, n, shards);
    const store = await openFileStore(dir);
    const referrals =
      shards === 1
        ? await store.collection('referrals', referralSchema)
        : await shardedCollection(store, 'referrals', referralSchema, { shards });
    const times: number[] = [];
    for (let i = 0; i < writes; i++) {
      const r = syntheticReferral(n + i);
      const t = performance.now();
      await referrals.setDurably(r.reference, r);
      times.push(performance.now() - t);
    }
    await store.close();
    return {
      referrals: n,
      files: shards,
      largestFileMb: Math.round(bytes / 1e5) / 10,
      msPerNewReferral: Math.round(median(times)),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchInbox(n = 50_000) {
  const writes = [];
  for (const size of [1_000, 10_000, n]) {
    writes.push(await writeCost(size, 1));
    writes.push(await writeCost(size, referralShards));
  }

  const dir = mkdtempSync(join(tmpdir(), 'bench-inbox-server-'));
  writeReferralFiles(dir, n, referralShards);
  const workerPassword = addCaseworker(dir, 'worker');
  const server = await startServer('server/main.ts', {
    PORT: '0',
    DATA_DIR: dir,
    RATE_LIMIT_PER_MINUTE: '100000',
    NEW_CONVERSATIONS_PER_HOUR: '1000000',
  });
  try {
    const login = async (username: string, password: string, admin: boolean) => {
      const page = new PageClient(server.base);
      await page.get('/staff/login');
      await page.post('/staff/login', { username, password });
      if (admin) {
        await page.get('/staff/totp/setup');
        const secret = /id="totp-secret">([A-Z2-7]{32})</.exec(page.last)![1]!;
        await page.post('/staff/totp/setup', { secret, code: currentTotp(secret) });
      }
      await page.get('/staff/password');
      await page.post('/staff/password', {
        current: password,
        new: `${username} bench password`,
        repeat: `${username} bench password`,
      });
      return page;
    };
    const adminPassword = /One-time password: (\S+)/.exec(server.output())![1]!;
    const admin = await login('admin', adminPassword, true);
    const worker = await login('worker', workerPassword, false);

    const pageLoad = async (page: PageClient, path: string) => {
      const r = await autocannon({
        url: server.base + path,
        headers: { cookie: page.cookieHeader() },
        connections: 4,
        duration: 10,
      });
      return {
        requestsPerSecond: Math.round(r.requests.average),
        p50ms: r.latency.p50,
        p99ms: r.latency.p99,
        non2xx: r.non2xx,
      };
    };
    const timed = async (page: PageClient, path: string) => {
      const t = performance.now();
      const res = await fetch(server.base + path, { headers: { cookie: page.cookieHeader() } });
      const bytes = (await res.arrayBuffer()).byteLength;
      return {
        status: res.status,
        seconds: Math.round((performance.now() - t) / 100) / 10,
        mb: Math.round(bytes / 1e5) / 10,
      };
    };
    return {
      writeCost: writes,
      inbox: {
        countyAdminAll: await pageLoad(admin, '/staff'),
        countyAdminFiltered: await pageLoad(admin, '/staff?status=new&program=dibao'),
        caseworkerTownship: await pageLoad(worker, '/staff'),
      },
      export: {
        xlsxAll: await timed(admin, '/staff/export.xlsx'),
        csvAll: await timed(admin, '/staff/export.csv'),
        xlsxTownship: await timed(worker, '/staff/export.xlsx'),
      },
      referrals: n,
    };
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
