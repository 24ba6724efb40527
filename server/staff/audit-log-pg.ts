/**
 * The audit log in PostgreSQL (tables: bot/store/pg/migrations.ts, version 2): ONE chain for
 * every instance on the database, so a county admin sees on any instance what was done on any
 * other. The same entries, HMACs and signed checkpoint as the file (audit-chain.ts), with the
 * same key (AUDIT_KEY, or DATA_DIR/keys/audit.key: every instance needs the same one).
 *
 * An append locks the head row (SELECT … FOR UPDATE), chains the entry on from the head's
 * count and hash, inserts it and signs the new head, in one transaction: appends from all
 * instances take their turn, and the entry is committed before the action it records is
 * answered. It chains from the signed head, never from the last row found, so a row deleted
 * from the end leaves a gap the next verify names.
 *
 * Tamper-evident against someone who can write the database but not read the key: an edited,
 * removed or reordered row breaks its MAC or the chain; rows cut from the end fall short of the
 * head; a head that does not verify is named at seq 1. A break found at start-up, or a head
 * that no longer verifies at an append, is written into the head, so later appends cannot hide
 * it. A start whose key does not verify the head is refused: that is most often an instance
 * given another key, which would otherwise sign entries no other instance can check.
 * Not detected: the whole database put back to an older copy (compare with the head logged at
 * start-up), or all rows deleted and the head reset to its unsigned first state.
 */
import type pg from 'pg';
import {
  type AuditEntry,
  type AuditFilter,
  type AuditLogOptions,
  type AuditTrail,
  type Checkpoint,
  ChainedTrail,
  chainEntry,
  checkpointMac,
  defaultFullCheckEvery,
  type EntryFields,
  earliest,
  firstBreak,
  type Integrity,
  sameHex,
  VerifiedSoFar,
} from './audit-chain.ts';
import { inTransaction } from '../../bot/store/pg/transaction.ts';
import { loadAuditKey } from './audit-key.ts';

type Queryable = Pick<pg.PoolClient, 'query'>;

interface HeadRow {
  entries: string;
  last_hash: string;
  legacy_entries: string;
  legacy_hash: string;
  broken: string;
  mac: string;
}

interface EntryRow {
  seq: string;
  entry_at: string;
  actor: string;
  action: string;
  target: string;
  detail: string | null;
  county: string | null;
  prev: string;
  hash: string;
}

const entryColumns = 'seq, entry_at, actor, action, target, detail, county, prev, hash';
const headColumns = 'entries, last_hash, legacy_entries, legacy_hash, broken, mac';
/** Rows read at a time when listing: a page's worth without holding the log in memory. */
const listBatch = 500;

/** Thrown at start-up when this instance's key does not verify the shared head. */
export class AuditKeyMismatchError extends Error {
  constructor() {
    super(
      "the audit log in the database is not signed with this instance's audit key: give every instance the same AUDIT_KEY (or the same keys/audit.key); if the key is right, the audit head in the database was altered",
    );
  }
}

const toEntry = (r: EntryRow): AuditEntry => ({
  seq: Number(r.seq),
  at: r.entry_at,
  by: r.actor,
  action: r.action,
  target: r.target,
  ...(r.detail === null ? {} : { detail: r.detail }),
  ...(r.county === null ? {} : { county: r.county }),
  prev: r.prev,
  hash: r.hash,
});

const toCheckpoint = (r: HeadRow): Checkpoint => {
  const legacy = Number(r.legacy_entries);
  const broken = Number(r.broken);
  return {
    count: Number(r.entries),
    head: r.last_hash,
    ...(legacy > 0 ? { legacy: { count: legacy, head: r.legacy_hash } } : {}),
    ...(broken > 0 ? { broken } : {}),
  };
};

/** The head as stored: signed by this key, never signed yet, missing, or not verifying. */
function readHead(
  row: HeadRow | undefined,
  key: Buffer,
): { state: 'signed' | 'unsigned' | 'missing' | 'forged'; checkpoint: Checkpoint } {
  if (!row) return { state: 'missing', checkpoint: { count: 0, head: '' } };
  const checkpoint = toCheckpoint(row);
  if (row.mac === '') return { state: 'unsigned', checkpoint };
  return { state: sameHex(checkpointMac(key, checkpoint), row.mac) ? 'signed' : 'forged', checkpoint };
}

async function selectHead(db: Queryable, lock: boolean): Promise<HeadRow | undefined> {
  const { rows } = await db.query<HeadRow>(
    `SELECT ${headColumns} FROM audit_head WHERE id = 1${lock ? ' FOR UPDATE' : ''}`,
  );
  return rows[0];
}

async function writeHead(db: Queryable, key: Buffer, c: Checkpoint, exists: boolean): Promise<void> {
  const values = [
    c.count,
    c.head,
    c.legacy?.count ?? 0,
    c.legacy?.head ?? '',
    c.broken ?? 0,
    checkpointMac(key, c),
  ];
  await db.query(
    exists
      ? 'UPDATE audit_head SET entries = $1, last_hash = $2, legacy_entries = $3, legacy_hash = $4, broken = $5, mac = $6 WHERE id = 1'
      : 'INSERT INTO audit_head (id, entries, last_hash, legacy_entries, legacy_hash, broken, mac) VALUES (1, $1, $2, $3, $4, $5, $6)',
    values,
  );
}

async function insertEntry(db: Queryable, e: AuditEntry): Promise<void> {
  await db.query(`INSERT INTO audit_entries (${entryColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, [
    e.seq,
    e.at,
    e.by,
    e.action,
    e.target,
    e.detail ?? null,
    e.county ?? null,
    e.prev,
    e.hash,
  ]);
}

async function allEntries(db: Queryable): Promise<AuditEntry[]> {
  const { rows } = await db.query<EntryRow>(`SELECT ${entryColumns} FROM audit_entries ORDER BY seq`);
  return rows.map(toEntry);
}

/** The entries from seq `from` on, in order: a range of the primary key. */
async function entriesFrom(db: Queryable, from: number): Promise<AuditEntry[]> {
  const { rows } = await db.query<EntryRow>(
    `SELECT ${entryColumns} FROM audit_entries WHERE seq >= $1 ORDER BY seq`,
    [from],
  );
  return rows.map(toEntry);
}

/**
 * The head and every entry as of one moment, taking no lock: appends from other instances go
 * on meanwhile (they are not in the snapshot, so the head and the rows agree).
 */
const chainSnapshot = (pool: pg.Pool) =>
  inTransaction(
    pool,
    async (c) => ({ row: await selectHead(c, false), entries: await allEntries(c) }),
    'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
  );

/**
 * The audit page's filter in SQL: its county's entries and, apart, those from before counties
 * were kept (county NULL), each a walk down the county index that stops once `LIMIT` rows
 * pass. $1 the county, $2 its accounts' ids; the rest follow. Plain SQL (position, = ANY).
 */
export function searchSql(f: AuditFilter): { own: string; older: string; params: unknown[] } {
  const params: unknown[] = [f.county, [...f.countyIds]];
  const param = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const where: string[] = [];
  if (f.by) where.push('system' in f.by ? "actor = 'system'" : `actor = ANY(${param([...f.by.ids])})`);
  if (f.action !== undefined) where.push(`action = ${param(f.action)}`);
  if (f.uptoSeq !== undefined) where.push(`seq <= ${param(f.uptoSeq)}`);
  if (f.targetContains !== undefined) where.push(`position(${param(f.targetContains)} IN upper(target)) > 0`);
  if (f.from !== undefined) where.push(`entry_at >= ${param(f.from)}`);
  if (f.before !== undefined) where.push(`entry_at < ${param(f.before)}`);
  const rest = where.map((w) => ` AND ${w}`).join('');
  return {
    own: `county = $1${rest}`,
    older: `county IS NULL AND (actor = ANY($2) OR (actor = 'system' AND target = ANY($2)))${rest}`,
    params,
  };
}

/** A page (newest first) of what `searchSql` selects: the rows to skip, then the rows wanted. */
export function searchPageSql(f: AuditFilter, offset: number, limit: number) {
  const { own, older, params } = searchSql(f);
  const [skip, take, end] = [1, 2, 3].map((i) => `$${params.length + i}`);
  // Each half stops at skip + take rows, read in index order.
  const half = (where: string) =>
    `(SELECT ${entryColumns} FROM audit_entries WHERE ${where} ORDER BY county, seq DESC LIMIT ${end})`;
  return {
    sql: `SELECT ${entryColumns} FROM (${half(own)} UNION ALL ${half(older)}) AS e ORDER BY seq DESC LIMIT ${take} OFFSET ${skip}`,
    params: [...params, offset, limit, offset + limit],
  };
}

/** The entries below seq $1, newest first; with a county ($2), each half a range of its index. */
export const newestSql = (byCounty: boolean) =>
  byCounty
    ? `SELECT ${entryColumns} FROM (
  (SELECT ${entryColumns} FROM audit_entries WHERE county = $2 AND seq < $1 ORDER BY county, seq DESC LIMIT ${listBatch})
  UNION ALL
  (SELECT ${entryColumns} FROM audit_entries WHERE county IS NULL AND seq < $1 ORDER BY county, seq DESC LIMIT ${listBatch})
) AS e ORDER BY seq DESC LIMIT ${listBatch}`
    : `SELECT ${entryColumns} FROM audit_entries WHERE seq < $1 ORDER BY seq DESC LIMIT ${listBatch}`;

export class PgAuditLog extends ChainedTrail implements AuditTrail {
  /** The longest chain this process has seen: a database put back to fewer entries shows. */
  private seen: { count: number; head: string };
  private verified: VerifiedSoFar;

  private constructor(
    private pool: pg.Pool,
    private key: Buffer,
    seen: { count: number; head: string },
    verifiedUpTo: { seq: number; hash: string },
    options: AuditLogOptions,
  ) {
    super(options.countyOf ?? (() => undefined));
    this.seen = seen;
    this.verified = new VerifiedSoFar(
      options.fullCheckEvery ?? defaultFullCheckEvery,
      options.clock ?? Date.now,
    );
    // The start-up check was a whole one, up to the head in its snapshot.
    this.verified.anchor = verifiedUpTo;
  }

  /**
   * Checks the whole chain from a snapshot, holding no lock meanwhile, so other instances keep
   * appending while a long log is read. Only what must be written (a first signed head, a break
   * found) is written after, under the head lock, onto the head as it is by then.
   */
  static async open(pool: pg.Pool, dataDir: string, options: AuditLogOptions = {}): Promise<PgAuditLog> {
    const { key, keep } = loadAuditKey(dataDir, options.key);
    const { row, entries } = await chainSnapshot(pool);
    const { state, checkpoint } = readHead(row, key);
    if (state === 'forged') throw new AuditKeyMismatchError();
    const last = entries.at(-1);
    // A head never signed is a new log, unless rows are already there; a missing head was deleted.
    const start: Checkpoint =
      state === 'signed'
        ? checkpoint
        : state === 'unsigned' && entries.length === 0
          ? { count: 0, head: '' }
          : { count: last?.seq ?? 0, head: last?.hash ?? '', broken: 1 };
    const broken = earliest(start.broken, firstBreak(entries, start, key));
    const found = broken === undefined ? start : { ...start, broken };
    let seen = { count: found.count, head: found.head };
    if (state !== 'signed' || found.broken !== checkpoint.broken) {
      seen = await inTransaction(pool, async (c) => {
        const now = await selectHead(c, true);
        const current = readHead(now, key);
        if (current.state === 'forged') throw new AuditKeyMismatchError();
        // Signed since the snapshot (another instance started or appended): keep its head, add the break.
        const next =
          current.state === 'signed'
            ? { ...current.checkpoint, ...maybeBroken(earliest(current.checkpoint.broken, found.broken)) }
            : found;
        if (current.state !== 'signed' || next.broken !== current.checkpoint.broken)
          await writeHead(c, key, next, now !== undefined);
        return { count: next.count, head: next.head };
      });
    }
    keep(); // a new key file only now that a head signed with it is committed
    return new PgAuditLog(pool, key, seen, { seq: found.count, hash: found.head }, options);
  }

  protected async write(fields: EntryFields): Promise<AuditEntry> {
    const entry = await inTransaction(this.pool, async (c) => {
      // The lock every instance's append waits on: one head, one next seq at a time.
      const row = await selectHead(c, true);
      const { state, checkpoint } = readHead(row, this.key);
      let from = checkpoint;
      if (state === 'missing') {
        const { rows } = await c.query<EntryRow>(
          `SELECT ${entryColumns} FROM audit_entries ORDER BY seq DESC LIMIT 1`,
        );
        const last = rows[0] ? toEntry(rows[0]) : undefined;
        from = { count: last?.seq ?? 0, head: last?.hash ?? '', broken: 1 };
      } else if (state !== 'signed') from = { ...checkpoint, broken: 1 };
      const e = chainEntry(this.key, from.count ? { seq: from.count, hash: from.head } : undefined, fields);
      await insertEntry(c, e);
      await writeHead(c, this.key, { ...from, count: e.seq, head: e.hash }, row !== undefined);
      return e;
    });
    if (entry.seq > this.seen.count) this.seen = { count: entry.seq, head: entry.hash };
    return entry;
  }

  async list(
    filter: (e: AuditEntry) => boolean = () => true,
    limit = 500,
    county?: string,
  ): Promise<AuditEntry[]> {
    const out: AuditEntry[] = [];
    let before = Number.MAX_SAFE_INTEGER;
    while (out.length < limit) {
      const rows = await this.newest(before, county);
      for (const e of rows) if (out.length < limit && filter(e)) out.push(e);
      if (rows.length < listBatch) break;
      before = rows.at(-1)!.seq;
    }
    return out;
  }

  async search(filter: AuditFilter, offset: number, limit: number) {
    const { own, older, params } = searchSql(filter);
    const counted = await this.pool.query<{ n: string }>(
      `SELECT (SELECT count(*) FROM audit_entries WHERE ${own}) + (SELECT count(*) FROM audit_entries WHERE ${older}) AS n`,
      params,
    );
    const page = searchPageSql(filter, offset, limit);
    const { rows } = await this.pool.query<EntryRow>(page.sql, page.params);
    return { rows: rows.map(toEntry), total: Number(counted.rows[0]!.n) };
  }

  /**
   * A batch of entries below `before`, newest first. A county's are read from the county index:
   * its own, and those from before counties were kept (NULL), each a range of the index.
   */
  private async newest(before: number, county: string | undefined): Promise<AuditEntry[]> {
    const { rows } = await this.pool.query<EntryRow>(
      newestSql(county !== undefined),
      county === undefined ? [before] : [before, county],
    );
    return rows.map(toEntry);
  }

  /**
   * The entries since the last verified one (and that one, still there with its hash), against
   * the head as committed now: a page view reads what was appended since the last, not the log.
   * The head is read before the rows: entries appended in between are more rows than the head
   * counts, which the check allows (each still needs its MAC). Anything amiss, or a whole check
   * due: the whole chain, which names the first entry out of place.
   */
  async verify(): Promise<Integrity> {
    if (this.verified.fullCheckDue) return this.verifyAll();
    const { state, checkpoint } = readHead(await selectHead(this.pool, false), this.key);
    if (state !== 'signed') return { ok: false, seq: 1 };
    const from = this.verified.anchor;
    const rows = await entriesFrom(this.pool, from.seq);
    const anchored = from.seq === 0 || (rows[0]?.seq === from.seq && sameHex(rows[0].hash, from.hash));
    const since = from.seq === 0 ? rows : rows.slice(1);
    const broken =
      !anchored ||
      earliest(
        checkpoint.broken,
        firstBreak(since, checkpoint, this.key, from),
        this.rolledBack(from.seq + since.length),
      ) !== undefined;
    if (broken) return this.verifyAll();
    return this.verified.record({ ok: true }, { seq: checkpoint.count, hash: checkpoint.head }, false);
  }

  async verifyAll(): Promise<Integrity> {
    const { row, entries } = await chainSnapshot(this.pool);
    const { state, checkpoint } = readHead(row, this.key);
    if (state !== 'signed') return { ok: false, seq: 1 };
    const broken = earliest(
      checkpoint.broken,
      firstBreak(entries, checkpoint, this.key),
      this.rolledBack(entries.length),
    );
    const result: Integrity = broken === undefined ? { ok: true } : { ok: false, seq: broken };
    return this.verified.record(result, { seq: checkpoint.count, hash: checkpoint.head }, true);
  }

  /** Fewer entries than this process has seen: the database put back to an older copy. */
  private rolledBack(stored: number): number | undefined {
    return stored < this.seen.count ? stored + 1 : undefined;
  }

  get head(): { count: number; head: string } {
    return { ...this.seen };
  }

  /** The pool is the store's: closed with it. */
  close(): void {}
}

const maybeBroken = (broken: number | undefined) => (broken === undefined ? {} : { broken });

/**
 * A file chain copied into the database as it is (store migrate): entries by seq, the head as
 * the file's checkpoint had it. Safe to re-run: rows already there are left alone when equal,
 * and refused when not (another chain was started there first); when the database's chain has
 * gone on since, its head stays. Returns the rows inserted.
 */
export async function importAuditChain(
  pool: pg.Pool,
  key: Buffer,
  entries: readonly AuditEntry[],
  checkpoint: Checkpoint,
): Promise<number> {
  return inTransaction(pool, async (c) => {
    const row = await selectHead(c, true);
    const existing = new Map((await allEntries(c)).map((e) => [e.seq, e]));
    let inserted = 0;
    for (const e of entries) {
      const there = existing.get(e.seq);
      if (there) {
        if (JSON.stringify(toEntry(entryRowOf(there))) !== JSON.stringify(toEntry(entryRowOf(e))))
          throw new Error(
            `audit entry ${e.seq} in the database differs from the data directory's: the database already holds another audit chain`,
          );
        continue;
      }
      await insertEntry(c, e);
      inserted++;
    }
    // More rows than the file: the servers on PostgreSQL have chained on since the first copy,
    // and their head, not the file's, is the chain's.
    if (existing.size <= entries.length) await writeHead(c, key, checkpoint, row !== undefined);
    return inserted;
  });
}

/** An entry as the database would return it, for comparing like with like. */
const entryRowOf = (e: AuditEntry): EntryRow => ({
  seq: String(e.seq),
  entry_at: e.at,
  actor: e.by,
  action: e.action,
  target: e.target,
  detail: e.detail ?? null,
  county: e.county ?? null,
  prev: e.prev,
  hash: e.hash,
});
