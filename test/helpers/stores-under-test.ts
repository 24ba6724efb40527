/**
 * The stores a reliability test runs against, for `describe.each`: lowdb in a data directory,
 * and PostgreSQL (a throw-away cluster, see pg-cluster.ts; skipped without its binaries unless
 * CI / REQUIRE_POSTGRES=1 makes that a failure). One test body, both stores: the same
 * assertions hold whichever store the server was configured with.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addCaseworker } from './admin-cli.ts';
import { pgBinDir, startPgCluster } from './pg-cluster.ts';
import { referralsInStore, storedReferrals } from './stored-referrals.ts';

export interface StoreRun {
  dataDir: string;
  /** What the server (and the admin CLI) is started with to use this store. */
  env: Record<string, string>;
  /** The referrals stored, decrypted (lowdb: read from the files, which must parse). */
  referrals(): Promise<Record<string, Record<string, unknown>>>;
  /** A caseworker made with the admin CLI on this store; the one-time password. */
  addCaseworker(username: string): string;
  /** Removes the data directory (and stops the cluster). */
  close(): Promise<void>;
}

export interface StoreUnderTest {
  name: 'lowdb' | 'PostgreSQL';
  /** No PostgreSQL binaries here (pg-cluster.ts has said so, or failed the run in CI). */
  skip: boolean;
  /** lowdb allows one process on a data directory; PostgreSQL several instances on a database. */
  oneProcess: boolean;
  open(label: string): Promise<StoreRun>;
}

const lowdb: StoreUnderTest = {
  name: 'lowdb',
  skip: false,
  oneProcess: true,
  async open(label) {
    const dataDir = mkdtempSync(join(tmpdir(), `${label}-lowdb-`));
    return {
      dataDir,
      env: { DATA_DIR: dataDir },
      referrals: async () => storedReferrals(dataDir),
      addCaseworker: (username) => addCaseworker(dataDir, username),
      close: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
  },
};

const postgres: StoreUnderTest = {
  name: 'PostgreSQL',
  skip: !pgBinDir,
  oneProcess: false,
  async open(label) {
    const cluster = await startPgCluster();
    const databaseUrl = await cluster.createDatabase(label.replaceAll('-', '_'));
    // The data directory still holds the data key file (DATA_KEY unset), as on a server.
    const dataDir = mkdtempSync(join(tmpdir(), `${label}-pg-`));
    return {
      dataDir,
      env: { DATA_DIR: dataDir, DATABASE_URL: databaseUrl },
      referrals: () => referralsInStore({ dataDir, databaseUrl }),
      addCaseworker: (username) => withDatabaseUrl(databaseUrl, () => addCaseworker(dataDir, username)),
      async close() {
        await cluster.stop();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  },
};

export const storesUnderTest: StoreUnderTest[] = [lowdb, postgres];

/** The admin CLI inherits this process's environment: DATABASE_URL points it at the database. */
function withDatabaseUrl<T>(databaseUrl: string, run: () => T): T {
  const before = process.env.DATABASE_URL;
  process.env.DATABASE_URL = databaseUrl;
  try {
    return run();
  } finally {
    if (before === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = before;
  }
}
