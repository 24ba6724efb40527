/**
 * One behavioural suite over both audit logs (the file: audit-log.ts; PostgreSQL:
 * audit-log-pg.ts): append, list and verify, a restart that chains on, and what someone who can
 * write the store but not read the key may do: edit a row's detail, delete the last row, forge
 * the head. Then PostgreSQL alone: two pools (as two instances) appending at once make one
 * gap-free chain, and an instance with another key is refused rather than sign a second chain.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { migrate } from '../../../bot/store/pg/migrate.ts';
import type { AuditTrail } from '../../../server/staff/audit-chain.ts';
import { AuditLog } from '../../../server/staff/audit-log.ts';
import { AuditKeyMismatchError, newestSql, PgAuditLog } from '../../../server/staff/audit-log-pg.ts';
import { readAuditLines, writeAuditLines } from '../../helpers/audit-tamper.ts';
import { type PgCluster, pgBinDir, startPgCluster } from '../../helpers/pg-cluster.ts';

/** A log in one store, and what can be done to it from outside the server. */
interface Subject {
  open(): Promise<AuditTrail>;
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
    async open() {
      const log = AuditLog.open(dir);
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
    open: () => PgAuditLog.open(pool, dir),
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
