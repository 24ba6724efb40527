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
 * `openMemoryStore` has the same interface and writes nothing, for unit tests.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Low, Memory } from 'lowdb';
import { z } from 'zod';
import { lockDataDir } from './data-dir-lock.ts';
import { type DataKeyring, type EnvKeys, keyId, loadDataKeys } from './data-keys.ts';
import { DurableJsonFile, type FileCodec } from './durable-json-file.ts';
import { type RecordCodec, recordCodec } from './field-cipher.ts';
import { privateDir } from './private-file.ts';
import { type IndexFields, type SearchIndex, searchIndex } from './search-index.ts';
import { InvalidIdError, StoreWriteError } from './store-errors.ts';

export interface Collection<T> {
  readonly name: string;
  get(id: string): T | undefined;
  has(id: string): boolean;
  readonly size: number;
  values(): IterableIterator<T>;
  entries(): IterableIterator<[string, T]>;
  /** Change in memory now, write soon (coalesced). */
  set(id: string, value: T): void;
  delete(id: string): boolean;
  /** Read-modify-write in one synchronous step; returns the new value. */
  update(id: string, change: (current: T | undefined) => T): T;
  /** Change, then resolve once it is on disk; on a write error the change is undone and a StoreWriteError thrown. */
  setDurably(id: string, value: T): Promise<void>;
  deleteDurably(id: string): Promise<void>;
  /** Keyed hashes of the fields named in `CollectionOptions.index` (exact search on them). */
  readonly index?: SearchIndex<T>;
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
}

export interface Store {
  collection<T>(name: string, schema: z.ZodType<T>, options?: CollectionOptions<T>): Promise<Collection<T>>;
  /** Writes everything pending (graceful shutdown). */
  flush(): Promise<void>;
  health(): StoreHealth;
  close(): Promise<void>;
  /** The data keys (file store only). */
  keys(): DataKeyring | undefined;
  /** Makes another keyring current (rotation): every later write encrypts with its current key. */
  useKeys(ring: DataKeyring): void;
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
    options,
    () => lock.release(),
    {
      hashKey: () => ({ key: ring.indexKey, id: ring.current.id }),
      keys,
      useKeys: (next) => {
        ring = next;
      },
    },
  );
}

export async function openMemoryStore(options: StoreOptions = {}): Promise<Store> {
  // Nothing reaches a disk: a key of the moment serves the search index.
  const key = randomBytes(32);
  const id = keyId(key);
  return createStore(
    () => new Memory(),
    options,
    () => {},
    { hashKey: () => ({ key, id }), keys: () => undefined, useKeys: () => {} },
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
}

function createStore(
  adapterFor: AdapterFor,
  options: StoreOptions,
  release: () => void,
  keyAccess: KeyAccess,
): Store {
  const coalesceMs = options.coalesceMs ?? 250;
  const collections = new Map<string, FileCollection<unknown>>();
  let lastError: string | undefined;
  const onWrite = (error: unknown) => {
    lastError = error === undefined ? undefined : String((error as Error).message ?? error);
  };

  return {
    async collection<T>(name: string, schema: z.ZodType<T>, o: CollectionOptions<T> = {}) {
      checkId(name);
      const existing = collections.get(name);
      if (existing) return existing as unknown as Collection<T>;
      const index = o.index ? searchIndex(o.index, keyAccess.hashKey) : undefined;
      const db = new Low<FileShape<T>>(adapterFor(name, schema, o, index), { version: 1, records: {} });
      await db.read();
      const c = new FileCollection<T>(name, db, o.coalesceMs ?? coalesceMs, onWrite, index);
      collections.set(name, c as FileCollection<unknown>);
      return c;
    },
    async flush() {
      await Promise.all([...collections.values()].map((c) => c.flushAll()));
    },
    keys: keyAccess.keys,
    useKeys: keyAccess.useKeys,
    health() {
      return lastError === undefined ? { ok: true } : { ok: false, lastError };
    },
    async close() {
      try {
        await Promise.all([...collections.values()].map((c) => c.flushAll()));
      } finally {
        for (const c of collections.values()) c.stop();
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

  constructor(
    readonly name: string,
    private readonly db: Low<FileShape<T>>,
    private readonly coalesceMs: number,
    private readonly onWrite: (error: unknown) => void,
    readonly index?: SearchIndex<T>,
  ) {
    this.records = new Map(Object.entries(db.data.records));
  }

  get size() {
    return this.records.size;
  }
  get(id: string) {
    return this.records.get(id);
  }
  has(id: string) {
    return this.records.has(id);
  }
  values() {
    return this.records.values();
  }
  entries() {
    return this.records.entries();
  }

  set(id: string, value: T) {
    this.records.set(checkId(id), value);
    this.changed();
  }
  delete(id: string) {
    const had = this.records.delete(id);
    if (had) this.changed();
    return had;
  }
  update(id: string, change: (current: T | undefined) => T): T {
    const next = change(this.records.get(checkId(id)));
    this.records.set(id, next);
    this.changed();
    return next;
  }

  async setDurably(id: string, value: T) {
    const before = this.records.get(checkId(id));
    const had = this.records.has(id);
    this.set(id, value);
    await this.persist(() => {
      // Undo only if nobody changed the record since: never drop a later change.
      if (this.records.get(id) !== value) return;
      if (had) this.records.set(id, before as T);
      else this.records.delete(id);
    });
  }
  async deleteDurably(id: string) {
    const before = this.records.get(id);
    if (!this.delete(id)) return;
    await this.persist(() => {
      if (!this.records.has(id)) this.records.set(id, before as T);
    });
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
