/**
 * `npm run admin -- store migrate --to postgres://…` on a county's lowdb data directory seeded
 * through the real server (a caseworker from the admin CLI, signed in; three residents'
 * referrals with names and phones), against a real PostgreSQL: every collection copied and
 * verified (the printed table), the audit log's chain too, a second run verifies again, a record
 * only in PostgreSQL is reported and kept, and the server started on PostgreSQL with that data
 * directory (its keys) shows a migrated referral to the caseworker, whose migrated session still
 * works, and chains its audit entries on from the copied ones (a third run keeps them).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openReferrals } from '../../bot/referral/dialog-storage.ts';
import { openStore } from '../../bot/store/open-store.ts';
import { keptAndRealCounts } from '../helpers/pg-counts.ts';
import { addCaseworker } from '../helpers/admin-cli.ts';
import { PageClient } from '../helpers/browser-session.ts';
import { type PgCluster, pgBinDir, startPgCluster } from '../helpers/pg-cluster.ts';
import { residentWithResults, sendReferral } from '../helpers/resident-referral.ts';
import { signIn } from '../helpers/staff-sign-in.ts';
import { startServer } from '../helpers/start-server.ts';

const dirs: string[] = [];
let cluster: PgCluster | undefined;
let url = '';
beforeAll(async () => {
  if (!pgBinDir) return;
  cluster = await startPgCluster();
  url = await cluster.createDatabase('store_migrate');
}, 120_000);
afterAll(async () => {
  await cluster?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function migrate(dataDir: string) {
  const { DATABASE_URL: _, ...env } = process.env;
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'server/admin-cli.ts', 'store', 'migrate', '--to', url, '--data', dataDir],
    { env: { ...env, NODE_ENV: 'production' }, encoding: 'utf8' },
  );
  return { code: run.status, out: run.stdout, err: run.stderr };
}

/** The printed table's row for a collection: counts, sums and result. */
function row(out: string, name: string) {
  const cells = out
    .split('\n')
    .find((l) => l.startsWith(`${name} `))
    ?.split(/\s+/);
  if (!cells) throw new Error(`no row for ${name} in:\n${out}`);
  const [, lowdb, postgres, onlyInPg, sum, result] = cells;
  return { lowdb: Number(lowdb), postgres: Number(postgres), onlyInPg: Number(onlyInPg), sum, result };
}

describe.skipIf(!pgBinDir)('store migrate: lowdb to PostgreSQL', () => {
  it('copies and verifies every collection, re-runs, and the server on PostgreSQL reads the result', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'migrate-'));
    dirs.push(dir);
    const password = addCaseworker(dir, 'mover');
    const lowdb = await startServer('server/main.ts', { PORT: '0', DATA_DIR: dir });
    const references: string[] = [];
    let names: string[] = [];
    let phones: string[] = [];
    let staffPage: PageClient;
    try {
      const residents = await Promise.all(
        [0, 1, 2].map(async (n) => (await residentWithResults(lowdb.base, n))!),
      );
      names = residents.map((r) => r.name);
      phones = residents.map((r) => r.phone);
      for (const r of residents) references.push((await sendReferral(r))!);
      expect(references.every((r) => r?.startsWith('TE-'))).toBe(true);
      staffPage = await signIn(lowdb.base, 'mover', password);
    } finally {
      await lowdb.stop();
    }

    const first = migrate(dir);
    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    process.stdout.write(first.out);
    expect(row(first.out, 'referrals')).toMatchObject({ lowdb: 3, postgres: 3, onlyInPg: 0, result: 'ok' });
    // the caseworker and the first county admin the server made at its first start
    expect(row(first.out, 'staff-users')).toMatchObject({ lowdb: 2, postgres: 2, result: 'ok' });
    expect(row(first.out, 'staff-sessions').lowdb).toBeGreaterThan(0);
    expect(row(first.out, 'sessions').lowdb).toBeGreaterThan(0);
    // The server's own entries (first admin made, the caseworker's sign-in), as they were.
    const audit = row(first.out, 'audit-log');
    expect(audit.lowdb).toBeGreaterThan(0);
    expect(audit).toMatchObject({ postgres: audit.lowdb, onlyInPg: 0, result: 'ok' });
    expect(first.out).toMatch(/12 collections and the audit log \(\d+ entries\) copied and verified/);

    // Moved with their encryption: no name or phone in clear in any table.
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    try {
      // One query at a time: a pg client runs one.
      const tables: string[] = [];
      for (const sql of [
        'SELECT data AS t FROM records',
        'SELECT value AS t FROM record_columns',
        'SELECT hash AS t FROM record_hashes',
      ])
        tables.push((await db.query<{ t: string }>(sql)).rows.map((r) => r.t).join('\n'));
      const raw = tables.join('\n');
      expect(raw).toContain('enc:v1:');
      for (const clear of [...names, ...phones]) expect(raw).not.toContain(clear);
    } finally {
      await db.end();
    }

    // Counted in PostgreSQL itself: one table row per referral, not sixteen shard files.
    const check = await openStore({ dataDir: dir, databaseUrl: url });
    try {
      const referrals = await openReferrals(check);
      expect(await referrals.count()).toBe(3);
      expect((await referrals.get(references[0]!))?.name).toBe(names[0]);
      // A record written on PostgreSQL after the move: reported by a re-run, never deleted.
      const copy = (await referrals.get(references[1]!))!;
      await referrals.setDurably('TE-ONLYINPG', {
        ...copy,
        reference: 'TE-ONLYINPG',
        idempotencyKey: undefined,
      });
    } finally {
      await check.close();
    }
    const second = migrate(dir);
    expect(second.code).toBe(0);
    expect(row(second.out, 'referrals')).toMatchObject({ lowdb: 3, postgres: 3, onlyInPg: 1, result: 'ok' });
    expect(row(second.out, 'referrals').sum).toBe(row(first.out, 'referrals').sum);
    // The inbox's counts, kept beside the records, stay exact through the copy and its re-run.
    const counted = new pg.Client({ connectionString: url });
    await counted.connect();
    try {
      const { real, kept } = await keptAndRealCounts(counted, 'referrals');
      expect(Object.keys(real).length).toBeGreaterThan(0);
      expect(kept).toEqual(real);
    } finally {
      await counted.end();
    }
    expect(second.out).toMatch(/only in PostgreSQL \(kept, not deleted\): referrals 1/);
    expect(row(second.out, 'audit-log')).toMatchObject({ ...audit, onlyInPg: 0, result: 'ok' });

    const onPg = await startServer('server/main.ts', { PORT: '0', DATA_DIR: dir, DATABASE_URL: url });
    try {
      // The caseworker's session came over too: the lowdb cookie works on the PostgreSQL server.
      const page = new PageClient(onPg.base);
      page.copyCookiesFrom(staffPage!);
      await page.get(`/staff/referrals/${references[2]}`);
      expect(page.status).toBe(200);
      expect(page.last).toContain(names[2]);
    } finally {
      await onPg.stop();
    }
    // The view was audited in PostgreSQL, on from the copied chain; a re-run keeps it and its head.
    const third = migrate(dir);
    expect(third.code).toBe(0);
    expect(row(third.out, 'audit-log')).toMatchObject({ lowdb: audit.lowdb, result: 'ok' });
    expect(row(third.out, 'audit-log').onlyInPg).toBeGreaterThan(0);
    const db2 = new pg.Client({ connectionString: url });
    await db2.connect();
    try {
      const { rows } = await db2.query<{ action: string; seq: string }>(
        'SELECT action, seq FROM audit_entries ORDER BY seq DESC LIMIT 1',
      );
      expect(rows[0]).toMatchObject({ action: 'view' });
      expect(Number(rows[0]!.seq)).toBeGreaterThan(audit.lowdb);
    } finally {
      await db2.end();
    }
  }, 600_000);
});
