/**
 * The fill of columns declared after records were stored, and of counts first declared
 * (pg-collection.ts fillColumns, column-counts.ts fillCounts), on n stored referrals: what the
 * first start of a release adding the inbox's combined columns pays once on an existing
 * PostgreSQL database, writes waiting meanwhile.
 *   BENCH_FILL_REFERRALS=200000 npm run bench -- column-fill
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openReferrals } from '../../bot/referral/dialog-storage.ts';
import { openPgStore } from '../../bot/store/pg/pg-store.ts';
import { startPgCluster } from '../helpers/pg-cluster.ts';
import { seedPg } from './store.ts';

/** The columns a release before them did not have (referral-record.ts inboxScope). */
const combined = ['countyList', 'countyStatus', 'townshipList', 'townshipStatus'];

export async function benchColumnFill(n: number) {
  const cluster = await startPgCluster();
  const keysDir = mkdtempSync(join(tmpdir(), 'bench-fill-keys-'));
  try {
    const url = await cluster.createDatabase(`bench_fill_${n}`);
    await (await openPgStore(url, { dataDir: keysDir })).close(); // migrates the empty database
    await seedPg(url, keysDir, n);
    const store = await openPgStore(url, { dataDir: keysDir });
    const pool = store.pool!;
    // As a database of the release before the combined columns: no rows of them, not registered.
    await pool.query("DELETE FROM record_columns WHERE collection = 'referrals' AND name = ANY($1)", [
      combined,
    ]);
    await pool.query("DELETE FROM record_column_names WHERE collection = 'referrals' AND name = ANY($1)", [
      combined,
    ]);
    await pool.query("DELETE FROM record_counted_names WHERE collection = 'referrals'");
    await pool.query('VACUUM ANALYZE');
    let t = performance.now();
    await openReferrals(store); // fills the four columns, then counts them
    const openSeconds = (performance.now() - t) / 1000;
    await store.close();
    // The counts alone: forgotten, then counted again at the next opening.
    const again = await openPgStore(url, { dataDir: keysDir });
    await again.pool!.query("DELETE FROM record_counted_names WHERE collection = 'referrals'");
    t = performance.now();
    await openReferrals(again);
    const countSeconds = (performance.now() - t) / 1000;
    await again.close();
    const round = (s: number) => Math.round(s * 10) / 10;
    return {
      referrals: n,
      columnsFilled: combined.length,
      fillColumnsSeconds: round(openSeconds - countSeconds),
      fillCountsSeconds: round(countSeconds),
      openingSeconds: round(openSeconds),
    };
  } finally {
    await cluster.stop();
    rmSync(keysDir, { recursive: true, force: true });
  }
}
