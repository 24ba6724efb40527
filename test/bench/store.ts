/**
 * The store at county and regional scale (issue 18): lowdb (16 shards, as dialog-storage.ts
 * opens referrals) at 50,000 referrals beside PostgreSQL at 50,000 and 1,000,000, with the real
 * referral schema, personal fields, keyed hashes and columns. For each: (a) the durable write
 * of one new referral (insertDurably, sequential), (b) an inbox page of a random township,
 * newest first, 50 rows, and the page after it (`after`), (c) this process's RSS after reads.
 * Then, on the same seeded database and keys (store-server.ts): (d) a started server's inbox
 * (GET /staff) for a caseworker and a county admin, timed over HTTP, and the server's RSS and
 * peak RSS from /proc; (e) on the first size only, the conversation API's requests/s on one
 * instance against two.
 *
 *   npm run bench -- store
 *   BENCH_STORE_SIZES=50000,1000000   referral counts (lowdb runs only the sizes up to 50,000)
 *   BENCH_STORE_WRITES=500            write samples     BENCH_STORE_READS=300   inbox samples
 *   BENCH_STORE_PAGES=50              server inbox requests per user (0: no server part)
 *   BENCH_HTTP_SECONDS=10             autocannon duration of each one/two-instance load
 *   BENCH_STORE_INSTANCES=0           no one-instance-against-two part
 *
 * Seeding: lowdb through the store (coalesced `set`, one flush: its time is printed);
 * PostgreSQL in bulk (multi-row INSERT ... SELECT FROM unnest, 5,000 referrals a statement),
 * each row encrypted with the store's own codec and keys, with the columns, hashes and sort key
 * the store would write; afterwards count() and a random get() through the store must agree.
 * The cluster is test/helpers/pg-cluster.ts (fsync off: a write here costs what the database
 * does, not what the disk does; a real server with fsync pays one flush more per commit).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import {
  type ReferralRecord,
  referralIndexFields,
  referralPersonalFields,
  referralSchema,
} from '../../bot/referral/referral-record.ts';
import {
  type Collection,
  type CollectionOptions,
  openFileStore,
  type Store,
} from '../../bot/store/collection-store.ts';
import { referralStoreOptions } from '../../bot/referral/dialog-storage.ts';
import { loadDataKeys } from '../../bot/store/data-keys.ts';
import { recordCodec } from '../../bot/store/field-cipher.ts';
import { openPgStore, uniqueKeyHash } from '../../bot/store/pg/pg-store.ts';
import { searchIndex } from '../../bot/store/search-index.ts';
import { shardedCollection } from '../../bot/store/sharded-collection.ts';
import { startPgCluster } from '../helpers/pg-cluster.ts';
import { syntheticReferral } from './inbox.ts';
import { benchInstances, benchServerInbox } from './store-server.ts';

/**
 * Tekes with its eight configured townships (rules/jurisdictions/tekes.yaml), so a caseworker and
 * a county admin made by the admin CLI see seeded referrals in the server part (store-server.ts);
 * three more counties of ten made-up townships each: 38 townships, about 26,000 referrals a
 * township and 210,000 in Tekes at 1,000,000.
 */
const tekes = ['tekes_town', 'qiaolaketiereke', 'karadala', 'qilewuzeke', 'hujierte', 'kuokesu'];
const townships = [
  ...[...tekes, 'kuoketiereke', 'kalatuohai'].map((t) => ['tekes', t] as const),
  ...['zhaosu', 'nilka', 'xinyuan'].flatMap((c) =>
    Array.from({ length: 10 }, (_, t) => [c, `${c}_town${t}`] as const),
  ),
];

/**
 * The options the server opens referrals with (dialog-storage.ts): a copy here once lacked the
 * inbox's `listed` column, and the started server's inbox then showed no rows.
 */
export const referralOptions: CollectionOptions<ReferralRecord> = referralStoreOptions;

/** Referral i of a region: spread over 40 townships of 4 counties, a new one every 30 s. */
export function regionReferral(i: number): ReferralRecord {
  const r = syntheticReferral(i);
  const [county, township] = townships[i % townships.length]!;
  const at = new Date(Date.UTC(2024, 0, 1) + i * 30_000).toISOString();
  return {
    ...r,
    reference: `R${String(i).padStart(8, '0')}`,
    createdAt: at,
    updatedAt: at,
    jurisdiction: county,
    township,
    idempotencyKey: `key-${i}`,
    history: r.history.map((h, k) => (k === 0 ? { ...h, at } : h)),
  };
}

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor((s.length * p) / 100))]! * 100) / 100;
};
const summary = (xs: number[]) => ({
  p50ms: percentile(xs, 50),
  p99ms: percentile(xs, 99),
  samples: xs.length,
});
const rssMb = () => Math.round(process.memoryUsage().rss / 1e6);

async function measure(referrals: Collection<ReferralRecord>, stored: number, writes: number, reads: number) {
  const writeMs: number[] = [];
  for (let k = 0; k < writes; k++) {
    const r = regionReferral(stored + k);
    const t = performance.now();
    const done = await referrals.insertDurably(r.reference, r);
    writeMs.push(performance.now() - t);
    if (!done.inserted) throw new Error(`bench: ${r.reference} was not inserted`);
  }
  const page1: number[] = [];
  const page2: number[] = [];
  for (let k = 0; k < reads; k++) {
    const [, township] = townships[Math.floor(Math.random() * townships.length)]!;
    let t = performance.now();
    const first = await referrals.find({ township }, { limit: 50, descending: true });
    page1.push(performance.now() - t);
    const last = first[first.length - 1];
    if (first.length !== 50 || !last)
      throw new Error(`bench: a page of ${township} had ${first.length} rows`);
    t = performance.now();
    const second = await referrals.find(
      { township },
      { limit: 50, descending: true, after: referralOptions.sortKey!(last) },
    );
    page2.push(performance.now() - t);
    if (!second[0] || second[0].createdAt > last.createdAt)
      throw new Error(`bench: page 2 of ${township} does not follow page 1`);
  }
  return {
    write: summary(writeMs),
    inboxPage1: summary(page1),
    inboxPage2: summary(page2),
    rssMbAfterReads: rssMb(),
  };
}

async function benchLowdb(n: number, writes: number, reads: number) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-store-lowdb-'));
  let store: Store | undefined;
  try {
    // A long coalescing delay: the seed is one write per shard, at the flush.
    store = await openFileStore(dir, { coalesceMs: 3_600_000 });
    const referrals = await shardedCollection(store, 'referrals', referralSchema, {
      ...referralOptions,
      shards: 16,
    });
    const t = performance.now();
    for (let i = 0; i < n; i++) {
      const r = regionReferral(i);
      await referrals.set(r.reference, r);
    }
    await store.flush();
    const seedSeconds = Math.round((performance.now() - t) / 100) / 10;
    if ((await referrals.count()) !== n) throw new Error('bench: lowdb count is wrong after seeding');
    return {
      store: 'lowdb',
      shards: 16,
      referrals: n,
      seedSeconds,
      ...(await measure(referrals, n, writes, reads)),
    };
  } finally {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** n referrals straight into the tables, each row as PgCollection writes it. */
export async function seedPg(url: string, keysDir: string, n: number) {
  const ring = loadDataKeys(keysDir);
  const index = searchIndex(referralIndexFields, () => ({ key: ring.indexKey, id: ring.current.id }));
  const codec = recordCodec(() => ring, referralPersonalFields, index);
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  const batch = 5_000;
  let inFlight: Promise<unknown> = Promise.resolve();
  try {
    for (let from = 0; from < n; from += batch) {
      const ids: string[] = [];
      const data: string[] = [];
      const keys: string[] = [];
      const sorts: string[] = [];
      const col: [string[], string[], string[], string[]] = [[], [], [], []];
      const hash: [string[], string[], string[]] = [[], [], []];
      for (let i = from; i < Math.min(n, from + batch); i++) {
        const r = referralSchema.parse(regionReferral(i));
        const id = r.reference;
        const sort = referralOptions.sortKey!(r);
        ids.push(id);
        data.push(JSON.stringify(codec.encode(id, r)));
        keys.push(uniqueKeyHash(ring.indexKey, referralOptions.unique!(r)!));
        sorts.push(sort);
        for (const [name, read] of Object.entries(referralOptions.columns!)) {
          const value = read(r);
          if (value === undefined) continue;
          col[0].push(id);
          col[1].push(name);
          col[2].push(value);
          col[3].push(sort);
        }
        for (const [field, h] of Object.entries(index.of(r))) {
          hash[0].push(id);
          hash[1].push(field);
          hash[2].push(h);
        }
      }
      await inFlight; // one batch in the database while the next is encrypted here
      inFlight = (async () => {
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          await client.query(
            `INSERT INTO records (collection, id, data, version, unique_key, updated_at, sort)
             SELECT 'referrals', t.id, t.data, 1, t.k, CURRENT_TIMESTAMP, t.s
             FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS t(id, data, k, s)`,
            [ids, data, keys, sorts],
          );
          await client.query(
            `INSERT INTO record_columns (collection, id, name, value, sort)
             SELECT 'referrals', t.id, t.name, t.value, t.s FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS t(id, name, value, s)`,
            col,
          );
          await client.query(
            `INSERT INTO record_hashes (collection, id, field, hash)
             SELECT 'referrals', t.id, t.field, t.hash FROM unnest($1::text[], $2::text[], $3::text[]) AS t(id, field, hash)`,
            hash,
          );
          await client.query('COMMIT');
        } finally {
          client.release();
        }
      })();
      if (from % 100_000 === 0) process.stderr.write(`seeded ${from} of ${n}\n`);
    }
    await inFlight;
    // Every column written with each row, as the store would: registered as filled, or opening
    // the collection fills them all again (pg-collection.ts fillColumns; at 1,000,000 that took
    // about 12 minutes, measured once by this bench before it registered them).
    await pool.query(
      "INSERT INTO record_column_names (collection, name) SELECT 'referrals', n FROM unnest($1::text[]) AS t(n)",
      [Object.keys(referralOptions.columns!)],
    );
    await pool.query('ANALYZE');
  } finally {
    await pool.end();
  }
}

async function benchPg(
  url: string,
  n: number,
  writes: number,
  reads: number,
  print: (row: object) => void,
  serverParts: { pages: number; instances: boolean },
) {
  const keysDir = mkdtempSync(join(tmpdir(), 'bench-store-keys-'));
  let store: Store | undefined;
  try {
    store = await openPgStore(url, { dataDir: keysDir }); // migrates the empty database
    const t = performance.now();
    await seedPg(url, keysDir, n);
    const seedSeconds = Math.round((performance.now() - t) / 100) / 10;
    const referrals = await shardedCollection(store, 'referrals', referralSchema, {
      ...referralOptions,
      shards: 16,
    });
    if ((await referrals.count()) !== n) throw new Error('bench: PostgreSQL count is wrong after seeding');
    const probe = Math.floor(Math.random() * n);
    const got = await referrals.get(regionReferral(probe).reference);
    if (JSON.stringify(got) !== JSON.stringify(referralSchema.parse(regionReferral(probe))))
      throw new Error(`bench: referral ${probe} does not decode to what was seeded`);
    print(
      row({ store: 'postgres', referrals: n, seedSeconds, ...(await measure(referrals, n, writes, reads)) }),
    );
    await store.close();
    store = undefined;
    // The same database and keys, now through a started server (seeded once per size).
    if (serverParts.pages > 0) print(await benchServerInbox(url, keysDir, n, serverParts.pages));
    if (serverParts.instances) print(await benchInstances(url, keysDir, n));
  } finally {
    await store?.close();
    rmSync(keysDir, { recursive: true, force: true });
  }
}

export const storeTarget = { writeP99ms: 20, inboxP99ms: 100, atReferrals: 1_000_000 };

type Measured = { write: { p99ms: number }; inboxPage1: { p99ms: number } };
const row = <R extends Measured>(r: R) => ({
  bench: 'store',
  ...r,
  target: storeTarget,
  meetsTarget: r.write.p99ms < storeTarget.writeP99ms && r.inboxPage1.p99ms < storeTarget.inboxP99ms,
});

export async function benchStore(print: (row: object) => void) {
  const sizes = (process.env.BENCH_STORE_SIZES ?? '50000,1000000').split(',').map(Number);
  const writes = Number(process.env.BENCH_STORE_WRITES ?? 500);
  const reads = Number(process.env.BENCH_STORE_READS ?? 300);
  const pages = Number(process.env.BENCH_STORE_PAGES ?? 50);
  const instances = process.env.BENCH_STORE_INSTANCES !== '0';
  const cluster = await startPgCluster();
  try {
    for (const [k, n] of sizes.entries()) {
      const url = await cluster.createDatabase(`bench_${n}`);
      // One instance against two once, on the first size: the conversation API does not read referrals.
      await benchPg(url, n, writes, reads, print, { pages, instances: instances && k === 0 });
    }
  } finally {
    await cluster.stop();
  }
  // lowdb last: its 50,000 records in this process would otherwise sit in the RSS of PostgreSQL's runs.
  for (const n of sizes.filter((s) => s <= 50_000)) print(row(await benchLowdb(n, writes, reads)));
}
