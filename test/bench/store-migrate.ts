/**
 * `store migrate` timed on a county of BENCH_MIGRATE_REFERRALS referrals (default 50,000):
 * a lowdb data directory seeded through the store (regionReferral, as the store bench), then
 * copied into a fresh database of a throw-away cluster three ways: record by record, as the
 * migration did before it was batched (one transaction per record; the loop is kept here as
 * the baseline), batched (`migrateStore` as the admin command runs it), and batched again on
 * the same database (a re-run: every record already there). Each includes the verification
 * (both sides read back, counted and hashed). Run: npx tsx test/bench/store-migrate.ts
 * (BENCH_MIGRATE_BASELINE=0 leaves out the record-by-record baseline).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openReferrals } from '../../bot/referral/dialog-storage.ts';
import { openFileStore } from '../../bot/store/collection-store.ts';
import { openStore } from '../../bot/store/open-store.ts';
import { compareCollection, migrateStore } from '../../server/store-migrate.ts';
import { openEveryCollection } from '../../server/stored-collections.ts';
import { startPgCluster } from '../helpers/pg-cluster.ts';
import { regionReferral } from './store.ts';

const n = Number(process.env.BENCH_MIGRATE_REFERRALS ?? 50_000);
const seconds = (since: number) => Math.round((performance.now() - since) / 100) / 10;

/** The migration before batching: every record its own transaction, then the same verification. */
async function oneByOne(dataDir: string, url: string) {
  const from = await openStore({ dataDir });
  const to = await openStore({ dataDir, databaseUrl: url });
  try {
    const source = await openEveryCollection(from);
    const target = await openEveryCollection(to);
    const checks = [];
    for (const [name, src] of source) {
      const dst = target.get(name)!;
      for await (const [id, r] of src.entries()) await dst.setDurably(id, r);
      checks.push(await compareCollection(name, src, dst));
    }
    return checks;
  } finally {
    await to.close();
    await from.close();
  }
}

const dataDir = mkdtempSync(join(tmpdir(), 'bench-migrate-'));
const cluster = await startPgCluster();
try {
  let t = performance.now();
  const seed = await openFileStore(dataDir, { coalesceMs: 3_600_000 });
  const referrals = await openReferrals(seed);
  for (let i = 0; i < n; i++) {
    const r = regionReferral(i);
    await referrals.set(r.reference, r);
  }
  await seed.close();
  process.stdout.write(`${JSON.stringify({ referrals: n, seedSeconds: seconds(t) })}\n`);

  const runs: [string, (url: string) => Promise<{ ok: boolean }[]>, string][] = [
    ['one transaction per record (before)', (url) => oneByOne(dataDir, url), 'one_by_one'],
    ['batched, 500 a transaction (after)', (url) => migrateStore({ dataDir, databaseUrl: url }), 'batched'],
  ];
  // BENCH_MIGRATE_BASELINE=0: the batched copy only (the baseline takes minutes at 50,000).
  if (process.env.BENCH_MIGRATE_BASELINE === '0') runs.shift();
  for (const [label, run, db] of runs) {
    const url = await cluster.createDatabase(db);
    t = performance.now();
    const checks = await run(url);
    const first = seconds(t);
    if (checks.some((c) => !c.ok)) throw new Error(`bench: ${label} did not verify`);
    t = performance.now();
    const again = await migrateStore({ dataDir, databaseUrl: url });
    if (again.some((c) => !c.ok)) throw new Error(`bench: the re-run after ${label} did not verify`);
    process.stdout.write(
      `${JSON.stringify({ migration: label, referrals: n, seconds: first, batchedRerunSeconds: seconds(t) })}\n`,
    );
  }
} finally {
  await cluster.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
