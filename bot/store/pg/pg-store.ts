/**
 * The PostgreSQL store (issue 18): the same `Store` as the file store, for several instances on
 * one database. The schema is migrated at open (migrate.ts); personal fields are encrypted with
 * the same data keys as the file store (DATA_KEY, or the key file in the data directory: with
 * several instances on several machines, give each the same DATA_KEY), so the database never
 * holds a name or a phone number in clear.
 */
import pg from 'pg';
import type { z } from 'zod';
import type { Collection, CollectionOptions, Store, StoreHealth } from '../collection-store.ts';
import { checkId } from '../collection-store.ts';
import { type DataKeyring, type EnvKeys, loadDataKeys } from '../data-keys.ts';
import { recordCodec } from '../field-cipher.ts';
import type { Leadership } from '../leadership.ts';
import { privateDir } from '../private-file.ts';
import { keyedHash, searchIndex } from '../search-index.ts';
import { pgLeadership } from './leadership.ts';
import { migrate } from './migrate.ts';
import { PgCollection } from './pg-collection.ts';

export interface PgStoreOptions {
  /** Where the key file lives when DATA_KEY is not set. */
  dataDir: string;
  /** Data keys from the environment (DATA_KEY); otherwise dataDir/keys/data.key. */
  keys?: EnvKeys;
  /** Connections in the pool (default 10). */
  poolSize?: number;
}

/**
 * What `unique_key` holds for a unique key: an idempotency key is derived from personal data, so
 * only its keyed hash under the search index's key is stored ('\u0000unique' is no index field).
 */
export const uniqueKeyHash = (indexKey: Buffer, key: string) => keyedHash(indexKey, '\u0000unique', key);

export async function openPgStore(url: string, options: PgStoreOptions): Promise<Store> {
  privateDir(options.dataDir);
  let ring: DataKeyring = loadDataKeys(options.dataDir, options.keys);
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10, keepAlive: true });
  let lastError: string | undefined;
  const onWrite = (error: unknown) => {
    lastError = error === undefined ? undefined : String((error as Error).message ?? error);
  };
  // An idle connection that breaks (the server restarted) is reported, never thrown.
  pool.on('error', onWrite);
  try {
    await migrate(pool);
  } catch (e) {
    await pool.end().catch(() => {});
    throw e;
  }
  const keys = () => ring;
  const hashKey = () => ({ key: ring.indexKey, id: ring.current.id });
  const uniqueHash = (key: string) => uniqueKeyHash(ring.indexKey, key);
  const collections = new Map<string, Promise<Collection<unknown>>>();
  const leaderships = new Set<Leadership>();

  return {
    kind: 'postgres',
    pool,
    async collection<T>(name: string, schema: z.ZodType<T>, o: CollectionOptions<T> = {}) {
      checkId(name);
      const existing = collections.get(name);
      if (existing) return (await existing) as Collection<T>;
      const index = o.index ? searchIndex(o.index, hashKey) : undefined;
      const codec = o.personal?.length ? recordCodec(keys, o.personal, index) : undefined;
      const c = new PgCollection<T>(name, pool, schema, o, codec, onWrite, uniqueHash, index);
      // The opening, not the opened (as the file store): two opens at once share one collection.
      // Counts are taken from the column rows, so those are filled first.
      const opening = c
        .fillColumns()
        .then(() => c.fillCounts())
        .then(() => c);
      collections.set(name, opening as Promise<Collection<unknown>>);
      // A collection whose columns could not be filled is tried again by the next open.
      opening.catch(() => {
        if (collections.get(name) === (opening as unknown)) collections.delete(name);
      });
      return opening;
    },
    // Every write is committed before it resolves: nothing is pending.
    async flush() {},
    health(): StoreHealth {
      return lastError === undefined ? { ok: true } : { ok: false, lastError };
    },
    keys,
    useKeys(next) {
      ring = next;
    },
    async valuesPerKey() {
      // Counted in the database (one pass, nothing sent but the totals), by the key id every
      // ciphertext names (field-cipher.ts): regexp_matches, which openGauss and KingbaseES have too.
      const { rows } = await pool.query<{ key: string; n: string }>(
        `SELECT m[1] AS key, count(*) AS n
         FROM (SELECT regexp_matches(data, '"enc:v1:([0-9a-f]{12}):', 'g') AS m FROM records WHERE data LIKE '%"enc:v1:%') v
         GROUP BY m[1]`,
      );
      return new Map(rows.map((r) => [r.key, Number(r.n)]));
    },
    async lead(name) {
      const l = await pgLeadership(url, name, { onError: onWrite });
      leaderships.add(l);
      return {
        isLeader: l.isLeader,
        onChange: l.onChange,
        release: async () => {
          leaderships.delete(l);
          await l.release();
        },
      };
    },
    async close() {
      await Promise.all([...leaderships].map((l) => l.release()));
      await pool.end();
    },
  };
}
