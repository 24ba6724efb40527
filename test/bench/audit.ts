/**
 * The county admin's audit page at 100,000 entries in PostgreSQL (issue 18): what one view asks
 * of the audit log, the way the page asked before (every county entry read, filtered and paged
 * in memory; the whole chain verified) beside the way it asks now (one page of the county index
 * and a count; only the entries since the last view verified). Plus an instance's start-up
 * check of the whole chain, which no longer holds the head lock. Then the same views on the file
 * store (audit.jsonl written directly, the same entries). Timed in this process against
 * a throw-away cluster (test/helpers/pg-cluster.ts, fsync off), the audit log's own calls, not
 * HTTP: the route adds the same page rendering either way.
 *
 *   npm run bench -- audit
 *   BENCH_AUDIT_ENTRIES=100000   entries seeded (90% in one county: the admin's)
 *   BENCH_AUDIT_VIEWS=30         views timed per case
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { migrate } from '../../bot/store/pg/migrate.ts';
import {
  type AuditEntry,
  type AuditFilter,
  chainEntry,
  checkpointMac,
} from '../../server/staff/audit-chain.ts';
import { AuditLog } from '../../server/staff/audit-log.ts';
import { PgAuditLog } from '../../server/staff/audit-log-pg.ts';
import { seedAuditChain } from '../helpers/audit-seed.ts';
import { startPgCluster } from '../helpers/pg-cluster.ts';

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor((s.length * p) / 100))]! * 10) / 10;
};

async function timed(views: number, view: () => Promise<unknown>) {
  const ms: number[] = [];
  for (let i = 0; i < views; i++) {
    const t0 = performance.now();
    await view();
    ms.push(performance.now() - t0);
  }
  return { p50ms: percentile(ms, 50), p99ms: percentile(ms, 99), samples: views };
}

export async function benchAudit(print: (row: object) => void): Promise<void> {
  const entries = Number(process.env.BENCH_AUDIT_ENTRIES ?? 100_000);
  const views = Number(process.env.BENCH_AUDIT_VIEWS ?? 30);
  const cluster = await startPgCluster();
  const dir = mkdtempSync(join(tmpdir(), 'bench-audit-'));
  const pool = new pg.Pool({ connectionString: await cluster.createDatabase('bench_audit'), max: 4 });
  try {
    await migrate(pool);
    const key = 'bench audit key';
    const t0 = performance.now();
    await seedAuditChain(pool, Buffer.from(key), entries, {
      county: (i) => (i % 10 === 0 ? 'qitai' : 'tekes'),
      action: (i) => (i % 100 === 0 ? 'status' : 'view'),
    });
    print({ bench: 'audit-seed', entries, seconds: Math.round((performance.now() - t0) / 100) / 10 });

    const s0 = performance.now();
    const log = await PgAuditLog.open(pool, dir, { key });
    print({ bench: 'audit-start-up-check', entries, ms: Math.round(performance.now() - s0) });

    const admin = { id: 'staff-1', county: 'tekes' };
    const cases: { name: string; filter: Partial<AuditFilter>; matches: (e: AuditEntry) => boolean }[] = [
      { name: 'no filter', filter: {}, matches: () => true },
      { name: 'action=status', filter: { action: 'status' }, matches: (e) => e.action === 'status' },
      {
        name: 'case=TE-0009',
        filter: { targetContains: 'TE-0009' },
        matches: (e) => e.target.includes('TE-0009'),
      },
    ];
    for (const c of cases) {
      // Before: the page read every county entry, filtered and sliced them here, verified all.
      const before = await timed(Math.min(views, 10), async () => {
        await log.append(admin, 'view_audit', 'audit');
        const own = await log.list(() => true, Number.POSITIVE_INFINITY, 'tekes');
        own.filter(c.matches).slice(0, 50);
        await log.verifyAll();
      });
      // Now: one page and a count asked of the county index; what is new since the last view verified.
      const filter: AuditFilter = { county: 'tekes', countyIds: [], ...c.filter };
      const after = await timed(views, async () => {
        await log.append(admin, 'view_audit', 'audit');
        await log.search(filter, 0, 50);
        await log.verify();
      });
      const search = await timed(views, () => log.search(filter, 0, 50));
      const verify = await timed(views, async () => {
        await log.append(admin, 'view_audit', 'audit');
        await log.verify();
      });
      print({
        bench: 'audit-view',
        entries,
        filter: c.name,
        before,
        after,
        searchOnly: search,
        appendAndVerify: verify,
      });
    }
    await benchFile(print, entries, views, key, cases);
  } finally {
    await pool.end();
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The same entries in audit.jsonl with its signed checkpoint, and the same views on it. */
async function benchFile(
  print: (row: object) => void,
  entries: number,
  views: number,
  key: string,
  cases: { name: string; filter: Partial<AuditFilter>; matches: (e: AuditEntry) => boolean }[],
) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-audit-file-'));
  try {
    const lines: string[] = [];
    let last: AuditEntry | undefined;
    for (let i = 0; i < entries; i++) {
      last = chainEntry(Buffer.from(key), last, {
        by: `staff-${i % 50}`,
        county: i % 10 === 0 ? 'qitai' : 'tekes',
        action: i % 100 === 0 ? 'status' : 'view',
        target: `TE-${String(i).padStart(8, '0')}`,
        detail: undefined,
        now: new Date(Date.parse('2026-01-01T00:00:00Z') + i * 60_000),
      });
      lines.push(JSON.stringify(last));
    }
    writeFileSync(join(dir, 'audit.jsonl'), `${lines.join('\n')}\n`);
    const checkpoint = { count: entries, head: last!.hash };
    writeFileSync(
      join(dir, 'audit.checkpoint'),
      JSON.stringify({ ...checkpoint, mac: checkpointMac(Buffer.from(key), checkpoint) }),
    );
    const s0 = performance.now();
    const log = AuditLog.open(dir, { key });
    print({ bench: 'audit-file-start-up', entries, ms: Math.round(performance.now() - s0) });
    const admin = { id: 'staff-1', county: 'tekes' };
    await log.verify(); // the first view of a process reads the file once
    for (const c of cases) {
      const before = await timed(Math.min(views, 10), async () => {
        await log.append(admin, 'view_audit', 'audit');
        const own = await log.list(() => true, Number.POSITIVE_INFINITY, 'tekes');
        own.filter(c.matches).slice(0, 50);
        await log.verifyAll();
      });
      const filter: AuditFilter = { county: 'tekes', countyIds: [], ...c.filter };
      const after = await timed(views, async () => {
        await log.append(admin, 'view_audit', 'audit');
        await log.search(filter, 0, 50);
        await log.verify();
      });
      print({ bench: 'audit-file-view', entries, filter: c.name, before, after });
    }
    log.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
