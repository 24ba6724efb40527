/**
 * A throw-away PostgreSQL cluster for tests: Debian's server binaries (never a downloaded
 * server), initdb in a temp directory, trust auth on 127.0.0.1 and a free port, fsync off
 * (a test database need not survive a power cut). Each test file starts one in beforeAll
 * (initdb and start take about two seconds) and makes a database per suite with
 * `createDatabase`; `stop` shuts it down fast and removes the directory.
 *
 * PostgreSQL refuses to run as root, so as root the directory is given to the `postgres` user
 * and the binaries run through `runuser -u postgres --`; otherwise they run as the caller.
 *
 * The binaries are found at PG_BINDIR or /usr/lib/postgresql/<newest>/bin. Without them the
 * PostgreSQL tests are skipped with a message; with CI=true or REQUIRE_POSTGRES=1 (set by
 * .ci/run) a missing server fails the run instead, so CI can never pass by skipping them.
 */
import { execFile, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

function findBinDir(): string | undefined {
  if (process.env.PG_BINDIR)
    return existsSync(join(process.env.PG_BINDIR, 'initdb')) ? process.env.PG_BINDIR : undefined;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : undefined;
}

export const pgBinDir = findBinDir();

if (!pgBinDir) {
  const message =
    'PostgreSQL tests: no server binaries at PG_BINDIR or /usr/lib/postgresql/*/bin (apt-get install postgresql, or set PG_BINDIR)';
  if (process.env.REQUIRE_POSTGRES === '1' || process.env.CI === 'true')
    throw new Error(`${message}; CI / REQUIRE_POSTGRES=1 makes this a failure`);
  process.stderr.write(`SKIPPED ${message}\n`);
}

const asRoot = process.getuid?.() === 0;

/** Runs a server binary, as `postgres` when we are root. */
function pgCommand(bin: string, args: string[]): [string, string[]] {
  const path = join(pgBinDir!, bin);
  return asRoot ? ['runuser', ['-u', 'postgres', '--', path, ...args]] : [path, args];
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface PgCluster {
  readonly port: number;
  /** The temp directory holding the cluster (gone after `stop`). */
  readonly dir: string;
  /** How long initdb and start took, ms. */
  readonly startMs: number;
  /** The URL of a database of the cluster. */
  url(database: string): string;
  /** A new empty database; its URL. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

export async function startPgCluster(): Promise<PgCluster> {
  if (!pgBinDir) throw new Error('no PostgreSQL binaries (see pgBinDir)');
  const started = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'pg-test-'));
  if (asRoot) {
    const { uid, gid } = postgresUser();
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  const log = join(dir, 'server.log');
  const port = await freePort();
  const exec = (bin: string, args: string[]) => {
    const [file, argv] = pgCommand(bin, args);
    return run(file, argv, { cwd: dir });
  };
  let stopped = false;
  const stopNow = () => {
    if (stopped) return;
    stopped = true;
    const [file, argv] = pgCommand('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']);
    spawnSync(file, argv, { cwd: dir, stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  };
  // A test process that dies (or is interrupted) must not leave a server running.
  process.once('exit', stopNow);
  try {
    await exec('initdb', [
      '-D',
      data,
      '--auth=trust',
      '-U',
      'postgres',
      '-E',
      'UTF8',
      '--locale=C',
      '--no-sync',
    ]);
    const options = [
      '-c listen_addresses=127.0.0.1',
      `-c port=${port}`,
      `-c unix_socket_directories=${dir}`,
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
      '-c max_connections=200',
    ].join(' ');
    await exec('pg_ctl', ['-D', data, '-l', log, '-o', options, '-w', '-t', '60', 'start']);
  } catch (e) {
    const tail = existsSync(log) ? readFileSync(log, 'utf8').slice(-2000) : '';
    stopNow();
    throw new Error(`could not start a PostgreSQL test cluster: ${(e as Error).message}\n${tail}`);
  }
  const startMs = Math.round(performance.now() - started);
  const url = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
  return {
    port,
    dir,
    startMs,
    url,
    async createDatabase(name) {
      if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`not a plain database name: ${name}`);
      const client = new pg.Client({ connectionString: url('postgres') });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return url(name);
    },
    async stop() {
      if (stopped) return;
      process.off('exit', stopNow);
      try {
        await exec('pg_ctl', ['-D', data, '-m', 'fast', 'stop']);
      } finally {
        stopped = true;
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

function postgresUser(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  if (!line)
    throw new Error(
      'running as root needs a postgres user to run the server as (apt-get install postgresql)',
    );
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}
