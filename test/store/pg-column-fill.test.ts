/**
 * A column declared after records were stored (a new inbox filter) is filled for those records
 * on PostgreSQL when the collection is opened, once: counts and pages by it then see every
 * record, old and new. A database from before the column registry (schema version 2) keeps the
 * columns it already had without refilling them. lowdb and the memory store compute columns
 * when asked (nothing stored to fill).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { CollectionOptions } from '../../bot/store/collection-store.ts';
import { migrate } from '../../bot/store/pg/migrate.ts';
import { migrations } from '../../bot/store/pg/migrations.ts';
import type { PgCollection } from '../../bot/store/pg/pg-collection.ts';
import { openPgStore } from '../../bot/store/pg/pg-store.ts';
import { type PgCluster, pgBinDir, startPgCluster } from '../helpers/pg-cluster.ts';

const thing = z.object({ id: z.string(), colour: z.string(), size: z.string(), at: z.string() });
type Thing = z.infer<typeof thing>;
// More than a page of the fill (2,000 records), so it pages on from where each page ended.
const things = Array.from({ length: 4_234 }, (_, i) => ({
  id: `t${String(i).padStart(5, '0')}`,
  colour: ['red', 'green', 'blue'][i % 3]!,
  size: ['s', 'm'][i % 2]!,
  at: String(10_000 - i),
}));
const withColour: CollectionOptions<Thing> = { columns: { colour: (t) => t.colour }, sortKey: (t) => t.at };
const withSize: CollectionOptions<Thing> = {
  columns: { ...withColour.columns, size: (t) => t.size, colourSize: (t) => `${t.colour} ${t.size}` },
  sortKey: (t) => t.at,
};

async function rowsOf(url: string, sql: string, params: unknown[] = []) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows;
  } finally {
    await client.end();
  }
}

describe.skipIf(!pgBinDir)('PostgreSQL fills a column declared after records were stored', () => {
  let cluster: PgCluster;
  const dirs: string[] = [];
  const keysDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'pg-column-fill-'));
    dirs.push(d);
    return d;
  };
  beforeAll(async () => {
    cluster = await startPgCluster();
  });
  afterAll(async () => {
    await cluster?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('fills the new columns once, so counts and pages by them see the records stored before', async () => {
    const url = await cluster.createDatabase('column_fill');
    const dir = keysDir();
    const before = await openPgStore(url, { dataDir: dir });
    const old = await before.collection('things', thing, withColour);
    const stored = things.slice(0, 4_200);
    for (let i = 0; i < stored.length; i += 500)
      await (old as PgCollection<Thing>).setManyDurably(
        stored.slice(i, i + 500).map((t) => [t.id, t] as const),
      );
    await before.close();

    const after = await openPgStore(url, { dataDir: dir });
    const c = await after.collection('things', thing, withSize);
    for (const t of things.slice(4_200)) await c.set(t.id, t);
    const expected = (p: (t: Thing) => boolean) => things.filter(p).length;
    expect(await c.count({ size: 'm' })).toBe(expected((t) => t.size === 'm'));
    expect(await c.count({ colourSize: 'red s' })).toBe(
      expected((t) => t.colour === 'red' && t.size === 's'),
    );
    expect(await c.count({ colour: 'blue', size: 's' })).toBe(
      expected((t) => t.colour === 'blue' && t.size === 's'),
    );
    // In sort order from the filled rows (their sort key written with them).
    const page = await c.find({ colourSize: 'green m' }, { limit: 5, descending: true });
    expect(page.map((t) => t.id)).toEqual(
      things
        .filter((t) => t.colour === 'green' && t.size === 'm')
        .sort((a, b) => Number(b.at) - Number(a.at))
        .slice(0, 5)
        .map((t) => t.id),
    );
    await after.close();

    // Once: a third opening has nothing to fill (the rows written since are not rewritten).
    const registered = await rowsOf(
      url,
      "SELECT name FROM record_column_names WHERE collection = 'things' ORDER BY name",
    );
    expect(registered.map((r) => r.name)).toEqual(['colour', 'colourSize', 'size']);
    const third = await openPgStore(url, { dataDir: dir });
    const again = await third.collection('things', thing, withSize);
    expect(await (again as unknown as { fillColumns(): Promise<string[]> }).fillColumns()).toEqual([]);
    expect(await again.count({ size: 's' })).toBe(expected((t) => t.size === 's'));
    await third.close();
  });

  it('a database from before the registry (schema version 2, the audit log) keeps its columns as filled; only a new one is filled', async () => {
    const url = await cluster.createDatabase('column_fill_v2');
    // Version 2 (the release before the registry), with rows written as that release wrote them
    // (the colour column, no registry).
    const pool = new pg.Pool({ connectionString: url });
    await migrate(pool, migrations.slice(0, 2));
    await pool.query(
      "INSERT INTO records (collection, id, data, version, updated_at, sort) VALUES ('things', 'a1', $1, 1, CURRENT_TIMESTAMP, '1')",
      [JSON.stringify({ id: 'a1', colour: 'red', size: 's', at: '1' })],
    );
    await pool.query(
      "INSERT INTO record_columns (collection, id, name, value, sort) VALUES ('things', 'a1', 'colour', 'red', '1')",
    );
    await pool.end();
    const store = await openPgStore(url, { dataDir: keysDir() });
    const c = await store.collection('things', thing, withSize);
    expect(await c.count({ colour: 'red' })).toBe(1);
    expect(await c.count({ size: 's' })).toBe(1);
    const rows = await rowsOf(url, "SELECT name, value FROM record_columns WHERE id = 'a1' ORDER BY name");
    expect(rows).toEqual([
      { name: 'colour', value: 'red' },
      { name: 'colourSize', value: 'red s' },
      { name: 'size', value: 's' },
    ]);
    await store.close();
  });
});
