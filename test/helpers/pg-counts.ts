/**
 * The counts PostgreSQL keeps for a collection's counted columns (record_counts,
 * bot/store/pg/column-counts.ts) beside what counting its column rows gives, per column and
 * value ("name=value"), for a test to compare after the writes it checks.
 */
import type pg from 'pg';

type Queryable = Pick<pg.Pool | pg.Client, 'query'>;

export async function keptAndRealCounts(db: Queryable, collection: string) {
  const real = await db.query<{ name: string; value: string; n: string }>(
    `SELECT c.name, c.value, count(*) AS n FROM record_columns c
     JOIN record_counted_names k ON k.collection = c.collection AND k.name = c.name
     WHERE c.collection = $1 GROUP BY c.name, c.value`,
    [collection],
  );
  const kept = await db.query<{ name: string; value: string; n: string }>(
    'SELECT name, value, n FROM record_counts WHERE collection = $1 AND n <> 0',
    [collection],
  );
  const asMap = (rows: { name: string; value: string; n: string }[]) =>
    Object.fromEntries(rows.map((r): [string, number] => [`${r.name}=${r.value}`, Number(r.n)]).sort());
  return { real: asMap(real.rows), kept: asMap(kept.rows) };
}
