/**
 * One-off measure (issue 18, "server RSS independent of the number stored"): a started server
 * on PostgreSQL seeded with BENCH_STREAM_REFERRALS region referrals (store.ts's seed: Tekes holds
 * a quarter), a Tekes county admin's filtered inbox views (no column for them: read as a stream)
 * the 台账 export (CSV, XLSX) of the county and the dashboard; VmRSS and VmHWM (peak) of the
 * server after each.
 * Each server script given is started in turn on the same database (another checkout's
 * server/main.ts measures the code before a change):
 *   npx tsx test/bench/store-stream.ts server/main.ts /tmp/before/server/main.ts
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPgStore } from '../../bot/store/pg/pg-store.ts';
import { addStaffUser } from '../helpers/admin-cli.ts';
import { startPgCluster } from '../helpers/pg-cluster.ts';
import { startServer } from '../helpers/start-server.ts';
import { signInAdmin } from '../helpers/staff-sign-in.ts';
import { seedPg } from './store.ts';

const memoryMb = (pid: number) => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
  return { rssMb: Math.round(kb('VmRSS') / 1024), peakMb: Math.round(kb('VmHWM') / 1024) };
};

const n = Number(process.env.BENCH_STREAM_REFERRALS ?? 200_000);
const scripts = process.argv.slice(2);
const cluster = await startPgCluster();
const keysDir = mkdtempSync(join(tmpdir(), 'bench-stream-keys-'));
try {
  const url = await cluster.createDatabase('bench_stream');
  await (await openPgStore(url, { dataDir: keysDir })).close(); // migrates the empty database
  const t = performance.now();
  await seedPg(url, keysDir, n);
  console.log(JSON.stringify({ seeded: n, seconds: Math.round((performance.now() - t) / 1000) }));
  for (const [k, script] of scripts.entries()) {
    process.env.DATABASE_URL = url;
    const password = addStaffUser(keysDir, [
      '--username',
      `admin${k}`,
      '--role',
      'county_admin',
      '--county',
      'tekes',
    ]);
    delete process.env.DATABASE_URL;
    const server = await startServer(
      script,
      {
        PORT: '0',
        DATA_DIR: keysDir,
        DATABASE_URL: url,
        RATE_LIMIT_PER_MINUTE: '10000000',
        RETENTION_DAYS: '3650',
      },
      false,
    );
    try {
      const pid = server.child.pid!;
      const { page } = await signInAdmin(server.base, `admin${k}`, password);
      const steps: Record<string, unknown> = { script, atStart: memoryMb(pid) };
      for (const path of [
        '/staff?sort=waiting',
        '/staff?program=dibao&page=3',
        '/staff?from=2024-01-01&to=2024-12-31',
        '/staff/export.csv',
        '/staff/export.xlsx',
        '/staff/dashboard',
      ]) {
        const started = performance.now();
        const res = await page.get(path);
        const bytes = (await res.arrayBuffer()).byteLength;
        steps[path] = {
          status: res.status,
          bytes,
          ms: Math.round(performance.now() - started),
          ...memoryMb(pid),
        };
      }
      console.log(JSON.stringify(steps));
    } finally {
      await server.stop();
    }
  }
} finally {
  await cluster.stop();
  rmSync(keysDir, { recursive: true, force: true });
}
