/**
 * The embedded store: named collections of JSON records, one lowdb file per collection
 * (sessions, referrals, audit ... kept apart so each file stays small: a 46 MB lowdb file
 * stalls the event loop for 450 ms on every write, RELIABILITY.md).
 *
 * The rules learnt from measuring lowdb:
 * - one process per data directory (a pid lock; a second instance refuses to start);
 * - changes are synchronous (`set`, `update`): no await between reading and writing a record;
 * - `set` coalesces writes (session progress: losing the last quarter second costs a retyped
 *   answer); `setDurably` resolves only when a write containing the change is fsync'd (a
 *   referral: acknowledged to a person), and if that write fails the change is undone in
 *   memory, so nothing unsaved is ever reported as saved;
 * - records live in a Map, ids are checked, so "__proto__" can never pollute a prototype;
 * - a collection's personal fields are encrypted on the way to disk and decrypted on load
 *   (field-cipher.ts, keys from data-keys.ts): in memory the code sees plaintext.
 *
 * `openMemoryStore` has the same interface and writes nothing, for unit tests. The PostgreSQL
 * store (pg/pg-store.ts) has it too; `openStore` (open-store.ts) picks one by configuration.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Low, Memory } from 'lowdb';
import type pg from 'pg';
import { z } from 'zod';
import { lockDataDir } from './data-dir-lock.ts';
import { type DataKeyring, type EnvKeys, keyId, loadDataKeys, valuesPerKey } from './data-keys.ts';
import { DurableJsonFile, type FileCodec } from './durable-json-file.ts';
import { type RecordCodec, recordCodec } from './field-cipher.ts';
import { checkFindOptions, firstAfter, type Keyed, pageOf, sortKeyOf } from './find-page.ts';
import { type Leadership, soleLeadership } from './leadership.ts';
import { privateDir } from './private-file.ts';
import { type IndexFields, type SearchIndex, searchIndex } from './search-index.ts';
import { InvalidIdError, StoreWriteError, UniqueKeyTakenError } from './store-errors.ts';

/**
 * A named collection of records, the same contract for every store (memory, lowdb files,
 * PostgreSQL). Every call is async: on PostgreSQL each one is a query, and nothing may assume
 * that no other process changes a record between two awaits. Read-modify-write goes through
 * `update` (atomic on every store: lowdb runs changes of one record one after another in its
 * one process; PostgreSQL locks the row), never through get-then-set.
 */
export interface Collection<T> {
  readonly name: string;
  get(id: string): Promise<T | undefined>;
  has(id: string): Promise<boolean>;
  /** How many records there are, or how many match `where` (declared columns, as `find`). */
  count(where?: Readonly<Record<string, string>>): Promise<number>;
  /** Every record, a page at a time (PostgreSQL never loads a whole table into one array). */
  values(): AsyncIterableIterator<T>;
  entries(): AsyncIterableIterator<[string, T]>;
  /**
   * Records whose declared columns (`CollectionOptions.columns`) equal every given value (none
   * given: every record), ordered by the sort key (`CollectionOptions.sortKey`, otherwise the
   * id; equal keys by id), a page at a time: `limit` rows at most, and with `after` (the sort
   * key of the last row of the previous page) only the rows past it. On PostgreSQL a page of
   * one column is one index scan however many records are stored.
   */
  find(where: Readonly<Record<string, string>>, options?: FindOptions): Promise<T[]>;
  /** Records whose keyed hash (`CollectionOptions.index`) of `field` is `hash`. */
  findByHash(field: string, hash: string): Promise<T[]>;
  /**
   * The ids of the records whose keyed hash of `field` is one of `hashes`, each with that hash,
   * in one query and without reading a record (on PostgreSQL: the hash index alone). What a page
   * asks to learn which of its rows share a phone with another case, most sharing none.
   */
  idsByHash(field: string, hashes: readonly string[]): Promise<{ id: string; hash: string }[]>;
  /**
   * Change now, durable soon (lowdb coalesces writes; PostgreSQL writes before resolving). A
   * unique key held by another record is refused (UniqueKeyTakenError), as by every write.
   */
  set(id: string, value: T): Promise<void>;
  delete(id: string): Promise<boolean>;
  /**
   * Read-modify-write of one record, atomic against every other change of that record (in this
   * process and, on PostgreSQL, in every other): `change` may await (a password hash), the record
   * stays locked meanwhile. Returning undefined leaves the record as it was. Durable like `set`;
   * with `{ durable: true }` like `setDurably`: resolves once the change is on disk, and if that
   * write fails the change is undone (unless the record changed again since) and a
   * StoreWriteError thrown. Anything acknowledged to a person (a status change, a deletion)
   * asks for that.
   */
  update(
    id: string,
    change: (current: T | undefined) => T | undefined | Promise<T | undefined>,
    options?: UpdateOptions,
  ): Promise<T | undefined>;
  /** Change, then resolve once it is on disk; on a write error the change is undone and a StoreWriteError thrown. */
  setDurably(id: string, value: T): Promise<void>;
  deleteDurably(id: string): Promise<void>;
  /**
   * Stores a new record durably unless its id or its unique key (`CollectionOptions.unique`) is
   * taken; then nothing is written and the id holding that key is returned. Two instances
   * inserting the same key at once store one record (a unique index, not a lock in memory).
   */
  insertDurably(id: string, value: T): Promise<{ inserted: true } | { inserted: false; existing: string }>;
  /** Keyed hashes of the fields named in `CollectionOptions.index` (exact search on them). */
  readonly index?: SearchIndex<T>;
}

export interface UpdateOptions {
  /** Resolve only once the change is on disk (PostgreSQL: committed, as every write is). */
  durable?: boolean;
}

export interface FindOptions {
  /** At most this many records (1 to 10,000). */
  limit?: number;
  /**
   * Keyset paging: only records whose sort key comes after this one in the order asked for
   * (below it when descending). Give the sort key of the last record of the previous page;
   * a sort key should be unique (add the reference), or records sharing the last key are skipped.
   */
  after?: string;
  /** Highest sort key first (the newest referral first). */
  descending?: boolean;
}

export interface StoreHealth {
  ok: boolean;
  /** The last write error, until a later write succeeds. */
  lastError?: string;
}

export interface CollectionOptions<T = unknown> {
  /** Delay before a coalesced write, ms (default: the store's). */
  coalesceMs?: number;
  /**
   * fsync each write (default true). Session progress may skip it: the rename is still atomic,
   * so a crash leaves the old or the new file; only a power cut can cost the last seconds.
   * Anything acknowledged to a person (referrals) keeps it.
   */
  fsync?: boolean;
  /** Paths of personal fields (`name`, `history.*.note`), encrypted at rest. */
  personal?: readonly string[];
  /** Fields findable by exact value although encrypted: a keyed hash of each is stored. */
  index?: IndexFields<T>;
  /**
   * Plain (never personal) values `find` can select by: township, status, county. PostgreSQL
   * keeps each in an indexed column, so a township's inbox never scans the county.
   */
  columns?: Readonly<Record<string, (record: T) => string | undefined>>;
  /**
   * Columns (of `columns`) whose counts per value PostgreSQL keeps, changed with every write,
   * so `count({ column: value })` of one of them reads one row however many records match (the
   * inbox's counts per status). The file and memory stores count as they always do.
   */
  counted?: readonly string[];
  /**
   * The order `find` returns records in, and what `after` pages by: for referrals createdAt and
   * the reference (ties stay stable). Default: the id. PostgreSQL stores it beside each column
   * value, so an inbox page is read in order from the index, never sorted.
   */
  sortKey?: (record: T) => string;
  /** A key no two records may share (a referral's idempotency key); see `insertDurably`. */
  unique?: (record: T) => string | undefined;
}

export interface Store {
  /** Which store this is (a sharded collection is lowdb tuning; PostgreSQL needs none). */
  readonly kind: 'memory' | 'lowdb' | 'postgres';
  /**
   * PostgreSQL only: the store's connections, for what keeps tables of its own beside the
   * collections in the same database (the audit log's chain: server/staff/audit-log-pg.ts).
   */
  readonly pool?: pg.Pool;
  collection<T>(name: string, schema: z.ZodType<T>, options?: CollectionOptions<T>): Promise<Collection<T>>;
  /** Writes everything pending (graceful shutdown). */
  flush(): Promise<void>;
  health(): StoreHealth;
  close(): Promise<void>;
  /** The data keys (file store only). */
  keys(): DataKeyring | undefined;
  /** Makes another keyring current (rotation): every later write encrypts with its current key. */
  useKeys(ring: DataKeyring): void;
  /**
   * How many stored values each data key id encrypts (`keys status`: may an old key be retired
   * yet?), read from where the store keeps them: the data files, or PostgreSQL's rows.
   */
  valuesPerKey(): Promise<Map<string, number>>;
  /**
   * The lead for `name` (the WeChat bot, the notice senders): exactly one instance holds it.
   * File and memory stores lead at once (one process per store); PostgreSQL waits for an
   * advisory lock and hands it over within seconds when its holder dies. Resolves after the
   * first attempt, so `isLeader()` is already true if nobody else held it.
   */
  lead(name: string): Promise<Leadership>;
}

const idPattern = /^[A-Za-z0-9_-]{1,80}$/;
const reserved = new Set(['__proto__', 'constructor', 'prototype']);

export function checkId(id: string): string {
  if (typeof id !== 'string' || !idPattern.test(id) || reserved.has(id)) throw new InvalidIdError(String(id));
  return id;
}

export const recordId = z
  .string()
  .regex(idPattern)
  .refine((s) => !reserved.has(s), 'reserved id');

const fileSchema = <T>(item: z.ZodType<T>) =>
  z.strictObject({ version: z.literal(1), records: z.record(recordId, item) });
type FileShape<T> = { version: 1; records: Record<string, T> };

export interface StoreOptions {
  /** Delay before a coalesced write, ms. */
  coalesceMs?: number;
  /** Data keys from the environment (DATA_KEY); otherwise DATA_DIR/keys/data.key. */
  keys?: EnvKeys;
}

/** The records of a collection file passed through a record codec, the envelope untouched. */
function fileCodec<T>(codec: RecordCodec): FileCodec<FileShape<T>> {
  const each = (records: unknown, f: (id: string, v: unknown) => unknown) =>
    Object.fromEntries(Object.entries(records as object).map(([id, v]) => [id, f(id, v)]));
  return {
    toDisk: (data) => ({ ...data, records: each(data.records, codec.encode) }),
    // A file of the wrong shape is left for the schema to name; only records are decoded.
    fromDisk: (data) => {
      const records = (data as { records?: unknown } | null)?.records;
      return records && typeof records === 'object' && !Array.isArray(records)
        ? { ...(data as object), records: each(records, codec.decode) }
        : data;
    },
  };
}

export async function openFileStore(dir: string, options: StoreOptions = {}): Promise<Store> {
  privateDir(dir);
  const lock = lockDataDir(dir);
  let ring: DataKeyring;
  try {
    ring = loadDataKeys(dir, options.keys);
  } catch (e) {
    lock.release();
    throw e;
  }
  const keys = () => ring;
  return createStore(
    <T>(name: string, schema: z.ZodType<T>, o: CollectionOptions<T>, index: SearchIndex<T> | undefined) => {
      const codec = o.personal?.length ? fileCodec<T>(recordCodec(keys, o.personal, index)) : undefined;
      return new DurableJsonFile(join(dir, `${name}.json`), fileSchema(schema), o.fsync ?? true, codec);
    },
    'lowdb',
    options,
    () => lock.release(),
    {
      hashKey: () => ({ key: ring.indexKey, id: ring.current.id }),
      keys,
      useKeys: (next) => {
        ring = next;
      },
      valuesPerKey: async () => valuesPerKey(dir),
    },
  );
}

export async function openMemoryStore(options: StoreOptions = {}): Promise<Store> {
  // Nothing reaches a disk: a key of the moment serves the search index.
  const key = randomBytes(32);
  const id = keyId(key);
  return createStore(
    () => new Memory(),
    'memory',
    options,
    () => {},
    {
      hashKey: () => ({ key, id }),
      keys: () => undefined,
      useKeys: () => {},
      // Nothing is encrypted in memory.
      valuesPerKey: async () => new Map(),
    },
  );
}

type AdapterFor = <T>(
  name: string,
  schema: z.ZodType<T>,
  options: CollectionOptions<T>,
  index: SearchIndex<T> | undefined,
) => ConstructorParameters<typeof Low<FileShape<T>>>[0];

interface KeyAccess {
  hashKey: () => { key: Buffer; id: string };
  keys: () => DataKeyring | undefined;
  useKeys: (ring: DataKeyring) => void;
  valuesPerKey: () => Promise<Map<string, number>>;
}

function createStore(
  adapterFor: AdapterFor,
  kind: 'memory' | 'lowdb',
  options: StoreOptions,
  release: () => void,
  keyAccess: KeyAccess,
): Store {
  const coalesceMs = options.coalesceMs ?? 250;
  // The opening, not the opened: two opens of one name at once (two callers at start-up) share
  // one collection object, never two with their own records and unique-key maps.
  const collections = new Map<string, Promise<FileCollection<unknown>>>();
  const opened = async () =>
    (await Promise.all([...collections.values()].map((c) => c.catch(() => undefined)))).filter(
      (c) => c !== undefined,
    );
  let lastError: string | undefined;
  const onWrite = (error: unknown) => {
    lastError = error === undefined ? undefined : String((error as Error).message ?? error);
  };

  return {
    kind,
    async collection<T>(name: string, schema: z.ZodType<T>, o: CollectionOptions<T> = {}) {
      checkId(name);
      const existing = collections.get(name);
      if (existing) return (await existing) as unknown as Collection<T>;
      const opening = (async () => {
        const index = o.index ? searchIndex(o.index, keyAccess.hashKey) : undefined;
        const db = new Low<FileShape<T>>(adapterFor(name, schema, o, index), { version: 1, records: {} });
        await db.read();
        return new FileCollection<T>(name, db, o.coalesceMs ?? coalesceMs, onWrite, o, index);
      })();
      collections.set(name, opening as unknown as Promise<FileCollection<unknown>>);
      // A file that could not be opened is tried again by the next open.
      opening.catch(() => {
        if (collections.get(name) === (opening as unknown)) collections.delete(name);
      });
      return opening;
    },
    async flush() {
      await Promise.all((await opened()).map((c) => c.flushAll()));
    },
    keys: keyAccess.keys,
    useKeys: keyAccess.useKeys,
    valuesPerKey: keyAccess.valuesPerKey,
    // One process holds the store (the data directory's lock), so it leads.
    lead: async () => soleLeadership(),
    health() {
      return lastError === undefined ? { ok: true } : { ok: false, lastError };
    },
    async close() {
      const all = await opened();
      try {
        await Promise.all(all.map((c) => c.flushAll()));
      } finally {
        for (const c of all) c.stop();
        release();
      }
    },
  };
}

class FileCollection<T> implements Collection<T> {
  private readonly records: Map<string, T>;
  /** Increases with every change; `saved` is the change count the file holds. */
  private changes = 0;
  private saved = 0;
  private writing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private failures = 0;
  /** Unique key → id (one process holds the file, so a map is the unique index). */
  private readonly uniqueIds = new Map<string, string>();
  /** The tail of the queue of `update`s per record: one change of a record at a time. */
  private readonly queues = new Map<string, Promise<unknown>>();
  /** A record's durable write still in progress (it may yet fail and be undone); never rejects. */
  private readonly durableWrites = new Map<string, Promise<void>>();
  /**
   * The last `find`'s matches in order, kept until the next change: a caller reading a county
   * page by page (a stream of keyset pages: seen-referrals.ts) then sorts it once, not once a
   * page (0.55 s instead of 0.05 s for 50,000 read 5,000 at a time). One query's references to
   * records already held, dropped by any write.
   */
  private lastFind: { query: string; rows: Keyed<T>[] } | undefined;

  constructor(
    readonly name: string,
    private readonly db: Low<FileShape<T>>,
    private readonly coalesceMs: number,
    private readonly onWrite: (error: unknown) => void,
    private readonly options: CollectionOptions<T>,
    readonly index?: SearchIndex<T>,
  ) {
    this.records = new Map(Object.entries(db.data.records));
    for (const [id, r] of this.records) this.keep(id, r);
  }

  async count(where: Readonly<Record<string, string>> = {}) {
    if (!Object.keys(where).length) return this.records.size;
    const test = this.matcher(where);
    let n = 0;
    for (const value of this.records.values()) if (test(value)) n++;
    return n;
  }
  private matcher(where: Readonly<Record<string, string>>) {
    const columns = this.options.columns ?? {};
    const tests = Object.entries(where).map(([column, value]) => {
      const read = Object.hasOwn(columns, column) ? columns[column] : undefined;
      if (!read) throw new Error(`${this.name}: no column ${column}`);
      return (r: T) => read(r) === value;
    });
    return (r: T) => tests.every((t) => t(r));
  }
  async get(id: string) {
    return this.records.get(id);
  }
  async has(id: string) {
    return this.records.has(id);
  }
  async *values() {
    // A copy: a change while the caller awaits between records must not break the iteration.
    yield* [...this.records.values()];
  }
  async *entries() {
    yield* [...this.records.entries()];
  }
  async find(where: Readonly<Record<string, string>>, options: FindOptions = {}) {
    return (await this.findKeyed(where, options)).map((r) => r.value);
  }
  /** `find` with each record's sort key and id, which a sharded collection merges by. */
  async findKeyed(where: Readonly<Record<string, string>>, options: FindOptions = {}) {
    checkFindOptions(options);
    const query = JSON.stringify([Object.entries(where).sort(), options.descending === true]);
    if (this.lastFind?.query !== query) {
      const test = this.matcher(where);
      const rows: Keyed<T>[] = [];
      for (const [id, value] of this.records)
        if (test(value)) rows.push({ key: sortKeyOf(this.options, id, value), id, value });
      this.lastFind = { query, rows: pageOf(rows, { descending: options.descending }) };
    }
    const { rows } = this.lastFind;
    const from = firstAfter(rows, options);
    return rows.slice(from, options.limit === undefined ? undefined : from + options.limit);
  }
  async findByHash(field: string, hash: string) {
    const index = this.index;
    if (!index) return [];
    return [...this.records.values()].filter((r) => index.of(r)[field] === hash);
  }
  async idsByHash(field: string, hashes: readonly string[]) {
    const index = this.index;
    const wanted = new Set(hashes);
    const out: { id: string; hash: string }[] = [];
    if (!index || !wanted.size) return out;
    for (const [id, r] of this.records) {
      const hash = index.of(r)[field];
      if (hash !== undefined && wanted.has(hash)) out.push({ id, hash });
    }
    return out;
  }

  async set(id: string, value: T) {
    this.checkUnique(checkId(id), value);
    this.setNow(id, value);
  }
  async delete(id: string) {
    return this.deleteNow(id);
  }
  update(
    id: string,
    change: (current: T | undefined) => T | undefined | Promise<T | undefined>,
    options: UpdateOptions = {},
  ) {
    checkId(id);
    const run = (this.queues.get(id) ?? Promise.resolve()).then(async () => {
      const next = await change(this.records.get(id));
      if (next === undefined) return this.records.get(id);
      this.checkUnique(id, next);
      // Read after `change`: a `set` may have landed while it awaited, and an undo restores that.
      const before = this.records.get(id);
      const had = this.records.has(id);
      this.setNow(id, next);
      // Still in the queue: the next change of this record sees only what is on disk (as a
      // PostgreSQL row lock is held until the commit).
      if (options.durable) await this.writeDurably(id, next, had, before);
      return next;
    });
    const tail = run.catch(() => {});
    this.queues.set(id, tail);
    void tail.then(() => {
      if (this.queues.get(id) === tail) this.queues.delete(id);
    });
    return run;
  }

  async insertDurably(
    id: string,
    value: T,
  ): Promise<{ inserted: true } | { inserted: false; existing: string }> {
    checkId(id);
    const key = this.options.unique?.(value);
    for (;;) {
      const holder = this.records.has(id) ? id : key === undefined ? undefined : this.uniqueIds.get(key);
      if (holder === undefined) break;
      const pending = this.pendingWrite(holder);
      if (!pending) return { inserted: false, existing: holder };
      // The holder's write may still fail and be undone: a second tap is never told a
      // reference that might not be kept. Waited for, it is asked again (gone: this one tries).
      await pending;
    }
    await this.setDurably(id, value);
    return { inserted: true };
  }

  /** The durable write of a record still in progress, if any (resolves, never rejects). */
  pendingWrite(id: string): Promise<void> | undefined {
    return this.durableWrites.get(id);
  }

  async setDurably(id: string, value: T) {
    const before = this.records.get(checkId(id));
    const had = this.records.has(id);
    this.checkUnique(id, value);
    this.setNow(id, value);
    await this.writeDurably(id, value, had, before);
  }

  /** Puts `value`, just set, on disk; on failure undoes it unless the record changed since. */
  private writeDurably(id: string, value: T, had: boolean, before: T | undefined): Promise<void> {
    const done = this.persist(() => {
      // Undo only if nobody changed the record since: never drop a later change.
      if (this.records.get(id) !== value) return;
      if (had) this.setNow(id, before as T, false);
      else this.deleteNow(id, false);
    });
    const settled = done.catch(() => {});
    this.durableWrites.set(id, settled);
    void settled.then(() => {
      if (this.durableWrites.get(id) === settled) this.durableWrites.delete(id);
    });
    return done;
  }

  /** A unique key is a promise: another record's key is never taken over silently. */
  private checkUnique(id: string, value: T) {
    const key = this.options.unique?.(value);
    const holder = key === undefined ? undefined : this.uniqueIds.get(key);
    if (holder !== undefined && holder !== id) throw new UniqueKeyTakenError(this.name, id);
  }
  async deleteDurably(id: string) {
    const before = this.records.get(id);
    if (!this.deleteNow(id)) return;
    await this.persist(() => {
      if (!this.records.has(id)) this.setNow(id, before as T, false);
    });
  }

  private setNow(id: string, value: T, changed = true) {
    this.lastFind = undefined;
    const before = this.records.get(checkId(id));
    if (before !== undefined) this.forget(id, before);
    this.records.set(id, value);
    this.keep(id, value);
    if (changed) this.changed();
  }
  private deleteNow(id: string, changed = true) {
    this.lastFind = undefined;
    const before = this.records.get(id);
    if (before === undefined && !this.records.has(id)) return false;
    if (before !== undefined) this.forget(id, before);
    this.records.delete(id);
    if (changed) this.changed();
    return true;
  }
  private keep(id: string, record: T) {
    const key = this.options.unique?.(record);
    if (key !== undefined) this.uniqueIds.set(key, id);
  }
  private forget(id: string, record: T) {
    const key = this.options.unique?.(record);
    if (key !== undefined && this.uniqueIds.get(key) === id) this.uniqueIds.delete(key);
  }

  async flushAll() {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.saved < this.changes) await this.writeOnce();
  }
  stop() {
    clearTimeout(this.timer);
  }

  private changed() {
    this.changes++;
    if (!this.timer) {
      // Back off while the disk keeps failing, so a full disk is not hammered.
      const delay = this.coalesceMs * 2 ** Math.min(this.failures, 6);
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.flushAll().catch(() => {});
      }, delay);
      this.timer.unref();
    }
  }

  private async persist(undo: () => void) {
    const needed = this.changes;
    try {
      while (this.saved < needed) await this.writeOnce();
    } catch (e) {
      undo();
      this.changed(); // the file must end up without the undone change too
      throw new StoreWriteError(this.name, e);
    }
  }

  /** One write of the whole collection, never two at once; a failure leaves the changes pending. */
  private async writeOnce() {
    if (this.writing) {
      await this.writing.catch(() => {});
      return;
    }
    const upTo = this.changes;
    this.db.data = { version: 1, records: Object.fromEntries(this.records) };
    this.writing = this.db.write();
    try {
      await this.writing;
      this.saved = Math.max(this.saved, upTo);
      this.failures = 0;
      this.onWrite(undefined);
    } catch (e) {
      this.failures++;
      this.onWrite(e);
      throw e;
    } finally {
      this.writing = undefined;
    }
  }
}
