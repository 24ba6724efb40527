/**
 * npm run admin -- store migrate --to postgres://… : a county's lowdb data directory copied into
 * PostgreSQL, collection by collection (stored-collections.ts: every one the server keeps),
 * with the same data keys (both stores read DATA_DIR/keys or DATA_KEY), so the personal fields
 * stay encrypted with the key they had. Run while the lowdb server is stopped (the data
 * directory's lock refuses otherwise).
 *
 * Verified after the copy by reading both sides back: per collection the count and a SHA-256
 * over the sorted ids and the canonical JSON of each decoded record. Safe to re-run: a record
 * is overwritten with itself; a record only in PostgreSQL (written there after a first move) is
 * reported and left alone, never deleted. Written in batches (one transaction each, see `copy`):
 * a run stopped midway leaves whole batches, and the re-run overwrites them.
 *
 * The audit log comes too: the file's chain (audit.jsonl and its signed checkpoint) is copied
 * into the database's audit tables entry by entry as it was, with the same key (AUDIT_KEY or
 * keys/audit.key), and verified there after; a re-run finds the entries already there and
 * leaves them (audit-log-pg.ts, importAuditChain).
 */
import { createHash } from 'node:crypto';
import type { Collection } from '../bot/store/collection-store.ts';
import type { EnvKeys } from '../bot/store/data-keys.ts';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import { openStore } from '../bot/store/open-store.ts';
import { AuditLog } from './staff/audit-log.ts';
import { importAuditChain, PgAuditLog } from './staff/audit-log-pg.ts';
import { PgCollection } from '../bot/store/pg/pg-collection.ts';
import { openEveryCollection } from './stored-collections.ts';

export interface CollectionCheck {
  name: string;
  lowdb: number;
  postgres: number;
  /** Records in PostgreSQL that the data directory does not hold (left in place). */
  onlyInPostgres: number;
  lowdbSum: string;
  postgresSum: string;
  ok: boolean;
}

/** JSON with object keys sorted at every depth: equal records give equal text on both sides. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

/** The ids (sorted) and the SHA-256 of id + canonical record, over `ids` only when given. */
async function digest(c: Collection<unknown>, only?: ReadonlySet<string>) {
  const rows: [string, string][] = [];
  let others = 0;
  for await (const [id, r] of c.entries()) {
    if (only && !only.has(id)) others++;
    else rows.push([id, canonicalJson(r)]);
  }
  rows.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const hash = createHash('sha256');
  for (const [id, json] of rows) hash.update(`${id}\n${json}\n`);
  return { ids: new Set(rows.map(([id]) => id)), count: rows.length, sum: hash.digest('hex'), others };
}

/** Both sides read back: counts and sums over the source's ids; the target's other ids counted apart. */
export async function compareCollection(
  name: string,
  src: Collection<unknown>,
  dst: Collection<unknown>,
): Promise<CollectionCheck> {
  const a = await digest(src);
  const b = await digest(dst, a.ids);
  return {
    name,
    lowdb: a.count,
    postgres: b.count,
    onlyInPostgres: b.others,
    lowdbSum: a.sum,
    postgresSum: b.sum,
    ok: a.count === b.count && a.sum === b.sum,
  };
}

/**
 * The file's audit chain into the database, then both verified: a row like a collection's,
 * named "audit-log", whose sums are over the entries' hashes (each covers its entry and all
 * before it). A chain already broken in the file is copied broken, and must show so there.
 */
export async function migrateAuditLog(
  dataDir: string,
  pool: pg.Pool,
  auditKey: string | undefined,
): Promise<CollectionCheck | undefined> {
  if (!existsSync(join(dataDir, 'audit.jsonl'))) return undefined;
  const file = AuditLog.open(dataDir, auditKey ? { key: auditKey } : {});
  try {
    const { entries, checkpoint, key } = file.chain;
    await importAuditChain(pool, key, entries, checkpoint);
    const copied = await PgAuditLog.open(pool, dataDir, auditKey ? { key: auditKey } : {});
    const inDb = (await copied.list(() => true, Number.POSITIVE_INFINITY)).reverse();
    const sum = (list: readonly { hash: string }[]) =>
      createHash('sha256')
        .update(list.map((e) => e.hash).join('\n'))
        .digest('hex');
    const fileIntegrity = await file.verifyAll();
    const dbIntegrity = await copied.verifyAll();
    const prefix = inDb.slice(0, entries.length);
    return {
      name: 'audit-log',
      lowdb: entries.length,
      postgres: prefix.length,
      onlyInPostgres: inDb.length - prefix.length,
      lowdbSum: sum(entries),
      postgresSum: sum(prefix),
      ok: sum(entries) === sum(prefix) && JSON.stringify(fileIntegrity) === JSON.stringify(dbIntegrity),
    };
  } finally {
    file.close();
  }
}

/** Records a transaction: a commit per batch instead of per record. */
export const migrateBatch = 500;

/**
 * Through the same codec the server writes with; into PostgreSQL `migrateBatch` records a
 * transaction (each batch committed before the next is read), into any other store one by one.
 */
async function copy(src: Collection<unknown>, dst: Collection<unknown>) {
  if (!(dst instanceof PgCollection)) {
    for await (const [id, r] of src.entries()) await dst.setDurably(id, r);
    return;
  }
  let batch: [string, unknown][] = [];
  for await (const entry of src.entries()) {
    batch.push(entry);
    if (batch.length < migrateBatch) continue;
    await dst.setManyDurably(batch);
    batch = [];
  }
  await dst.setManyDurably(batch);
}

export async function migrateStore(o: {
  dataDir: string;
  databaseUrl: string;
  keys?: EnvKeys;
  /** AUDIT_KEY, if set (otherwise the data directory's keys/audit.key). */
  auditKey?: string;
}): Promise<CollectionCheck[]> {
  const keys = o.keys ? { keys: o.keys } : {};
  const from = await openStore({ dataDir: o.dataDir, ...keys });
  try {
    const to = await openStore({ dataDir: o.dataDir, databaseUrl: o.databaseUrl, ...keys });
    try {
      const source = await openEveryCollection(from);
      const target = await openEveryCollection(to);
      const checks: CollectionCheck[] = [];
      for (const [name, src] of source) {
        const dst = target.get(name)!;
        await copy(src, dst);
        checks.push(await compareCollection(name, src, dst));
      }
      const audit = await migrateAuditLog(o.dataDir, to.pool!, o.auditKey);
      if (audit) checks.push(audit);
      return checks;
    } finally {
      await to.close();
    }
  } finally {
    await from.close();
  }
}

/** The table the command prints (operators read it; tests parse it). */
export function checkTable(checks: CollectionCheck[]): string {
  const head = ['collection', 'lowdb', 'postgres', 'only-in-pg', 'sha256 (first 16)', 'result'];
  const rows = checks.map((c) => [
    c.name,
    String(c.lowdb),
    String(c.postgres),
    String(c.onlyInPostgres),
    c.lowdbSum === c.postgresSum
      ? c.lowdbSum.slice(0, 16)
      : `${c.lowdbSum.slice(0, 16)}≠${c.postgresSum.slice(0, 16)}`,
    c.ok ? 'ok' : 'MISMATCH',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [head, ...rows].map((r) => `${r.map((x, i) => x.padEnd(widths[i]!)).join('  ')}\n`).join('');
}
