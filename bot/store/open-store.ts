/**
 * The store the configuration asks for: PostgreSQL when a database URL is given (several
 * instances on one database), else the lowdb files in the data directory (one process).
 * The data directory serves both: PostgreSQL keeps its data key file there when DATA_KEY is unset.
 */
import { type Store, openFileStore } from './collection-store.ts';
import type { EnvKeys } from './data-keys.ts';
import { openPgStore } from './pg/pg-store.ts';

export interface OpenStoreOptions {
  dataDir: string;
  /** postgres://… (DATABASE_URL); without it, lowdb. */
  databaseUrl?: string;
  keys?: EnvKeys;
  /** lowdb: delay before a coalesced write, ms. */
  coalesceMs?: number;
}

export function openStore(options: OpenStoreOptions): Promise<Store> {
  const { dataDir, databaseUrl, keys, coalesceMs } = options;
  if (databaseUrl) return openPgStore(databaseUrl, { dataDir, ...(keys ? { keys } : {}) });
  return openFileStore(dataDir, {
    ...(keys ? { keys } : {}),
    ...(coalesceMs !== undefined ? { coalesceMs } : {}),
  });
}
