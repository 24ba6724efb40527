/**
 * PgCollection.setManyDurably (the store migration's batches) on a real cluster: a batch
 * stores exactly what `setDurably` would, record by record — the encrypted row, its columns
 * (the inbox's find), its keyed hashes (phone search) and its unique key (a repeated
 * submission) — a batch of records already stored (a re-run) updates them, and a record whose
 * unique key another holds is refused as `setDurably` refuses it, after the records before it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openReferrals } from '../../bot/referral/dialog-storage.ts';
import type { ReferralRecord } from '../../bot/referral/referral-record.ts';
import type { Collection, Store } from '../../bot/store/collection-store.ts';
import { openStore } from '../../bot/store/open-store.ts';
import { PgCollection } from '../../bot/store/pg/pg-collection.ts';
import { UniqueKeyTakenError } from '../../bot/store/store-errors.ts';
import { type PgCluster, pgBinDir, startPgCluster } from '../helpers/pg-cluster.ts';
import { seededReferral } from '../helpers/seed-referrals.ts';

const referral = (i: number, extra: Partial<ReferralRecord> = {}) =>
  seededReferral(
    `R-${String(i).padStart(4, '0')}`,
    1 + (i % 28),
    { name: `居民${i}`, phone: `138${String(i).padStart(8, '0')}` },
    { idempotencyKey: `submission-${i}`, township: i % 2 ? 'karadala' : 'kuoketiereke', ...extra },
  );
const entry = (r: ReferralRecord) => [r.reference, r] as const;

describe.skipIf(!pgBinDir)('writing a batch of records on PostgreSQL', () => {
  let cluster: PgCluster;
  let store: Store;
  let inbox: PgCollection<ReferralRecord>;
  beforeAll(async () => {
    cluster = await startPgCluster();
    const url = await cluster.createDatabase('set_many');
    store = await openStore({ dataDir: mkdtempSync(join(tmpdir(), 'pg-set-many-')), databaseUrl: url });
    const opened: Collection<ReferralRecord> = await openReferrals(store);
    if (!(opened instanceof PgCollection)) throw new Error('referrals on PostgreSQL are not a PgCollection');
    inbox = opened;
  }, 120_000);
  afterAll(async () => {
    await store?.close();
    await cluster?.stop();
  });

  it('stores each record with its columns, keyed hashes and unique key', async () => {
    const all = Array.from({ length: 1_100 }, (_, i) => referral(i));
    for (let i = 0; i < all.length; i += 500) await inbox.setManyDurably(all.slice(i, i + 500).map(entry));
    expect(await inbox.count()).toBe(1_100);
    expect(await inbox.count({ township: 'karadala' })).toBe(550);
    expect(await inbox.get('R-0777')).toEqual(all[777]);
    const page = await inbox.find({ township: 'karadala' }, { limit: 3, descending: true });
    expect(page).toHaveLength(3);
    const byPhone = await inbox.findByHash('phone', inbox.index!.hash('phone', all[1_099]!.phone));
    expect(byPhone.map((r) => r.reference)).toEqual(['R-1099']);
    expect(await inbox.insertDurably('R-AGAIN', { ...all[5]!, reference: 'R-AGAIN' })).toEqual({
      inserted: false,
      existing: 'R-0005',
    });
  });

  it('updates records already stored (a re-run) beside new ones in one batch', async () => {
    const changed = referral(10, { status: 'contacted', township: 'karadala' });
    await inbox.setManyDurably([entry(changed), entry(referral(11)), entry(referral(2_000))]);
    expect(await inbox.get('R-0010')).toEqual(changed);
    expect(await inbox.get('R-2000')).toEqual(referral(2_000));
    expect((await inbox.find({ status: 'contacted' })).map((r) => r.reference)).toEqual(['R-0010']);
    // 550 odd references, and R-0010 moved to karadala.
    expect(await inbox.count({ township: 'karadala' })).toBe(551);
    expect(await inbox.count()).toBe(1_101);
    const byPhone = await inbox.findByHash('phone', inbox.index!.hash('phone', changed.phone));
    expect(byPhone).toEqual([changed]);
  });

  it('refuses a record whose unique key another holds, as setDurably does', async () => {
    const taken = referral(3_001, { idempotencyKey: 'submission-7' });
    await expect(
      inbox.setManyDurably([entry(referral(3_000)), entry(taken), entry(referral(3_002))]),
    ).rejects.toBeInstanceOf(UniqueKeyTakenError);
    expect(await inbox.get('R-3000')).toEqual(referral(3_000));
    expect(await inbox.has('R-3001')).toBe(false);
    expect((await inbox.get('R-0007'))?.idempotencyKey).toBe('submission-7');
  });
});
