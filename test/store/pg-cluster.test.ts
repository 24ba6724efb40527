/** The throw-away cluster itself: it starts, serves two databases apart, and leaves nothing behind. */
import { existsSync } from 'node:fs';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { pgBinDir, startPgCluster } from '../helpers/pg-cluster.ts';

describe.skipIf(!pgBinDir)('a throw-away PostgreSQL cluster', () => {
  it('starts, makes databases, and stops without a trace', async () => {
    const cluster = await startPgCluster();
    process.stdout.write(`PostgreSQL test cluster up in ${cluster.startMs} ms on port ${cluster.port}\n`);
    const a = await cluster.createDatabase('cluster_a');
    await cluster.createDatabase('cluster_b');
    const client = new pg.Client({ connectionString: a });
    await client.connect();
    const { rows } = await client.query<{ db: string; fsync: string }>(
      "SELECT current_database() AS db, current_setting('fsync') AS fsync",
    );
    await client.end();
    expect(rows[0]).toEqual({ db: 'cluster_a', fsync: 'off' });
    expect(existsSync(cluster.dir)).toBe(true);
    await cluster.stop();
    expect(existsSync(cluster.dir)).toBe(false);
    await expect(new pg.Client({ connectionString: a }).connect()).rejects.toThrow();
  });
});
