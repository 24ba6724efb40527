/**
 * A collection in PostgreSQL (the `records` table and its side rows, migrations.ts). Every
 * call is a query; nothing is cached, so any instance sees what any other wrote. A write
 * resolves once committed, so `set` is as durable as `setDurably`.
 *
 * - personal fields are encrypted before they leave the process, exactly as the file store
 *   does (field-cipher.ts), and every row read is decrypted and checked by the collection's
 *   schema;
 * - `update` locks the row (SELECT ... FOR UPDATE) for as long as `change` runs, in every
 *   instance; a record two instances create at once collides on the primary key (23505) and
 *   the loser runs its change again on the winner's record;
 * - `insertDurably` is a plain INSERT whose unique index settles a race (23505), never a lock
 *   in memory (no ON CONFLICT: openGauss lacks it). A second insert of a key waits on the index
 *   until the first commits or rolls back, so it is never told of a record that is not kept;
 * - `unique_key` holds a keyed hash (HMAC-SHA256 under the search index's key) of the unique
 *   key, never the key: an idempotency key is derived from a name, a phone and an ID number,
 *   and an unkeyed hash of those could be reversed by trying phone numbers. The record's data
 *   keeps the key itself encrypted when it is a personal field;
 * - a write giving a record the unique key of another is refused (UniqueKeyTakenError);
 * - the counts of counted columns (`CollectionOptions.counted`) change in the transaction of
 *   every write that adds, changes or deletes a record (column-counts.ts), so a count of one
 *   of them is one row read.
 */
import type pg from 'pg';
import type { z } from 'zod';
import {
  type Collection,
  type CollectionOptions,
  checkId,
  type FindOptions,
  type UpdateOptions,
} from '../collection-store.ts';
import type { RecordCodec } from '../field-cipher.ts';
import { checkFindOptions, sortKeyOf } from '../find-page.ts';
import type { SearchIndex } from '../search-index.ts';
import { applyCounts, CountChanges, fillCounts, readCount } from './column-counts.ts';
import { withWritesLockedOut } from './transaction.ts';
import { DataKeyError, StoreFileError, StoreWriteError, UniqueKeyTakenError } from '../store-errors.ts';

/** Rows a page of `values()` reads: enough to be quick, few enough never to hold a county. */
export const pageRows = 500;

/** Records a page of the column fill decodes; rows of one INSERT (4 parameters each, of 65,535). */
const fillPageRows = 2_000;
const rowsPerInsert = 10_000;

const uniqueViolation = '23505';
// PostgreSQL's SQLSTATE (an error class, not a secret: read through a name the secret check allows).
const sqlState = (e: unknown) => (e as { code?: string })?.code;
const isUniqueViolation = (e: unknown) => sqlState(e) === uniqueViolation;
const onPrimaryKey = (e: unknown) => (e as { constraint?: string })?.constraint === 'records_pkey';
const onUniqueKey = (e: unknown) => (e as { constraint?: string })?.constraint === 'records_unique_key';

type Client = pg.PoolClient;

const isId = (id: string) => {
  try {
    checkId(id);
    return true;
  } catch {
    return false;
  }
};

export class PgCollection<T> implements Collection<T> {
  private readonly counted: ReadonlySet<string>;

  constructor(
    readonly name: string,
    private readonly pool: pg.Pool,
    private readonly schema: z.ZodType<T>,
    private readonly options: CollectionOptions<T>,
    private readonly codec: RecordCodec | undefined,
    private readonly onWrite: (error: unknown) => void,
    /** The keyed hash stored in `unique_key` for a unique key. */
    private readonly uniqueHash: (key: string) => string,
    readonly index?: SearchIndex<T>,
  ) {
    this.counted = new Set(options.counted ?? []);
    for (const column of this.counted)
      if (!Object.hasOwn(options.columns ?? {}, column))
        throw new Error(`${name}: counted column ${column} is not a column`);
  }

  async get(id: string) {
    // An id no record can have (like the file store's Map: no record, no error, no query).
    if (!isId(id)) return undefined;
    const { rows } = await this.pool.query<{ data: string }>(
      'SELECT data FROM records WHERE collection = $1 AND id = $2',
      [this.name, id],
    );
    return rows[0] ? this.read(id, rows[0].data) : undefined;
  }

  async has(id: string) {
    if (!isId(id)) return false;
    const { rows } = await this.pool.query('SELECT 1 FROM records WHERE collection = $1 AND id = $2', [
      this.name,
      checkId(id),
    ]);
    return rows.length > 0;
  }

  async count(where: Readonly<Record<string, string>> = {}) {
    const conditions = Object.entries(where);
    const [only] = conditions;
    if (conditions.length === 1 && only && this.counted.has(only[0])) {
      const kept = await readCount(this.pool, this.name, only[0], only[1]);
      if (kept !== undefined) return kept;
    }
    // Without a condition the join is not needed: records' primary key answers it. With one,
    // records is not joined either (a record's column rows are written and deleted with it), so
    // a count of one column is an index-only range of record_columns_find, never a heap read.
    const { from, filter, params } = this.selection(where, false);
    const { rows } = await this.pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM ${from} WHERE ${filter}`,
      params,
    );
    return Number(rows[0]?.n ?? 0);
  }

  /** Pages by id (keyset): each page is one indexed query from where the last one ended. */
  async *entries(): AsyncIterableIterator<[string, T]> {
    let after = '';
    for (;;) {
      const { rows } = await this.pool.query<{ id: string; data: string }>(
        'SELECT id, data FROM records WHERE collection = $1 AND id > $2 ORDER BY id LIMIT $3',
        [this.name, after, pageRows],
      );
      for (const row of rows) yield [row.id, this.read(row.id, row.data)];
      if (rows.length < pageRows) return;
      after = rows[rows.length - 1]!.id;
    }
  }

  async *values(): AsyncIterableIterator<T> {
    for await (const [, value] of this.entries()) yield value;
  }

  /**
   * One query. The first condition drives: its rows of record_columns_find are already in
   * (sort, id) order, so the page is read from the index (backwards when descending) and stops
   * after `limit`; further conditions are checked per row through the primary key of
   * record_columns. No condition: the records_sort index does the same over the collection.
   */
  async find(where: Readonly<Record<string, string>>, options: FindOptions = {}) {
    checkFindOptions(options);
    const { from, filter, by, params, param } = this.selection(where);
    const direction = options.descending ? 'DESC' : 'ASC';
    let bounded = filter;
    if (options.after !== undefined)
      bounded += ` AND ${by}.sort ${options.descending ? '<' : '>'} ${param(options.after)}`;
    const limit = options.limit === undefined ? '' : ` LIMIT ${param(options.limit)}`;
    const { rows } = await this.pool.query<{ id: string; data: string }>(
      `SELECT r.id, r.data FROM ${from} WHERE ${bounded} ORDER BY ${by}.sort ${direction}, ${by}.id ${direction}${limit}`,
      params,
    );
    return rows.map((row) => this.read(row.id, row.data));
  }

  /** The FROM and WHERE of the records matching `where`: the first column drives, the rest join. */
  private selection(where: Readonly<Record<string, string>>, withRecords = true) {
    const declared = this.options.columns ?? {};
    const conditions = Object.entries(where);
    for (const [column] of conditions)
      if (!Object.hasOwn(declared, column)) throw new Error(`${this.name}: no column ${column}`);
    const params: unknown[] = [this.name];
    const param = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    let from = 'records r';
    let filter = 'r.collection = $1';
    let by = 'r';
    if (conditions.length) {
      by = 'c0';
      from = withRecords
        ? 'record_columns c0 JOIN records r ON r.collection = c0.collection AND r.id = c0.id'
        : 'record_columns c0';
      filter = 'c0.collection = $1';
      conditions.forEach(([column, value], i) => {
        const c = `c${i}`;
        if (i > 0) from += ` JOIN record_columns ${c} ON ${c}.collection = c0.collection AND ${c}.id = c0.id`;
        filter += ` AND ${c}.name = ${param(column)} AND ${c}.value = ${param(value)}`;
      });
    }
    return { from, filter, by, params, param };
  }

  async idsByHash(field: string, hashes: readonly string[]) {
    if (!this.index || !hashes.length) return [];
    const { rows } = await this.pool.query<{ id: string; hash: string }>(
      'SELECT id, hash FROM record_hashes WHERE collection = $1 AND field = $2 AND hash = ANY($3::varchar[]) ORDER BY id',
      [this.name, field, [...new Set(hashes)]],
    );
    return rows;
  }

  async findByHash(field: string, hash: string) {
    if (!this.index) return [];
    const { rows } = await this.pool.query<{ id: string; data: string }>(
      `SELECT r.id, r.data FROM records r JOIN record_hashes h ON h.collection = r.collection AND h.id = r.id
       WHERE h.collection = $1 AND h.field = $2 AND h.hash = $3 ORDER BY r.id`,
      [this.name, field, hash],
    );
    return rows.map((row) => this.read(row.id, row.data));
  }

  set(id: string, value: T) {
    return this.setDurably(id, value);
  }

  async setDurably(id: string, value: T) {
    checkId(id);
    try {
      await this.write(async (client, counts) => {
        // (A unique key another record holds fails either statement: UniqueKeyTakenError.)
        // An update first; a record that is not there yet is inserted, and one inserted by
        // another instance meanwhile (23505 on the primary key) is updated after all.
        if (await this.updateRow(client, counts, id, value)) return;
        await client.query('SAVEPOINT before_insert');
        // The insert's counts only if the insert stays (they are applied at the commit).
        const inserted = this.countChanges();
        try {
          await this.insertRow(client, inserted, id, value);
        } catch (e) {
          if (!isUniqueViolation(e) || !onPrimaryKey(e)) throw e;
          await client.query('ROLLBACK TO SAVEPOINT before_insert');
          await this.updateRow(client, counts, id, value);
          return;
        }
        counts.merge(inserted);
      }, true);
    } catch (e) {
      throw this.writeError(e, id);
    }
  }

  /**
   * Many records as `setDurably` writes each, in one transaction (the store migration: a
   * commit and a few statements per batch, not per record). Records already stored (a re-run)
   * are locked and rewritten by one multi-row UPDATE; new ones go in as multi-row INSERTs. A
   * unique violation (a unique key another record holds, or an id another instance inserted
   * meanwhile) rolls the batch back and writes it record by record, so each record gets
   * exactly the answer `setDurably` gives it.
   */
  async setManyDurably(records: readonly (readonly [string, T])[]) {
    for (const [id] of records) checkId(id);
    if (!records.length) return;
    try {
      await this.write(async (client, counts) => {
        const { rows } = await client.query<{ id: string }>(
          'SELECT id FROM records WHERE collection = $1 AND id = ANY($2) FOR UPDATE',
          [this.name, records.map(([id]) => id)],
        );
        const stored = new Set(rows.map((r) => r.id));
        await this.updateRows(
          client,
          counts,
          records.filter(([id]) => stored.has(id)),
        );
        await this.insertRows(
          client,
          counts,
          records.filter(([id]) => !stored.has(id)),
        );
      }, true);
    } catch (e) {
      if (!isUniqueViolation(e)) throw this.writeError(e);
      for (const [id, value] of records) await this.setDurably(id, value);
    }
  }

  async delete(id: string) {
    checkId(id);
    return this.write(async (client, counts) => {
      // The record first: its row lock is what a column fill at another opening waits for.
      const done = await client.query('DELETE FROM records WHERE collection = $1 AND id = $2', [
        this.name,
        id,
      ]);
      await this.deleteSideRows(client, counts, id);
      return (done.rowCount ?? 0) > 0;
    });
  }

  async deleteDurably(id: string) {
    await this.delete(id);
  }

  /** Every write commits before it resolves, so `durable` asks for nothing more here. */
  async update(
    id: string,
    change: (current: T | undefined) => T | undefined | Promise<T | undefined>,
    _options?: UpdateOptions,
  ) {
    checkId(id);
    try {
      return await this.updateOnce(id, change);
    } catch (e) {
      // Two instances created the record at once: this one lost, so it changes the winner's.
      if (!isUniqueViolation(e) || !onPrimaryKey(e)) throw this.writeError(e, id);
    }
    try {
      return await this.updateOnce(id, change);
    } catch (e) {
      throw this.writeError(e, id);
    }
  }

  async insertDurably(
    id: string,
    value: T,
  ): Promise<{ inserted: true } | { inserted: false; existing: string }> {
    checkId(id);
    for (let attempt = 0; ; attempt++) {
      try {
        await this.write((client, counts) => this.insertRow(client, counts, id, value), true);
        return { inserted: true };
      } catch (e) {
        if (!isUniqueViolation(e)) throw this.writeError(e);
        if (onPrimaryKey(e)) return { inserted: false, existing: id };
        const { rows } = await this.pool.query<{ id: string }>(
          'SELECT id FROM records WHERE collection = $1 AND unique_key = $2',
          [this.name, this.uniqueOf(value)],
        );
        if (rows[0]) return { inserted: false, existing: rows[0].id };
        // The holder was deleted between our insert and the look-up: try once more.
        if (attempt > 0) throw this.writeError(e);
      }
    }
  }

  private async updateOnce(
    id: string,
    change: (current: T | undefined) => T | undefined | Promise<T | undefined>,
  ) {
    return this.write(async (client, counts) => {
      const { rows } = await client.query<{ data: string }>(
        'SELECT data FROM records WHERE collection = $1 AND id = $2 FOR UPDATE',
        [this.name, id],
      );
      const current = rows[0] ? this.read(id, rows[0].data) : undefined;
      const next = await change(current);
      if (next === undefined) return current;
      if (rows[0]) await this.updateRow(client, counts, id, next);
      else await this.insertRow(client, counts, id, next);
      return next;
    }, true);
  }

  /**
   * Runs `work` in a transaction, then the changes it made to the counts, and commits; a failure
   * is rolled back and reported (health, StoreWriteError).
   */
  private async write<R>(
    work: (client: Client, counts: CountChanges) => Promise<R>,
    raw = false,
  ): Promise<R> {
    let client: Client;
    try {
      client = await this.pool.connect();
    } catch (e) {
      this.onWrite(e);
      throw this.writeError(e);
    }
    try {
      await client.query('BEGIN');
      const counts = this.countChanges();
      const result = await work(client, counts);
      await applyCounts(client, this.name, counts);
      await client.query('COMMIT');
      this.onWrite(undefined);
      return result;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => {});
      // A unique violation is an answer (taken), not a broken database.
      if (!isUniqueViolation(e)) this.onWrite(e);
      throw raw ? e : this.writeError(e);
    } finally {
      client.release();
    }
  }

  /**
   * A unique key another record holds as UniqueKeyTakenError, any other database or network
   * error (it has a code) as a StoreWriteError; anything else as it is.
   */
  private writeError(e: unknown, id?: string) {
    if (id !== undefined && isUniqueViolation(e) && onUniqueKey(e))
      return new UniqueKeyTakenError(this.name, id);
    return e instanceof StoreWriteError || !(e as { code?: string })?.code
      ? e
      : new StoreWriteError(this.name, e);
  }

  /** The stored form of a record's unique key: its keyed hash, or null (none). */
  private uniqueOf(value: T): string | null {
    const key = this.options.unique?.(value);
    return key === undefined ? null : this.uniqueHash(key);
  }

  /**
   * Fills the rows of declared columns no stored record has been written with yet (a column
   * added to the options after records were stored): once per column, at the collection's
   * opening. Writes wait meanwhile (the table is locked against them, and against another
   * instance filling the same column, which then finds it done), so no record is left without
   * its row; reads go on. lowdb and the memory store compute columns when asked: nothing to fill.
   */
  async fillColumns(): Promise<string[]> {
    const declared = Object.keys(this.options.columns ?? {});
    if (!declared.length) return [];
    const filled = async (q: Pick<Client, 'query'>) =>
      new Set(
        (
          await q.query<{ name: string }>('SELECT name FROM record_column_names WHERE collection = $1', [
            this.name,
          ])
        ).rows.map((r) => r.name),
      );
    const filledNow = await filled(this.pool as unknown as Client);
    if (declared.every((c) => filledNow.has(c))) return [];
    return withWritesLockedOut(this.pool, async (client) => {
      const done = await filled(client);
      const missing = declared.filter((c) => !done.has(c));
      for (const column of missing) {
        // Rows of a column declared once, dropped and declared again may be stale: written anew.
        await client.query('DELETE FROM record_columns WHERE collection = $1 AND name = $2', [
          this.name,
          column,
        ]);
        await client.query('INSERT INTO record_column_names (collection, name) VALUES ($1, $2)', [
          this.name,
          column,
        ]);
      }
      const columns = this.options.columns ?? {};
      let after = '';
      // A page of records at a time, their rows in one INSERT. What the fill costs is decoding
      // each record (decrypted and checked, ~0.3 ms a referral): the round trips of one INSERT
      // per record were not (200,000 referrals: 59 s batched, 64 s per record; column-fill bench).
      while (missing.length) {
        const { rows } = await client.query<{ id: string; data: string }>(
          'SELECT id, data FROM records WHERE collection = $1 AND id > $2 ORDER BY id LIMIT $3',
          [this.name, after, fillPageRows],
        );
        const newRows: unknown[][] = [];
        for (const row of rows) {
          const value = this.read(row.id, row.data);
          const sort = this.sortOf(row.id, value);
          for (const column of missing) {
            const v = columns[column]?.(value);
            if (v !== undefined) newRows.push([row.id, column, v, sort]);
          }
        }
        for (let i = 0; i < newRows.length; i += rowsPerInsert)
          await this.insertMany(
            client,
            'record_columns (collection, id, name, value, sort)',
            newRows.slice(i, i + rowsPerInsert),
          );
        if (rows.length < fillPageRows) break;
        after = rows[rows.length - 1]!.id;
      }
      return missing;
    });
  }

  /** The counts' changes of one transaction (none kept when nothing is counted). */
  private countChanges() {
    return new CountChanges(this.counted);
  }

  /** Counts the counted columns of the records stored before they were declared (column-counts.ts). */
  fillCounts(): Promise<string[]> {
    return fillCounts(this.pool, this.name, [...this.counted]);
  }

  private async insertRow(client: Client, counts: CountChanges, id: string, value: T) {
    await client.query(
      'INSERT INTO records (collection, id, data, version, unique_key, updated_at, sort) VALUES ($1, $2, $3, 1, $4, CURRENT_TIMESTAMP, $5)',
      [this.name, id, this.encode(id, value), this.uniqueOf(value), this.sortOf(id, value)],
    );
    await this.insertSideRows(client, counts, id, value);
  }

  /** New records, each with its side rows, in one INSERT per table. */
  private async insertRows(client: Client, counts: CountChanges, records: readonly (readonly [string, T])[]) {
    if (!records.length) return;
    await this.insertMany(
      client,
      'records (collection, id, data, version, unique_key, updated_at, sort)',
      this.recordRows(records),
      (p) => `($1, ${p[0]}, ${p[1]}, 1, ${p[2]}, CURRENT_TIMESTAMP, ${p[3]})`,
    );
    await this.insertSideRowsOf(client, counts, records);
  }

  /**
   * Records already stored (a re-run of the migration), rewritten in one UPDATE; their side
   * rows replaced by one DELETE and one INSERT per table, as `updateRow` does for one.
   */
  private async updateRows(client: Client, counts: CountChanges, records: readonly (readonly [string, T])[]) {
    if (!records.length) return;
    const params: unknown[] = [this.name];
    const values = this.recordRows(records).map(
      (row) =>
        `(${row
          .map((v) => {
            params.push(v);
            return `$${params.length}`;
          })
          .join(', ')})`,
    );
    await client.query(
      `UPDATE records SET data = v.data, version = records.version + 1, unique_key = v.unique_key,
         updated_at = CURRENT_TIMESTAMP, sort = v.sort
       FROM (VALUES ${values.join(', ')}) AS v (id, data, unique_key, sort)
       WHERE records.collection = $1 AND records.id = v.id`,
      params,
    );
    const ids = records.map(([id]) => id);
    if (this.options.columns) {
      const { rows } = await client.query<{ name: string; value: string }>(
        'DELETE FROM record_columns WHERE collection = $1 AND id = ANY($2) RETURNING name, value',
        [this.name, ids],
      );
      for (const row of rows) counts.add(row.name, row.value, -1);
    }
    if (this.index)
      await client.query('DELETE FROM record_hashes WHERE collection = $1 AND id = ANY($2)', [
        this.name,
        ids,
      ]);
    await this.insertSideRowsOf(client, counts, records);
  }

  /** Each record's row values: id, encrypted data, unique key hash, sort key. */
  private recordRows(records: readonly (readonly [string, T])[]): unknown[][] {
    return records.map(([id, value]) => [
      id,
      this.encode(id, value),
      this.uniqueOf(value),
      this.sortOf(id, value),
    ]);
  }

  /** The columns and keyed hashes of many records, one INSERT per table. */
  private async insertSideRowsOf(
    client: Client,
    counts: CountChanges,
    records: readonly (readonly [string, T])[],
  ) {
    const columns: unknown[][] = [];
    const hashes: unknown[][] = [];
    for (const [id, value] of records) {
      const sort = this.sortOf(id, value);
      for (const [name, read] of Object.entries(this.options.columns ?? {})) {
        const v = read(value);
        if (v === undefined) continue;
        columns.push([id, name, v, sort]);
        counts.add(name, v, 1);
      }
      for (const [field, hash] of Object.entries(this.index?.of(value) ?? {})) hashes.push([id, field, hash]);
    }
    await this.insertMany(client, 'record_columns (collection, id, name, value, sort)', columns);
    await this.insertMany(client, 'record_hashes (collection, id, field, hash)', hashes);
  }

  /** One INSERT of many rows, each ($1 = the collection, then its own values), `shape` placing them. */
  private async insertMany(
    client: Client,
    into: string,
    rows: readonly unknown[][],
    shape = (p: string[]) => `($1, ${p.join(', ')})`,
  ) {
    if (!rows.length) return;
    const params: unknown[] = [this.name];
    const values = rows.map((row) =>
      shape(
        row.map((v) => {
          params.push(v);
          return `$${params.length}`;
        }),
      ),
    );
    await client.query(`INSERT INTO ${into} VALUES ${values.join(', ')}`, params);
  }

  private async updateRow(client: Client, counts: CountChanges, id: string, value: T): Promise<boolean> {
    const done = await client.query(
      'UPDATE records SET data = $3, version = version + 1, unique_key = $4, updated_at = CURRENT_TIMESTAMP, sort = $5 WHERE collection = $1 AND id = $2',
      [this.name, id, this.encode(id, value), this.uniqueOf(value), this.sortOf(id, value)],
    );
    if (!done.rowCount) return false;
    await this.deleteSideRows(client, counts, id);
    await this.insertSideRows(client, counts, id, value);
    return true;
  }

  /** A record's column rows and keyed hashes, gone; the values it had are uncounted. */
  private async deleteSideRows(client: Client, counts: CountChanges, id: string) {
    if (this.options.columns) {
      const { rows } = await client.query<{ name: string; value: string }>(
        'DELETE FROM record_columns WHERE collection = $1 AND id = $2 RETURNING name, value',
        [this.name, id],
      );
      for (const row of rows) counts.add(row.name, row.value, -1);
    }
    if (this.index)
      await client.query('DELETE FROM record_hashes WHERE collection = $1 AND id = $2', [this.name, id]);
  }

  private async insertSideRows(client: Client, counts: CountChanges, id: string, value: T) {
    const columns = Object.entries(this.options.columns ?? {})
      .map(([column, read]) => [column, read(value)] as const)
      .filter((c): c is readonly [string, string] => c[1] !== undefined);
    for (const [column, v] of columns) counts.add(column, v, 1);
    const hashes = Object.entries(this.index?.of(value) ?? {});
    const sort = this.sortOf(id, value);
    await this.insertPairs(client, 'record_columns (collection, id, name, value, sort)', id, columns, sort);
    await this.insertPairs(client, 'record_hashes (collection, id, field, hash)', id, hashes);
  }

  /** One multi-row INSERT of (name, value) pairs for a record, each with `sort` if given. */
  private async insertPairs(
    client: Client,
    into: string,
    id: string,
    pairs: readonly (readonly [string, string])[],
    sort?: string,
  ) {
    if (!pairs.length) return;
    const params: string[] = [this.name, id];
    if (sort !== undefined) params.push(sort);
    const rows = pairs.map(([k, v]) => {
      params.push(k, v);
      return `($1, $2, $${params.length - 1}, $${params.length}${sort === undefined ? '' : ', $3'})`;
    });
    await client.query(`INSERT INTO ${into} VALUES ${rows.join(', ')}`, params);
  }

  private sortOf(id: string, value: T): string {
    return sortKeyOf(this.options, id, value);
  }

  private encode(id: string, value: T): string {
    // The schema is the gate on the way in as on the way out: nothing unreadable is stored.
    const checked = this.schema.parse(value);
    return JSON.stringify(this.codec ? this.codec.encode(id, checked) : checked);
  }

  private read(id: string, text: string): T {
    const where = `PostgreSQL ${this.name}/${id}`;
    let data: unknown;
    try {
      data = JSON.parse(text, (key, v) => {
        if (key === '__proto__') throw new Error('it contains a "__proto__" key');
        return v;
      });
    } catch (e) {
      throw new StoreFileError(where, `cannot be read: ${(e as Error).message}`);
    }
    if (this.codec)
      try {
        data = this.codec.decode(id, data);
      } catch (e) {
        throw new DataKeyError(where, (e as Error).message);
      }
    const parsed = this.schema.safeParse(data);
    if (!parsed.success)
      throw new StoreFileError(
        where,
        `has the wrong shape: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`,
      );
    return parsed.data;
  }
}
