/**
 * One transaction on one pooled connection, and the one every record write waits for. Shared by
 * the column fill, the kept counts, the schema migrations and the audit log, so each says only
 * what it does inside. A collection's own write keeps its BEGIN/COMMIT: it also reports a failed
 * connection to the store's health and turns database errors into store errors.
 */
import type pg from 'pg';

/** `run` in one transaction on one connection: committed if it returns, rolled back if it throws. */
export async function inTransaction<T>(
  pool: pg.Pool,
  run: (c: pg.PoolClient) => Promise<T>,
  begin = 'BEGIN',
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query(begin);
    const result = await run(client);
    await client.query('COMMIT');
    return result;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    throw e;
  } finally {
    client.release();
  }
}

/**
 * `run` in a transaction that holds the lock every record write conflicts with: writes (of any
 * instance) wait until it commits, reads go on, and a second instance doing the same work waits,
 * then finds it done. For work that reads what writes change and must not miss one: filling
 * column rows, counting them.
 */
export const withWritesLockedOut = <T>(pool: pg.Pool, run: (c: pg.PoolClient) => Promise<T>) =>
  inTransaction(pool, async (c) => {
    await c.query('LOCK TABLE records IN SHARE ROW EXCLUSIVE MODE');
    return run(c);
  });
