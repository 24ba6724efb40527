/**
 * The counts PostgreSQL keeps for counted columns (bot/store/pg/column-counts.ts) stay exactly
 * what counting the records gives: two instances (two pools) inserting, changing, deleting and
 * batch-writing records at once, values first seen by both at the same moment (the row a
 * count lives in made by two transactions at once), and a column declared counted after
 * records were stored (counted at the opening, once). A count of one counted column reads the
 * kept row (record_counts), so a wrong change would show here as a count that differs.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { CollectionOptions, Store } from '../../bot/store/collection-store.ts';
import { openPgStore } from '../../bot/store/pg/pg-store.ts';
import type { PgCollection } from '../../bot/store/pg/pg-collection.ts';
import { type PgCluster, pgBinDir, startPgCluster } from '../helpers/pg-cluster.ts';
import { keptAndRealCounts } from '../helpers/pg-counts.ts';

const thing = z.object({ id: z.string(), town: z.string(), status: z.string(), key: z.string().optional() });
type Thing = z.infer<typeof thing>;
const columns: CollectionOptions<Thing>['columns'] = {
  town: (t) => t.town,
  status: (t) => t.status,
  townStatus: (t) => `${t.town} ${t.status}`,
};
const counting: CollectionOptions<Thing> = {
  columns,
  counted: ['town', 'townStatus'],
  unique: (t) => t.key,
};
const towns = ['a', 'b', 'c', 'd', 'e'];
const statuses = ['new', 'open', 'closed'];

describe.skipIf(!pgBinDir)('PostgreSQL keeps the counts of counted columns', () => {
  let cluster: PgCluster;
  const dirs: string[] = [];
  const stores: Store[] = [];
  const keysDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'pg-counts-'));
    dirs.push(d);
    return d;
  };
  const open = async (url: string, dir: string, options: CollectionOptions<Thing>) => {
    const store = await openPgStore(url, { dataDir: dir, poolSize: 8 });
    stores.push(store);
    return { store, things: await store.collection('things', thing, options) };
  };
  beforeAll(async () => {
    cluster = await startPgCluster();
  }, 120_000);
  afterAll(async () => {
    for (const s of stores) await s.close().catch(() => {});
    await cluster?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('stay equal to a real count while two instances insert, change, delete and batch-write at once', async () => {
    const url = await cluster.createDatabase('counts_two_pools');
    const dir = keysDir();
    const one = await open(url, dir, counting);
    const two = await open(url, dir, counting);
    const pick = <V>(list: readonly V[], i: number) => list[i % list.length]!;
    const make = (i: number): Thing => ({ id: `t${i}`, town: pick(towns, i), status: 'new' });
    // Each instance does its share of every kind of write, on the same records, all at once:
    // the first writes of each value (its count row made by both) and changes crossing them.
    const work = (mine: typeof one.things, side: number) =>
      Array.from({ length: 120 }, async (_, j) => {
        const i = j * 2 + side;
        await mine.set(`t${i}`, make(i));
        await mine.update(`t${(i * 7) % 240}`, (t) => t && { ...t, status: pick(statuses, i) });
        await mine.insertDurably(`k${i}`, { ...make(i), id: `k${i}`, key: `twice-${i % 60}` });
        if (i % 5 === 0) await mine.delete(`t${(i * 3) % 240}`);
        if (i % 4 === 0) {
          const batch = [i, i + 1, 300 + i].map(
            (n) => [`t${n}`, { ...make(n), town: pick(towns, n + 1) }] as const,
          );
          await (mine as PgCollection<Thing>).setManyDurably(batch);
        }
        await mine.setDurably(`t${(i * 11) % 240}`, { ...make(i), status: 'closed' });
      });
    await Promise.all([...work(one.things, 0), ...work(two.things, 1)]);

    const pool = one.store.pool!;
    const { real, kept } = await keptAndRealCounts(pool, 'things');
    expect(Object.keys(real).length).toBeGreaterThan(10);
    expect(kept).toEqual(real);
    // And what count() answers (the kept row) is what counting the records gives.
    const all: Thing[] = [];
    for await (const t of one.things.values()) all.push(t);
    for (const town of towns) {
      expect(await two.things.count({ town })).toBe(all.filter((t) => t.town === town).length);
      for (const status of statuses)
        expect(await one.things.count({ townStatus: `${town} ${status}` })).toBe(
          all.filter((t) => t.town === town && t.status === status).length,
        );
    }
    // Two columns, or one not counted: counted from the rows, as ever.
    expect(await one.things.count({ town: 'a', status: 'new' })).toBe(
      all.filter((t) => t.town === 'a' && t.status === 'new').length,
    );
    expect(await one.things.count({ status: 'closed' })).toBe(
      all.filter((t) => t.status === 'closed').length,
    );
  }, 120_000);

  it('counts a column first declared counted from the records stored before, once, and forgets one no longer counted', async () => {
    const url = await cluster.createDatabase('counts_fill');
    const dir = keysDir();
    const before = await open(url, dir, { columns });
    for (let i = 0; i < 500; i++)
      await before.things.set(`t${i}`, { id: `t${i}`, town: towns[i % 5]!, status: statuses[i % 3]! });
    await before.store.close();

    const after = await open(url, dir, counting);
    expect(await after.things.count({ town: 'b' })).toBe(100);
    expect(await after.things.count({ townStatus: 'c new' })).toBe(
      Array.from({ length: 500 }, (_, i) => i).filter((i) => i % 5 === 2 && i % 3 === 0).length,
    );
    await after.things.delete('t1');
    expect(await after.things.count({ town: 'b' })).toBe(99);
    expect(await (after.things as PgCollection<Thing>).fillCounts()).toEqual([]);
    const { real, kept } = await keptAndRealCounts(after.store.pool!, 'things');
    expect(kept).toEqual(real);

    // No longer counted: forgotten (nobody keeps it); counted again later: counted afresh. An
    // instance still running with it counted counts the rows meanwhile, never a stale row.
    const without = await open(url, dir, { columns, counted: ['townStatus'] });
    await without.things.delete('t6');
    const names = await without.store.pool!.query(
      "SELECT DISTINCT name FROM record_counts WHERE collection = 'things' ORDER BY name",
    );
    expect(names.rows.map((r) => r.name)).toEqual(['townStatus']);
    await after.things.delete('t11');
    expect(await after.things.count({ town: 'b' })).toBe(97);
    await without.store.close();
    await after.store.close();
    const again = await open(url, dir, counting);
    expect(await again.things.count({ town: 'b' })).toBe(97);
    expect((await keptAndRealCounts(again.store.pool!, 'things')).kept['town=b']).toBe(97);
  }, 120_000);

  it('are counted again from the records by `npm run admin -- store recount` when they went wrong', async () => {
    const url = await cluster.createDatabase('counts_recount');
    const dir = keysDir();
    const one = await open(url, dir, counting);
    for (let i = 0; i < 60; i++)
      await one.things.set(`t${i}`, { id: `t${i}`, town: towns[i % 5]!, status: statuses[i % 3]! });
    const pool = one.store.pool!;
    // As a release before the kept counts would leave them: writes that never changed them.
    await pool.query("UPDATE record_counts SET n = n + 7 WHERE collection = 'things' AND name = 'town'");
    await pool.query(
      "DELETE FROM record_counts WHERE collection = 'things' AND name = 'townStatus' AND value = 'a new'",
    );
    expect(await one.things.count({ town: 'b' })).toBe(19);
    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', 'server/admin-cli.ts', 'store', 'recount'],
      {
        env: { ...process.env, DATABASE_URL: url, NODE_ENV: 'production' },
      },
    ).toString();
    expect(out).toContain('things.town');
    expect(await one.things.count({ town: 'b' })).toBe(12);
    const { real, kept } = await keptAndRealCounts(pool, 'things');
    expect(kept).toEqual(real);
    expect(kept['townStatus=a new']).toBe(4);
    await one.store.close();
  }, 120_000);
});
