/**
 * Two PostgreSQL stores on one throw-away database, sharing their data key: two server
 * instances as the store sees them (two pools), for unit tests of what instances must share.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Store } from '../../bot/store/collection-store.ts';
import { openPgStore } from '../../bot/store/pg/pg-store.ts';
import { type PgCluster, startPgCluster } from './pg-cluster.ts';

export interface StorePair {
  a: Store;
  b: Store;
  close(): Promise<void>;
}

let cluster: PgCluster | undefined;
let databases = 0;

/** A new database on this file's cluster (started at the first call). */
export async function pgStorePair(): Promise<StorePair> {
  cluster ??= await startPgCluster();
  const url = await cluster.createDatabase(`pair_${++databases}`);
  const dir = mkdtempSync(join(tmpdir(), 'pg-pair-keys-'));
  const a = await openPgStore(url, { dataDir: dir });
  const b = await openPgStore(url, { dataDir: dir });
  return {
    a,
    b,
    async close() {
      await Promise.all([a.close(), b.close()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Stops the cluster (afterAll). */
export async function stopPgStorePairs() {
  await cluster?.stop();
  cluster = undefined;
}
