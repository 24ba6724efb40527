/**
 * One contract, every store: memory, lowdb files, a sharded collection (on memory) and
 * PostgreSQL run the same tests, so the rules, the dialog and the pages cannot tell which one
 * they are on. On PostgreSQL "two instances" are two Store objects (two pools) on one database;
 * on the others both names are the one store (one process owns it).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  type Collection,
  type CollectionOptions,
  openFileStore,
  openMemoryStore,
  type Store,
} from '../../bot/store/collection-store.ts';
import { codeSchemaVersion } from '../../bot/store/pg/migrations.ts';
import { pageRows } from '../../bot/store/pg/pg-collection.ts';
import { openPgStore } from '../../bot/store/pg/pg-store.ts';
import { shardedCollection } from '../../bot/store/sharded-collection.ts';
import { openStore } from '../../bot/store/open-store.ts';
import {
  DataKeyError,
  InvalidIdError,
  StoreFileError,
  StoreSchemaTooNewError,
  StoreWriteError,
  UniqueKeyTakenError,
} from '../../bot/store/store-errors.ts';
import { type PgCluster, pgBinDir, startPgCluster } from '../helpers/pg-cluster.ts';

const Person = z.object({
  name: z.string(),
  phone: z.string(),
  township: z.string(),
  status: z.string(),
  n: z.number(),
  key: z.string().optional(),
});
type Person = z.infer<typeof Person>;

const personOptions: CollectionOptions<Person> = {
  personal: ['name', 'phone'],
  index: { phone: (r) => r.phone },
  columns: {
    township: (r) => r.township,
    status: (r) => r.status,
    townshipStatus: (r) => `${r.township} ${r.status}`,
  },
  // Kept per value on PostgreSQL (record_counts), counted when asked elsewhere: the same answers.
  counted: ['township', 'townshipStatus'],
  unique: (r) => r.key,
};

const person = (i: number, more: Partial<Person> = {}): Person => ({
  name: `居民${i} Ayşegül`,
  phone: `1380000${String(i).padStart(4, '0')}`,
  township: `town${i % 3}`,
  status: i % 2 ? 'new' : 'closed',
  n: 0,
  ...more,
});

/** Dated records in the shape of the inbox: sorted by date then reference, as referrals are. */
const Dated = z.object({ ref: z.string(), at: z.string(), township: z.string(), status: z.string() });
type Dated = z.infer<typeof Dated>;
const datedOptions: CollectionOptions<Dated> = {
  columns: { township: (r) => r.township, status: (r) => r.status },
  sortKey: (r) => `${r.at} ${r.ref}`,
};
const keyOf = (r: Dated) => `${r.at} ${r.ref}`;

interface Harness {
  /** Two instances: on PostgreSQL two stores on one database, otherwise the same store twice. */
  a: Store;
  b: Store;
  people(store: Store, name: string): Promise<Collection<Person>>;
  dated(store: Store, name: string): Promise<Collection<Dated>>;
  /** The stored text of a record, as at rest (undefined: the store keeps nothing at rest). */
  raw(name: string, id: string): Promise<string | undefined>;
  /** What is on disk now, nothing flushed first (undefined: not there, or nothing at rest). */
  onDisk(name: string, id: string): Promise<string | undefined>;
  /** The stored `unique_key` of a record (PostgreSQL; elsewhere undefined). */
  uniqueColumn(name: string, id: string): Promise<string | undefined>;
  /** Makes every write of a collection fail until the returned function is called (lowdb). */
  breakWrites?(name: string): () => void;
  close(): Promise<void>;
}

/** One cluster for the whole file (initdb and start take a second or two), a database per suite. */
let clusterStarting: Promise<PgCluster> | undefined;
function sharedCluster(): Promise<PgCluster> {
  clusterStarting ??= startPgCluster().then((cluster) => {
    process.stdout.write(`PostgreSQL test cluster up in ${cluster.startMs} ms\n`);
    return cluster;
  });
  return clusterStarting;
}
afterAll(async () => {
  await (await clusterStarting)?.stop();
});

const plain = (store: Store, name: string) => store.collection(name, Person, personOptions);
const plainDated = (store: Store, name: string) => store.collection(name, Dated, datedOptions);

const stores: [string, boolean, () => Promise<Harness>][] = [
  [
    'memory',
    true,
    async () => {
      const a = await openMemoryStore();
      return {
        a,
        b: a,
        people: plain,
        dated: plainDated,
        raw: async () => undefined,
        onDisk: async () => undefined,
        uniqueColumn: async () => undefined,
        close: () => a.close(),
      };
    },
  ],
  [
    'sharded on memory',
    true,
    async () => {
      const a = await openMemoryStore();
      return {
        a,
        b: a,
        people: (store, name) => shardedCollection(store, name, Person, { ...personOptions, shards: 4 }),
        dated: (store, name) => shardedCollection(store, name, Dated, { ...datedOptions, shards: 4 }),
        raw: async () => undefined,
        onDisk: async () => undefined,
        uniqueColumn: async () => undefined,
        close: () => a.close(),
      };
    },
  ],
  [
    'lowdb',
    true,
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'store-contract-'));
      const a = await openFileStore(dir, { coalesceMs: 5 });
      return {
        a,
        b: a,
        people: plain,
        dated: plainDated,
        async raw(name, id) {
          await a.flush();
          const file = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8'));
          return JSON.stringify(file.records[id]);
        },
        async onDisk(name, id) {
          const path = join(dir, `${name}.json`);
          if (!existsSync(path)) return undefined;
          const record = JSON.parse(readFileSync(path, 'utf8')).records[id];
          return record === undefined ? undefined : JSON.stringify(record);
        },
        uniqueColumn: async () => undefined,
        breakWrites(name) {
          // The next write cannot create its temp file (as a full disk would refuse it).
          const blocker = join(dir, `.${name}.json.tmp`);
          mkdirSync(blocker);
          return () => rmSync(blocker, { recursive: true, force: true });
        },
        async close() {
          await a.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  ],
  [
    'PostgreSQL',
    Boolean(pgBinDir),
    async () => {
      const cluster = await sharedCluster();
      const url = await cluster.createDatabase('contract');
      const dir = mkdtempSync(join(tmpdir(), 'store-contract-keys-'));
      // Two instances share the data key, as two servers given the same DATA_KEY do.
      const [a, b] = await Promise.all([
        openPgStore(url, { dataDir: dir }),
        openPgStore(url, { dataDir: dir }),
      ]);
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      return {
        a,
        b,
        people: plain,
        dated: plainDated,
        async raw(name, id) {
          const { rows } = await client.query<{ data: string }>(
            'SELECT data FROM records WHERE collection = $1 AND id = $2',
            [name, id],
          );
          return rows[0]?.data;
        },
        async onDisk(name, id) {
          // Every write is committed before it resolves: what is stored is on disk.
          const { rows } = await client.query<{ data: string }>(
            'SELECT data FROM records WHERE collection = $1 AND id = $2',
            [name, id],
          );
          return rows[0]?.data;
        },
        async uniqueColumn(name, id) {
          const { rows } = await client.query<{ unique_key: string | null }>(
            'SELECT unique_key FROM records WHERE collection = $1 AND id = $2',
            [name, id],
          );
          return rows[0]?.unique_key ?? undefined;
        },
        async close() {
          await client.end();
          await Promise.all([a.close(), b.close()]);
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  ],
];

let names = 0;
const fresh = () => `people${++names}`;

describe.each(stores)('the store contract on %s', (kind, available, open) => {
  let h: Harness;
  beforeAll(async () => {
    if (available) h = await open();
  });
  afterAll(async () => {
    await h?.close();
  });
  const test = it.skipIf(!available);

  test('get, has, count, set, delete, and the durable forms', async () => {
    const name = fresh();
    const c = await h.people(h.a, name);
    expect(await c.get('p1')).toBeUndefined();
    expect(await c.has('p1')).toBe(false);
    await c.set('p1', person(1));
    await c.setDurably('p2', person(2));
    expect(await c.get('p1')).toEqual(person(1));
    expect(await c.has('p2')).toBe(true);
    expect(await c.count()).toBe(2);
    await c.set('p1', person(1, { n: 7 }));
    expect((await c.get('p1'))?.n).toBe(7);
    // The other instance sees it (on PostgreSQL: another pool, nothing cached).
    const other = await h.people(h.b, name);
    expect((await other.get('p1'))?.n).toBe(7);
    expect(await c.delete('p1')).toBe(true);
    expect(await c.delete('p1')).toBe(false);
    await c.deleteDurably('p2');
    await c.deleteDurably('p2');
    expect(await c.count()).toBe(0);
    expect(await other.has('p2')).toBe(false);
    // An id no record can have is never found, and never stored.
    expect(await c.get('__proto__')).toBeUndefined();
    expect(await c.has('constructor')).toBe(false);
    await expect(c.set('a/b', person(1))).rejects.toThrow(InvalidIdError);
  });

  test('update: absent, unchanged, awaited, and 100 at once lose nothing (from both instances)', async () => {
    const name = fresh();
    const c = await h.people(h.a, name);
    const other = await h.people(h.b, name);
    expect(await c.update('u', () => undefined)).toBeUndefined();
    expect(await c.has('u')).toBe(false);
    const made = await c.update('u', (current) => (current ? undefined : person(5)));
    expect(made).toEqual(person(5));
    expect(await c.update('u', () => undefined)).toEqual(person(5));
    const bump = (r: Person | undefined) => ({ ...(r ?? person(5)), n: (r?.n ?? 0) + 1 });
    await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        (i % 2 ? other : c).update('u', async (r) => {
          // The change awaits between reading and writing: the record must stay locked.
          await new Promise((resolve) => setTimeout(resolve, 1));
          return bump(r);
        }),
      ),
    );
    expect((await c.get('u'))?.n).toBe(100);
    // Many creating one new record at once: every change lands on the one record.
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? other : c).update('new', async (r) => bump(r))),
    );
    expect((await other.get('new'))?.n).toBe(20);
    // A change that throws changes nothing.
    await expect(
      c.update('u', () => {
        throw new Error('no');
      }),
    ).rejects.toThrow('no');
    expect((await c.get('u'))?.n).toBe(100);
  });

  test('insertDurably: a taken id or unique key returns the holder; 200 at once from two instances store one', async () => {
    const name = fresh();
    const c = await h.people(h.a, name);
    const other = await h.people(h.b, name);
    expect(await c.insertDurably('r1', person(1, { key: 'k1' }))).toEqual({ inserted: true });
    expect(await c.insertDurably('r1', person(2, { key: 'k2' }))).toEqual({
      inserted: false,
      existing: 'r1',
    });
    expect(await other.insertDurably('r2', person(2, { key: 'k1' }))).toEqual({
      inserted: false,
      existing: 'r1',
    });
    // Records without a key never collide.
    expect(await c.insertDurably('r3', person(3))).toEqual({ inserted: true });
    expect(await c.insertDurably('r4', person(4))).toEqual({ inserted: true });
    // Deleted, the key is free again.
    await c.deleteDurably('r1');
    expect(await other.insertDurably('r5', person(5, { key: 'k1' }))).toEqual({ inserted: true });

    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        (i % 2 ? other : c).insertDurably(`tap${i}`, person(i, { key: 'double-tap' })),
      ),
    );
    const inserted = results.map((r, i) => (r.inserted ? `tap${i}` : undefined)).filter(Boolean);
    expect(inserted).toHaveLength(1);
    expect(results.filter((r) => !r.inserted).map((r) => !r.inserted && r.existing)).toEqual(
      Array(199).fill(inserted[0]),
    );
    expect(await c.count()).toBe(4); // r3, r4, r5 and the one tap
  });

  test('find by declared columns and findByHash of an encrypted field', async () => {
    const name = fresh();
    const c = await h.people(h.a, name);
    for (let i = 0; i < 12; i++) await c.set(`f${i}`, person(i));
    const ids = async (rows: Promise<Person[]>) => (await rows).map((r) => r.phone).sort();
    expect(await ids(c.find({ township: 'town1' }))).toEqual([1, 4, 7, 10].map((i) => person(i).phone));
    expect(await ids(c.find({ township: 'town1', status: 'new' }))).toEqual(
      [1, 7].map((i) => person(i).phone),
    );
    expect(await c.find({ township: 'nowhere' })).toEqual([]);
    await expect(c.find({ name: 'x' })).rejects.toThrow('no column name');
    // Counting by the same columns (an inbox's per-status counts) without reading the records.
    expect(await c.count({ township: 'town1' })).toBe(4);
    expect(await c.count({ township: 'town1', status: 'new' })).toBe(2);
    expect(await c.count({ township: 'nowhere' })).toBe(0);
    expect(await c.count({})).toBe(12);
    await expect(c.count({ name: 'x' })).rejects.toThrow('no column name');
    // A changed record moves between answers.
    await c.update('f1', (r) => r && { ...r, status: 'closed' });
    expect(await ids(c.find({ township: 'town1', status: 'new' }))).toEqual([person(7).phone]);

    const hash = c.index!.hash('phone', person(4).phone);
    expect(await c.findByHash('phone', hash)).toEqual([person(4)]);
    expect(await c.findByHash('phone', c.index!.hash('phone', '0'))).toEqual([]);
    await c.set('f4', person(4, { phone: '13999999999' }));
    expect(await c.findByHash('phone', hash)).toEqual([]);
    expect(await c.findByHash('phone', c.index!.hash('phone', '13999999999'))).toHaveLength(1);
    await c.delete('f4');
    expect(await c.findByHash('phone', c.index!.hash('phone', '13999999999'))).toEqual([]);

    // The ids behind several hashes at once (a page's rows), each with its hash, nothing read.
    await c.set('f13', person(13, { phone: person(5).phone }));
    const hashOf = (i: number) => c.index!.hash('phone', person(i).phone);
    const hits = await c.idsByHash('phone', [hashOf(5), hashOf(6), hashOf(4), c.index!.hash('phone', '0')]);
    expect(hits.sort((a, b) => (a.id < b.id ? -1 : 1))).toEqual([
      { id: 'f13', hash: hashOf(5) },
      { id: 'f5', hash: hashOf(5) },
      { id: 'f6', hash: hashOf(6) },
    ]);
    expect(await c.idsByHash('phone', [])).toEqual([]);

    // After the changes, the deletion and the new record above, counts of counted columns
    // (one kept row each on PostgreSQL) are what the records say.
    const all: Person[] = [];
    for await (const r of c.values()) all.push(r);
    for (const township of ['town0', 'town1', 'town2']) {
      expect(await c.count({ township })).toBe(all.filter((r) => r.township === township).length);
      for (const status of ['new', 'closed'])
        expect(await c.count({ townshipStatus: `${township} ${status}` })).toBe(
          all.filter((r) => r.township === township && r.status === status).length,
        );
    }
    expect(await c.count({ township: 'town1' })).toBe(4);
    expect(await c.count({ townshipStatus: 'town1 new' })).toBe(2);
  });

  test('find pages by the sort key: order, limit, after, descending, ties, two columns', async () => {
    const name = fresh();
    const c = await h.dated(h.a, name);
    // In sort order: three records a day (a tie on the date, broken by the reference). Ids run
    // the other way, so an order by id (or by insertion) cannot pass for the sort key.
    const sorted: Dated[] = Array.from({ length: 30 }, (_, k) => ({
      ref: `ref-${'xyz'[k % 3]}`,
      at: `2026-01-${10 + Math.floor(k / 3)}T08:00:00.000Z`,
      township: k % 2 ? 'west' : 'east',
      status: k % 3 ? 'open' : 'new',
    }));
    const idOf = (k: number) => `d${99 - k}`;
    for (let j = 0; j < 30; j++) {
      const k = (j * 7) % 30; // a shuffled insertion order
      await c.set(idOf(k), sorted[k]!);
    }
    const keys = async (rows: Promise<Dated[]>) => (await rows).map(keyOf);
    expect(await keys(c.find({}))).toEqual(sorted.map(keyOf));
    expect(await keys(c.find({}, { descending: true }))).toEqual(sorted.map(keyOf).reverse());
    const east = sorted.filter((r) => r.township === 'east').map(keyOf);
    expect(await keys(c.find({ township: 'east' }, { limit: 4 }))).toEqual(east.slice(0, 4));

    /** Every page of `where`, `limit` at a time, each from the last key of the one before. */
    const pages = async (where: Record<string, string>, limit: number, descending: boolean) => {
      const all: string[][] = [];
      let after: string | undefined;
      for (;;) {
        const page = await keys(
          c.find(where, { limit, descending, ...(after === undefined ? {} : { after }) }),
        );
        expect(page.length).toBeLessThanOrEqual(limit);
        if (!page.length) return all;
        all.push(page);
        // A page that never moves on would loop for ever: 31 records make at most 31 pages.
        expect(all.length).toBeLessThanOrEqual(31);
        after = page[page.length - 1];
      }
    };
    // Pages of 2 split the ties (three a day): nothing lost, nothing twice, in order both ways.
    expect((await pages({}, 2, false)).flat()).toEqual(sorted.map(keyOf));
    const down = await pages({ township: 'east' }, 4, true);
    expect(down.flat()).toEqual([...east].reverse());
    expect(down.map((p) => p.length)).toEqual([4, 4, 4, 3]);
    const eastNew = sorted.filter((r) => r.township === 'east' && r.status === 'new').map(keyOf);
    expect(eastNew.length).toBe(5);
    expect((await pages({ township: 'east', status: 'new' }, 2, true)).flat()).toEqual(
      [...eastNew].reverse(),
    );
    expect(await keys(c.find({ status: 'new', township: 'east' }, { limit: 2 }))).toEqual(
      eastNew.slice(0, 2),
    );
    // `after` is exclusive, and past the end there is nothing.
    expect(await keys(c.find({ township: 'east' }, { after: east[1]!, limit: 1 }))).toEqual([east[2]]);
    expect(await c.find({}, { after: keyOf(sorted[29]!) })).toEqual([]);
    expect(await c.find({}, { after: keyOf(sorted[0]!), descending: true })).toEqual([]);

    // A changed record moves to its new place (the stored sort key follows the record).
    await c.update(idOf(0), (r) => r && { ...r, at: '2026-02-01T08:00:00.000Z' });
    expect((await c.find({ township: 'east' }, { descending: true, limit: 1 }))[0]?.at).toBe(
      '2026-02-01T08:00:00.000Z',
    );
    // The same page asked again after a write and after a delete sees each (stores that hold
    // records in memory keep the last query's order until a write).
    const newest = async () => keys(c.find({ township: 'east' }, { descending: true, limit: 2 }));
    const before = await newest();
    const later: Dated = { ref: 'ref-n', at: '2026-03-01T08:00:00.000Z', township: 'east', status: 'new' };
    await c.set('dlater', later);
    expect(await newest()).toEqual([keyOf(later), before[0]]);
    await c.delete('dlater');
    expect(await newest()).toEqual(before);
    // Records with the very same sort key come by id, reversed when descending.
    const same = { ref: 'same', at: '2027-01-01T00:00:00.000Z', township: 'north' };
    await c.set('tie2', { ...same, status: 'second' });
    await c.set('tie1', { ...same, status: 'first' });
    const statuses = async (descending: boolean) =>
      (await c.find({ township: 'north' }, { descending })).map((r) => r.status);
    expect(await statuses(false)).toEqual(['first', 'second']);
    expect(await statuses(true)).toEqual(['second', 'first']);
    // A page size that is no page is a caller's bug.
    for (const limit of [0, -1, 1.5, 10_001]) await expect(c.find({}, { limit })).rejects.toThrow(RangeError);
  });

  test('values and entries page through more than 1,000 records, each once', async () => {
    const name = fresh();
    const c = await h.people(h.a, name);
    const total = 1_234;
    expect(total).toBeGreaterThan(2 * pageRows);
    for (let i = 0; i < total; i += 100)
      await Promise.all(
        Array.from({ length: Math.min(100, total - i) }, (_, j) => c.set(`v${i + j}`, person(i + j))),
      );
    expect(await c.count()).toBe(total);
    const seen = new Set<string>();
    for await (const [id, value] of c.entries()) {
      expect(value.phone).toBe(person(Number(id.slice(1))).phone);
      seen.add(id);
    }
    expect(seen.size).toBe(total);
    let values = 0;
    for await (const v of c.values()) if (v.name.startsWith('居民')) values++;
    expect(values).toBe(total);
  });

  test('a collection opened twice at once is one collection', async () => {
    const name = fresh();
    const [one, two] = await Promise.all([h.people(h.a, name), h.people(h.a, name)]);
    expect(one).toBe(two);
    await one.set('o1', person(1, { key: 'opened' }));
    expect(await two.get('o1')).toEqual(person(1, { key: 'opened' }));
    // One unique-key map: a double tap through the two names is still one record.
    expect(await two.insertDurably('o2', person(2, { key: 'opened' }))).toEqual({
      inserted: false,
      existing: 'o1',
    });
  });

  test('update with { durable: true } resolves once the change is on disk', async () => {
    const name = fresh();
    const c = await h.people(h.a, name);
    await c.set('d1', person(1));
    const stored = await c.update('d1', (r) => r && { ...r, n: 41 }, { durable: true });
    expect(stored?.n).toBe(41);
    // Read straight from the disk (nothing flushed): the change is there already.
    const disk = await h.onDisk(name, 'd1');
    if (kind === 'lowdb' || kind === 'PostgreSQL') expect(disk).toContain('"n":41');
    else expect(disk).toBeUndefined();
    expect((await (await h.people(h.b, name)).get('d1'))?.n).toBe(41);
    // Nothing changed: nothing to wait for, the record as it is.
    expect(await c.update('d1', () => undefined, { durable: true })).toEqual({ ...person(1), n: 41 });
    // A record made by a durable update is on disk too.
    await c.update('d2', () => person(2), { durable: true });
    if (kind === 'lowdb' || kind === 'PostgreSQL') expect(await h.onDisk(name, 'd2')).toBeDefined();
  });

  test('a unique key held by another record is refused by set, setDurably and update', async () => {
    const name = fresh();
    const c = await h.people(h.a, name);
    const other = await h.people(h.b, name);
    expect(await c.insertDurably('h1', person(1, { key: 'promised' }))).toEqual({ inserted: true });
    await c.set('h2', person(2));
    await expect(other.set('h2', person(2, { key: 'promised' }))).rejects.toBeInstanceOf(UniqueKeyTakenError);
    await expect(c.setDurably('h3', person(3, { key: 'promised' }))).rejects.toBeInstanceOf(
      UniqueKeyTakenError,
    );
    await expect(c.update('h2', (r) => r && { ...r, key: 'promised' })).rejects.toBeInstanceOf(
      UniqueKeyTakenError,
    );
    // Nothing moved: the key's holder is still the first, the others are as they were.
    expect(await c.get('h2')).toEqual(person(2));
    expect(await c.has('h3')).toBe(false);
    expect(await other.insertDurably('h4', person(4, { key: 'promised' }))).toEqual({
      inserted: false,
      existing: 'h1',
    });
    // The holder keeps its key through its own changes; once it gives the key up, it is free.
    await c.set('h1', person(1, { key: 'promised', n: 2 }));
    await c.update('h1', (r) => r && { ...r, key: 'given-up' });
    await other.set('h2', person(2, { key: 'promised' }));
    expect((await c.get('h2'))?.key).toBe('promised');
  });

  test('a second insert of a key is answered only once the holder is on disk', async () => {
    const name = fresh();
    const c = await h.people(h.a, name);
    const other = await h.people(h.b, name);
    const atRest = kind === 'lowdb' || kind === 'PostgreSQL';
    /** What the disk held of the holder when a second insert was answered "already there". */
    const seen: (string | undefined)[] = [];
    const insert = (col: Collection<Person>, id: string, key: string) =>
      col.insertDurably(id, person(Number(id.slice(1)), { key })).then(async (r) => {
        if (!r.inserted) seen.push(await h.onDisk(name, r.existing));
        return r;
      });
    const [first, second] = await Promise.all([insert(c, 'w1', 'wait'), insert(other, 'w2', 'wait')]);
    const winner = first.inserted ? 'w1' : 'w2';
    expect([first, second].filter((r) => r.inserted)).toHaveLength(1);
    expect(first.inserted ? second : first).toEqual({ inserted: false, existing: winner });
    if (atRest) expect(seen[0]).toBeDefined();
    // PostgreSQL shows a record only once committed; in one process a record is seen before it
    // is written, whether set by setDurably or by a durable update.
    if (kind === 'PostgreSQL') return;
    seen.length = 0;
    const [, bySet] = await Promise.all([
      c.setDurably('s1', person(1, { key: 'set-first' })),
      insert(c, 's2', 'set-first'),
    ]);
    expect(bySet).toEqual({ inserted: false, existing: 's1' });
    const updating = c.update('u1', () => person(1, { key: 'update-first' }), { durable: true });
    while (!(await c.has('u1'))) await new Promise((resolve) => setImmediate(resolve));
    const [, byUpdate] = await Promise.all([updating, insert(c, 'u2', 'update-first')]);
    expect(byUpdate).toEqual({ inserted: false, existing: 'u1' });
    if (atRest) expect(seen).toEqual([expect.any(String), expect.any(String)]);
  });

  test('a unique key stored in PostgreSQL is a keyed hash, never the key', async () => {
    const name = fresh();
    const c = await h.people(h.a, name);
    // An idempotency key is made of a name, a phone and an ID number.
    const key = `阿依古丽|13800001234|650102199001011234`;
    await c.insertDurably('k1', person(1, { key }));
    const column = await h.uniqueColumn(name, 'k1');
    if (kind !== 'PostgreSQL') {
      expect(column).toBeUndefined();
      return;
    }
    expect(column).toBeDefined();
    expect(column).not.toContain('13800001234');
    expect(column).not.toContain('650102199001011234');
    expect(column).not.toContain(key);
    expect(column).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // Still the unique key: the same key is found, through either instance.
    expect(await (await h.people(h.b, name)).insertDurably('k2', person(2, { key }))).toEqual({
      inserted: false,
      existing: 'k1',
    });
  });

  it.skipIf(kind !== 'lowdb')(
    'lowdb: a failed durable write is undone, for update and for a waiting insert',
    async () => {
      const name = fresh();
      const c = await h.people(h.a, name);
      await c.setDurably('f1', person(1));
      let restore = h.breakWrites!(name);
      await expect(c.update('f1', (r) => r && { ...r, n: 9 }, { durable: true })).rejects.toBeInstanceOf(
        StoreWriteError,
      );
      expect((await c.get('f1'))?.n).toBe(0);
      restore();
      // The holder's write fails: the second insert is not told of it, but tries itself.
      restore = h.breakWrites!(name);
      const [first, second] = await Promise.allSettled([
        c.insertDurably('f2', person(2, { key: 'fails' })),
        c.insertDurably('f3', person(3, { key: 'fails' })),
      ]);
      restore();
      expect(first.status).toBe('rejected');
      expect(second.status).toBe('rejected'); // it wrote too, on the same broken disk
      expect((second as PromiseRejectedResult).reason).toBeInstanceOf(StoreWriteError);
      expect(await c.has('f2')).toBe(false);
      expect(await c.has('f3')).toBe(false);
      expect(await c.insertDurably('f4', person(4, { key: 'fails' }))).toEqual({ inserted: true });
    },
  );

  test('personal fields are not readable at rest, but get returns them', async () => {
    const name = fresh();
    const c = await h.people(h.a, name);
    const p = person(42, { name: '阿依古丽 Айгүл' });
    await c.setDurably('secret', p);
    expect(await c.get('secret')).toEqual(p);
    const raw = await h.raw(name, 'secret');
    if (kind === 'memory' || kind === 'sharded on memory') {
      expect(raw).toBeUndefined();
      return;
    }
    expect(raw).toBeDefined();
    expect(raw).not.toContain('阿依古丽');
    expect(raw).not.toContain(p.phone);
    expect(raw).toContain('enc:v1:');
    expect(raw).toContain(p.township); // plain fields stay plain: queries need them
  });
});

describe.skipIf(!pgBinDir)('PostgreSQL only: schema versions, migrations, rows that do not fit', () => {
  let cluster: PgCluster;
  let keysDir: string;
  beforeAll(async () => {
    cluster = await sharedCluster();
    keysDir = mkdtempSync(join(tmpdir(), 'store-contract-keys-'));
  });
  afterAll(async () => {
    rmSync(keysDir, { recursive: true, force: true });
  });
  const query = async <R extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query<R>(sql, params)).rows;
    } finally {
      await client.end();
    }
  };

  it('applies each migration once when two instances open a new database at once', async () => {
    const url = await cluster.createDatabase('migrate_twice');
    const stores = await Promise.all(Array.from({ length: 4 }, () => openPgStore(url, { dataDir: keysDir })));
    const rows = await query<{ version: number }>(
      url,
      'SELECT version FROM schema_migrations ORDER BY version',
    );
    expect(rows.map((r) => r.version)).toEqual(Array.from({ length: codeSchemaVersion }, (_, i) => i + 1));
    await Promise.all(stores.map((s) => s.close()));
    // Opening again changes nothing.
    await (await openPgStore(url, { dataDir: keysDir })).close();
    expect(await query(url, 'SELECT version FROM schema_migrations')).toHaveLength(codeSchemaVersion);
  });

  it('refuses a database migrated by a newer release, naming both versions', async () => {
    const url = await cluster.createDatabase('too_new');
    await (await openPgStore(url, { dataDir: keysDir })).close();
    const newer = codeSchemaVersion + 3;
    await query(
      url,
      "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, 'future', CURRENT_TIMESTAMP)",
      [newer],
    );
    const opening = openPgStore(url, { dataDir: keysDir });
    await expect(opening).rejects.toThrow(StoreSchemaTooNewError);
    await expect(opening).rejects.toThrow(
      `schema is at version ${newer}, but this release of the assistant knows versions up to ${codeSchemaVersion}`,
    );
  });

  it('checks every row read against the schema and says which record is wrong', async () => {
    const url = await cluster.createDatabase('bad_rows');
    const store = await openPgStore(url, { dataDir: keysDir });
    try {
      const c = await plain(store, 'people');
      await c.set('ok', person(1));
      await query(url, "UPDATE records SET data = '{\"name\": 3}' WHERE id = 'ok'");
      await expect(c.get('ok')).rejects.toThrow(StoreFileError);
      await expect(c.get('ok')).rejects.toThrow('people/ok');
      await query(url, 'UPDATE records SET data = $1 WHERE id = $2', ['{"__proto__": {"x": 1}}', 'ok']);
      await expect(c.get('ok')).rejects.toThrow('__proto__');
      expect(store.health().ok).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('an inbox query and a hash search read indexes, never a whole collection (20,000 records)', async () => {
    const url = await cluster.createDatabase('plans');
    const store = await openPgStore(url, { dataDir: keysDir });
    try {
      const c = await plain(store, 'referrals');
      await c.set('known', person(7, { township: 'town7', status: 's1' }));
      // 20,000 more, written straight in (plain values read as they are, like data from before encryption).
      await query(
        url,
        `INSERT INTO records (collection, id, data, version, unique_key, updated_at, sort)
         SELECT 'referrals', 'r' || i, '{"name":"n' || i || '","phone":"p' || i || '","township":"town' || (i % 20) || '","status":"s' || (i % 3) || '","n":0}', 1, NULL, CURRENT_TIMESTAMP, 'r' || i
         FROM generate_series(1, 20000) AS i;
         INSERT INTO record_columns SELECT 'referrals', 'r' || i, 'township', 'town' || (i % 20), 'r' || i FROM generate_series(1, 20000) AS i;
         INSERT INTO record_columns SELECT 'referrals', 'r' || i, 'status', 's' || (i % 3), 'r' || i FROM generate_series(1, 20000) AS i;
         INSERT INTO record_hashes SELECT 'referrals', 'r' || i, 'phone', 'h' || i FROM generate_series(1, 20000) AS i;
         ANALYZE`,
      );
      // The SQL the store really sends, caught on its way to the pool, then explained.
      const sent: [string, unknown[]][] = [];
      const original = pg.Pool.prototype.query;
      pg.Pool.prototype.query = function (this: pg.Pool, ...args: unknown[]) {
        if (typeof args[0] === 'string') sent.push([args[0], (args[1] as unknown[]) ?? []]);
        return (original as (...a: unknown[]) => unknown).apply(this, args);
      } as typeof original;
      let inbox: Person[];
      let found: Person[];
      let page: Person[];
      let page2: Person[];
      let everyone: Person[];
      try {
        inbox = await c.find({ township: 'town7', status: 's1' });
        found = await c.findByHash('phone', c.index!.hash('phone', person(7).phone));
        // An inbox page, newest first, and the next one: read in order from the index, no sort.
        page = await c.find({ township: 'town7' }, { limit: 50, descending: true });
        page2 = await c.find({ township: 'town7' }, { limit: 50, descending: true, after: 'r19927' });
        everyone = await c.find({}, { limit: 50, descending: true });
      } finally {
        pg.Pool.prototype.query = original;
      }
      // Sort keys here are the ids ('r' || i), so descending is text order: r9987, r9967 ...
      const town7 = [...Array.from({ length: 1000 }, (_, k) => `r${20 * k + 7}`), 'known'].sort().reverse();
      expect(page.map((r) => r.name)).toEqual(
        town7.slice(0, 50).map((id) => (id === 'known' ? person(7).name : `n${id.slice(1)}`)),
      );
      expect(page2[0]?.name).toBe(`n${town7[town7.indexOf('r19927') + 1]!.slice(1)}`);
      expect(page2).toHaveLength(50);
      expect(everyone).toHaveLength(50);
      const expected = Array.from({ length: 20000 }, (_, i) => i + 1).filter(
        (i) => i % 20 === 7 && i % 3 === 1,
      );
      expect(inbox).toHaveLength(expected.length + 1);
      expect(found).toEqual([person(7, { township: 'town7', status: 's1' })]);
      expect(sent).toHaveLength(5);
      // Each seeks its own index (a scan of the primary key over the whole collection would be no better).
      const wanted = [
        'record_columns_find',
        'record_hashes_find',
        'record_columns_find',
        'record_columns_find',
        'records_sort',
      ];
      for (const [i, [sql, params]] of sent.entries()) {
        const plan = JSON.stringify(await query(url, `EXPLAIN (FORMAT JSON) ${sql}`, params));
        expect(plan, sql).not.toContain('Seq Scan');
        expect(plan, sql).toContain(`"Index Name":"${wanted[i]}"`);
        if (i < 2) continue;
        // A page is read from the index in order, backwards, and stops at the limit: no Sort
        // node, which would mean reading every row of the township first.
        expect(plan, sql).not.toContain('"Node Type":"Sort"');
        expect(plan, sql).toContain('"Scan Direction":"Backward"');
        expect(plan, sql).toContain('"Node Type":"Limit"');
      }
    } finally {
      await store.close();
    }
  });

  it('openStore picks PostgreSQL for a database URL and lowdb without one', async () => {
    const url = await cluster.createDatabase('picked');
    const onPg = await openStore({ dataDir: keysDir, databaseUrl: url });
    expect(onPg.kind).toBe('postgres');
    await onPg.close();
    const dir = mkdtempSync(join(tmpdir(), 'store-contract-file-'));
    const onFiles = await openStore({ dataDir: dir });
    expect(onFiles.kind).toBe('lowdb');
    await onFiles.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('an instance with another data key cannot read personal fields, and says so', async () => {
    const url = await cluster.createDatabase('other_key');
    const store = await openPgStore(url, { dataDir: keysDir });
    const otherDir = mkdtempSync(join(tmpdir(), 'store-contract-other-key-'));
    const stranger = await openPgStore(url, { dataDir: otherDir });
    try {
      await (await plain(store, 'people')).setDurably('p', person(1));
      await expect((await plain(stranger, 'people')).get('p')).rejects.toThrow(DataKeyError);
    } finally {
      await Promise.all([store.close(), stranger.close()]);
      rmSync(otherDir, { recursive: true, force: true });
    }
  });

  it('a lost database shows in health and fails writes with StoreWriteError', async () => {
    const url = await cluster.createDatabase('lost');
    const store = await openPgStore(url, { dataDir: keysDir });
    const c = await plain(store, 'people');
    await c.set('a', person(1));
    // The database goes away under the pool (its connections cut, then renamed away).
    await query(
      cluster.url('postgres'),
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'lost' AND pid <> pg_backend_pid()",
    );
    await query(cluster.url('postgres'), 'ALTER DATABASE lost RENAME TO lost_away');
    await expect(c.setDurably('b', person(2))).rejects.toThrow('could not write the people store');
    expect(store.health().ok).toBe(false);
    await query(cluster.url('postgres'), 'ALTER DATABASE lost_away RENAME TO lost');
    await c.setDurably('b', person(2));
    expect(store.health()).toEqual({ ok: true });
    await store.close();
  });
});
