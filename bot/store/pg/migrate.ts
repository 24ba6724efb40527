/**
 * Brings a database's schema up to this release at start-up, in one transaction under an
 * advisory lock: two instances starting at once apply each step once (the second waits, then
 * finds nothing left to do). A database migrated by a newer release is refused, never written.
 */
import type pg from 'pg';
import { StoreSchemaTooNewError } from '../store-errors.ts';
import { codeSchemaVersion, type Migration, migrations } from './migrations.ts';
import { lockKey } from './lock-key.ts';
import { inTransaction } from './transaction.ts';

export async function migrate(pool: pg.Pool, steps: readonly Migration[] = migrations): Promise<number> {
  return inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [
      lockKey('assist-screen schema migrations'),
    ]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name varchar(200) NOT NULL, applied_at timestamp with time zone NOT NULL)',
    );
    const { rows } = await client.query<{ v: number | null }>(
      'SELECT max(version) AS v FROM schema_migrations',
    );
    const current = rows[0]?.v ?? 0;
    const known = steps === migrations ? codeSchemaVersion : Math.max(0, ...steps.map((s) => s.version));
    if (current > known) throw new StoreSchemaTooNewError(current, known);
    for (const step of [...steps].sort((a, b) => a.version - b.version)) {
      if (step.version <= current) continue;
      await client.query(step.sql);
      await client.query(
        'INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, CURRENT_TIMESTAMP)',
        [step.version, step.name],
      );
    }
    return known;
  });
}
