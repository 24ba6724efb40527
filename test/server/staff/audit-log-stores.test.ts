/**
 * One behavioural suite over both audit logs (the file: audit-log.ts; PostgreSQL:
 * audit-log-pg.ts): append, list and verify, a restart that chains on, and what someone who can
 * write the store but not read the key may do: edit a row's detail, delete the last row, forge
 * the head. Then PostgreSQL alone: two pools (as two instances) appending at once make one
 * gap-free chain, and an instance with another key is refused rather than sign a second chain.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { migrate } from '../../../bot/store/pg/migrate.ts';
import type { AuditFilter, AuditLogOptions, AuditTrail } from '../../../server/staff/audit-chain.ts';
import { AuditLog } from '../../../server/staff/audit-log.ts';
import {
  AuditKeyMismatchError,
  newestSql,
  PgAuditLog,
  searchPageSql,
} from '../../../server/staff/audit-log-pg.ts';
import { seedAuditChain } from '../../helpers/audit-seed.ts';
import { readAuditLines, writeAuditLines } from '../../helpers/audit-tamper.ts';
import { type PgCluster, pgBinDir, startPgCluster } from '../../helpers/pg-cluster.ts';

/** A log in one store, and what can be done to it from outside the server. */
interface Subject {
  open(options?: AuditLogOptions): Promise<AuditTrail>;
  editDetail(seq: number, detail: string): Promise<void>;
  deleteLast(): Promise<void>;
  forgeHead(): Promise<void>;
  close(): Promise<void>;
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const newDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'audit-stores-'));
  dirs.push(d);
  return d;
};

async function fileSubject(): Promise<Subject> {
  const dir = newDir();
  const file = join(dir, 'audit.jsonl');
  const opened: AuditTrail[] = [];
  return {
    async open(options) {
      const log = AuditLog.open(dir, options);
      opened.push(log);
      return log;
    },
    async editDetail(seq, detail) {
      writeAuditLines(
        file,
        readAuditLines(file).map((e) => (e.seq === seq ? { ...e, detail } : e)),
      );
    },
    async deleteLast() {
      writeAuditLines(file, readAuditLines(file).slice(0, -1));
    },
    async forgeHead() {
      const cp = join(dir, 'audit.checkpoint');
      writeFileSync(cp, readFileSync(cp, 'utf8').replace(/"count":\d+/, '"count":1'));
    },
    async close() {
      for (const log of opened) log.close();
    },
  };
}

let cluster: PgCluster | undefined;
let databases = 0;
beforeAll(async () => {
  if (pgBinDir) cluster = await startPgCluster();
}, 120_000);
afterAll(async () => {
  await cluster?.stop();
});

async function pgPool(url: string): Promise<pg.Pool> {
  const pool = new pg.Pool({ connectionString: url, max: 5 });
  await migrate(pool);
  return pool;
}

async function pgSubject(): Promise<Subject> {
  const url = await cluster!.createDatabase(`audit_${++databases}`);
  const pool = await pgPool(url);
  const dir = newDir();
  return {
    open: (options) => PgAuditLog.open(pool, dir, options),
    async editDetail(seq, detail) {
      await pool.query('UPDATE audit_entries SET detail = $1 WHERE seq = $2', [detail, seq]);
    },
    async deleteLast() {
      await pool.query('DELETE FROM audit_entries WHERE seq = (SELECT max(seq) FROM audit_entries)');
    },
    async forgeHead() {
      await pool.query('UPDATE audit_head SET entries = 1');
    },
    close: () => pool.end(),
  };
}

const tekes = { id: 'u1', county: 'tekes' };
const qitai = { id: 'q1', county: 'qitai' };

/** Three entries: two Tekes, one Qitai, the second with a detail. */
async function threeEntries(log: AuditTrail) {
  await log.append(tekes, 'view', 'TE-AAAA0001');
  await log.append(tekes, 'status', 'TE-AAAA0001', 'new -> contacted');
  await log.append(qitai, 'view', 'QT-AAAA0002');
}

describe.each([
  { name: 'file (lowdb)', skip: false, subject: fileSubject },
  { name: 'PostgreSQL', skip: !pgBinDir, subject: pgSubject },
])('the audit log in $name', ({ skip, subject }) => {
  let s: Subject;
  beforeEach(async () => {
    if (skip) return;
    s = await subject();
    return () => s.close();
  });
  const test = it.skipIf(skip);

  test('appends, lists newest first (a county alone if asked), verifies, and chains on after a restart', async () => {
    const log = await s.open();
    await threeEntries(log);
    await log.appendSystem('', 'login_failed', 'nobody', 'invalid');
    expect((await log.list()).map((e) => [e.seq, e.county])).toEqual([
      [4, ''],
      [3, 'qitai'],
      [2, 'tekes'],
      [1, 'tekes'],
    ]);
    expect((await log.list(() => true, 500, 'tekes')).map((e) => e.seq)).toEqual([2, 1]);
    expect((await log.list((e) => e.action === 'view', 1)).map((e) => e.seq)).toEqual([3]);
    expect((await log.list())[2]).toMatchObject({ by: 'u1', action: 'status', detail: 'new -> contacted' });
    expect(await log.verify()).toEqual({ ok: true });
    expect(log.head.count).toBe(4);

    const fourth = (await log.list())[0]!;
    const again = await s.open();
    const fifth = await again.append(tekes, 'print', 'TE-AAAA0001');
    expect(fifth).toMatchObject({ seq: 5, prev: fourth.hash });
    expect(await again.verify()).toEqual({ ok: true });
  });

  test('names the seq of a row whose detail was edited, then and after a restart', async () => {
    const log = await s.open();
    await threeEntries(log);
    await s.editDetail(2, 'new -> closed');
    expect(await log.verify()).toEqual({ ok: false, seq: 2 });
    const again = await s.open();
    await again.append(tekes, 'view', 'TE-AAAA0003');
    expect(await again.verify()).toEqual({ ok: false, seq: 2 });
  });

  test('shows the last row deleted, and keeps showing it after more appends', async () => {
    const log = await s.open();
    await threeEntries(log);
    await s.deleteLast();
    expect(await log.verify()).toEqual({ ok: false, seq: 3 });
    await log.append(tekes, 'view', 'TE-AAAA0004');
    expect(await log.verify()).toMatchObject({ ok: false });
  });

  test('a view checks what is new; an old entry edited after it is named by the whole check, due hourly', async () => {
    let now = 0;
    const hour = 60 * 60 * 1000;
    const log = await s.open({ fullCheckEvery: hour, clock: () => now });
    await threeEntries(log);
    expect(await log.verify()).toEqual({ ok: true });
    // The same length as before, so nothing after it moves: only reading entry 2 again shows it.
    await s.editDetail(2, 'new -> contactex');
    await log.append(tekes, 'view', 'TE-AAAA0004');
    // A view reads the entries since the last one verified, not entry 2: the price of a view
    // that costs what is new. The whole chain is read again when asked, and within the hour.
    expect(await log.verify()).toEqual({ ok: true });
    expect(await log.verifyAll()).toEqual({ ok: false, seq: 2 });
    now += hour;
    expect(await log.verify()).toEqual({ ok: false, seq: 2 });
    // And at every start.
    expect(await (await s.open()).verify()).toEqual({ ok: false, seq: 2 });
  });

  test("searches a county's entries by who, what, which case and when, a page at a time", async () => {
    const day = (d: string) => new Date(`${d}T12:00:00Z`);
    await (async (log: AuditTrail) => {
      await log.append(tekes, 'view', 'TE-AAAA0001', undefined, day('2026-03-01'));
      await log.append(tekes, 'status', 'TE-AAAA0001', 'new -> contacted', day('2026-03-02'));
      await log.append(qitai, 'status', 'QT-AAAA0002', 'new -> contacted', day('2026-03-02'));
      await log.append({ id: 'u2', county: 'tekes' }, 'view', 'TE-BBBB0003', undefined, day('2026-03-03'));
      await log.appendSystem('tekes', 'anonymised', 'TE-AAAA0001', 'retention 30 days', day('2026-03-04'));
      await log.appendSystem('', 'login_failed', 'nobody', 'invalid', day('2026-03-04'));
    })(await s.open());
    const log = await s.open();
    const tekesOnly = { county: 'tekes', countyIds: ['u1', 'u2'] };
    const seqs = async (f: Partial<AuditFilter>, offset = 0, limit = 50) => {
      const { rows, total } = await log.search({ ...tekesOnly, ...f }, offset, limit);
      return { seqs: rows.map((e) => e.seq), total };
    };
    expect(await seqs({})).toEqual({ seqs: [5, 4, 2, 1], total: 4 });
    expect(await seqs({}, 1, 2)).toEqual({ seqs: [4, 2], total: 4 });
    expect(await seqs({ action: 'status' })).toEqual({ seqs: [2], total: 1 });
    expect(await seqs({ by: { system: true } })).toEqual({ seqs: [5], total: 1 });
    expect(await seqs({ by: { ids: ['u2'] } })).toEqual({ seqs: [4], total: 1 });
    expect(await seqs({ by: { ids: [] } })).toEqual({ seqs: [], total: 0 });
    // Up to a seq: the pages of the log as it stood (entries appended since are not counted).
    expect(await seqs({ uptoSeq: 4 }, 1, 2)).toEqual({ seqs: [2, 1], total: 3 });
    expect(await seqs({ targetContains: 'AAAA0001' })).toEqual({ seqs: [5, 2, 1], total: 3 });
    expect(await seqs({ from: '2026-03-02T00:00:00.000Z', before: '2026-03-04T00:00:00.000Z' })).toEqual({
      seqs: [4, 2],
      total: 2,
    });
    expect(await log.search({ county: 'qitai', countyIds: [] }, 0, 50)).toMatchObject({ total: 1 });
  });

  test('shows a forged head', async () => {
    const log = await s.open();
    await threeEntries(log);
    await s.forgeHead();
    expect(await log.verify()).toEqual({ ok: false, seq: 1 });
  });
});

describe.skipIf(!pgBinDir)('the audit log in PostgreSQL, several instances', () => {
  it('two pools appending at once make one gap-free chain that verifies', async () => {
    const url = await cluster!.createDatabase(`audit_${++databases}`);
    const pools = [await pgPool(url), await pgPool(url)];
    const dir = newDir();
    try {
      // Two instances with the same key (copied, or AUDIT_KEY), opened one after the other.
      const a = await PgAuditLog.open(pools[0]!, dir);
      const b = await PgAuditLog.open(pools[1]!, dir);
      const each = 60;
      const appended = await Promise.all(
        Array.from({ length: each }, (_, i) => [
          a.append(tekes, 'view', `TE-A${i}`),
          b.append(qitai, 'view', `QT-B${i}`),
        ]).flat(),
      );
      const seqs = appended.map((e) => e.seq).sort((x, y) => x - y);
      expect(seqs).toEqual(Array.from({ length: 2 * each }, (_, i) => i + 1));
      const { rows } = await pools[0]!.query<{ n: string }>('SELECT count(*) AS n FROM audit_entries');
      expect(Number(rows[0]!.n)).toBe(2 * each);
      expect(await a.verify()).toEqual({ ok: true });
      expect(await b.verify()).toEqual({ ok: true });
      // Each instance sees the other's entries.
      expect((await a.list(() => true, 500, 'qitai')).length).toBe(each);
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
  });

  it('refuses an instance whose key does not verify the shared head', async () => {
    const url = await cluster!.createDatabase(`audit_${++databases}`);
    const pool = await pgPool(url);
    try {
      const log = await PgAuditLog.open(pool, newDir());
      await log.append(tekes, 'view', 'TE-1');
      await expect(PgAuditLog.open(pool, newDir())).rejects.toThrow(AuditKeyMismatchError);
      expect(await log.verify()).toEqual({ ok: true });
    } finally {
      await pool.end();
    }
  });

  it("lets another instance append while one instance's start-up check reads a long chain", async () => {
    const url = await cluster!.createDatabase(`audit_${++databases}`);
    const running = await pgPool(url);
    const starting = new pg.Pool({ connectionString: url, max: 2, application_name: 'audit-starting' });
    const key = 'a shared audit key for both instances';
    // The starting instance's connections, so its check can be held open below.
    const sockets: Socket[] = [];
    let held = false;
    try {
      const log = await PgAuditLog.open(running, newDir(), { key });
      await seedAuditChain(running, Buffer.from(key), 100_000);
      starting.on('connect', (c) =>
        sockets.push((c as unknown as { connection: { stream: Socket } }).connection.stream),
      );
      let started = false;
      const opening = PgAuditLog.open(starting, newDir(), { key }).then((opened) => {
        started = true;
        return opened;
      });
      opening.catch(() => {}); // awaited below; a failure while held is not a second error
      // Until the starting instance is inside its check (a transaction open, reading the chain).
      const inCheck = async () =>
        (
          await running.query(
            `SELECT 1 FROM pg_stat_activity WHERE application_name = 'audit-starting'
               AND xact_start IS NOT NULL AND query LIKE '%FROM audit_%'`,
          )
        ).rowCount === 1;
      while (!(await inCheck())) await new Promise((r) => setTimeout(r, 2));
      // Hold the check inside its transaction: with its socket paused, the starting instance
      // cannot read the rest of the chain nor send COMMIT, so whatever it locks stays locked
      // (not a race with a fast check, as a timing alone would be).
      for (const s of sockets) s.pause();
      held = true;
      const waited = new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error('the append waited for the start-up check')), 15_000).unref(),
      );
      const appended = await Promise.race([log.append(tekes, 'view', 'TE-DURING'), waited]);
      // Answered while the check still runs: it held no lock that the append waits on.
      expect(started).toBe(false);
      expect(appended.seq).toBe(100_001);
      for (const s of sockets) s.resume();
      held = false;
      const other = await opening;
      expect(other.head.count).toBeGreaterThanOrEqual(100_000);
      expect(await other.verify()).toEqual({ ok: true });
      expect((await other.append(qitai, 'view', 'QT-AFTER')).seq).toBe(100_002);
    } finally {
      // Failed while held: closing the check's connections ends its transaction, and its locks.
      if (held) {
        starting.on('error', () => {});
        for (const s of sockets) s.destroy();
      }
      await Promise.all([running.end(), starting.end().catch(() => {})]);
    }
  });

  it("asks a filtered page of the county index, and finds a county's entries from before counties", async () => {
    const url = await cluster!.createDatabase(`audit_${++databases}`);
    const pool = await pgPool(url);
    try {
      await pool.query(
        `INSERT INTO audit_entries (seq, entry_at, actor, action, target, detail, county, prev, hash)
         SELECT g, '2026-12-01T00:00:00.000Z', 'u' || (g % 7), CASE WHEN g % 3 = 0 THEN 'status' ELSE 'view' END,
                'TE-' || g, NULL, CASE WHEN g <= 100 THEN NULL ELSE 'c' || (g % 40) END, '', ''
         FROM generate_series(1, 40000) AS g`,
      );
      await pool.query('ANALYZE audit_entries');
      const filter: AuditFilter = {
        county: 'c7',
        countyIds: ['u3'],
        action: 'status',
        targetContains: 'TE-1',
      };
      const page = searchPageSql(filter, 0, 50);
      const { rows } = await pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${page.sql}`, page.params);
      const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
      expect(plan).toContain('audit_entries_county');
      expect(plan).not.toMatch(/Seq Scan/);

      const log = await PgAuditLog.open(pool, newDir());
      const { rows: found, total } = await log.search({ county: 'c7', countyIds: ['u3'] }, 0, 5);
      // Before counties: u3's entries among the first 100 (seq 3, 10, …, 94) are c7's too.
      const older = Array.from({ length: 100 }, (_, i) => i + 1).filter((g) => g % 7 === 3);
      const own = Array.from({ length: 40000 }, (_, i) => i + 1).filter((g) => g > 100 && g % 40 === 7);
      expect(total).toBe(own.length + older.length);
      expect(found.map((e) => e.seq)).toEqual([39967, 39927, 39887, 39847, 39807]);
      const last = await log.search({ county: 'c7', countyIds: ['u3'] }, total - 2, 5);
      expect(last.rows.map((e) => e.seq)).toEqual(older.slice(0, 2).reverse());
    } finally {
      await pool.end();
    }
  });

  it("finds a rare action's page in the action index, not by walking the county's entries", async () => {
    const url = await cluster!.createDatabase(`audit_${++databases}`);
    const pool = await pgPool(url);
    try {
      // 40,000 rows over 40 counties; c0 holds 1,000 of them, 40 of which are exports.
      await pool.query(
        `INSERT INTO audit_entries (seq, entry_at, actor, action, target, detail, county, prev, hash)
         SELECT g, '2026-12-01T00:00:00.000Z', 'u1', CASE WHEN g % 1000 = 0 THEN 'export' ELSE 'view' END,
                'TE-' || g, NULL, 'c' || (g % 40), '', ''
         FROM generate_series(1, 40000) AS g`,
      );
      await pool.query('ANALYZE audit_entries');
      const page = searchPageSql({ county: 'c0', countyIds: [], action: 'export' }, 0, 50);
      const [{ 'QUERY PLAN': plan }] = (
        await pool.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (ANALYZE, FORMAT JSON) ${page.sql}`, page.params)
      ).rows as [{ 'QUERY PLAN': unknown }];
      // Every scan of audit_entries under the plan, with what it read and threw away.
      const scans: { index?: string; removed: number }[] = [];
      const walk = (node: Record<string, unknown>) => {
        if (node['Relation Name'] === 'audit_entries')
          scans.push({
            index: node['Index Name'] as string | undefined,
            removed: Number(node['Rows Removed by Filter'] ?? 0),
          });
        for (const child of (node.Plans as Record<string, unknown>[] | undefined) ?? []) walk(child);
      };
      walk((plan as [{ Plan: Record<string, unknown> }])[0].Plan);
      expect(scans.map((s) => s.index)).toContain('audit_entries_county_action');
      // The county's 960 views are not read to find its 40 exports.
      expect(Math.max(...scans.map((s) => s.removed))).toBeLessThan(50);
      const log = await PgAuditLog.open(pool, newDir());
      const { rows, total } = await log.search({ county: 'c0', countyIds: [], action: 'export' }, 0, 50);
      expect(total).toBe(40);
      expect(rows.map((e) => e.seq)).toEqual(Array.from({ length: 40 }, (_, i) => 40000 - i * 1000));
    } finally {
      await pool.end();
    }
  });

  it("reads a county's newest entries from the county index, not the whole log", async () => {
    const url = await cluster!.createDatabase(`audit_${++databases}`);
    const pool = await pgPool(url);
    try {
      // 40,000 rows over 40 counties (MACs do not matter to the plan), then the statistics.
      await pool.query(
        `INSERT INTO audit_entries (seq, entry_at, actor, action, target, detail, county, prev, hash)
         SELECT g, '2026-12-01T00:00:00.000Z', 'u1', 'view', 'TE-' || g, NULL, 'c' || (g % 40), '', ''
         FROM generate_series(1, 40000) AS g`,
      );
      await pool.query('ANALYZE audit_entries');
      const { rows } = await pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${newestSql(true)}`, [
        Number.MAX_SAFE_INTEGER,
        'c7',
      ]);
      const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
      expect(plan).toContain('audit_entries_county');
      expect(plan).not.toMatch(/Seq Scan/);
    } finally {
      await pool.end();
    }
  });
});
