/**
 * `npm run admin -- keys rotate | keys status` on PostgreSQL, on a real cluster: status counts
 * the values under each key from the rows (there are no data files to read), and after a
 * rotation every row is under the new key — its encrypted fields, its keyed hashes
 * (record_hashes) and its idempotency key (records.unique_key), so a phone search and a
 * repeated submission still find the record and nothing is left under the old key. An
 * instance still holding only the old key cannot read a rotated row and says so.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openReferrals } from '../../bot/referral/dialog-storage.ts';
import { referralIndexFields, referralUniqueKey } from '../../bot/referral/referral-record.ts';
import { type DataKeyring, keyFileOf, loadDataKeys } from '../../bot/store/data-keys.ts';
import { openStore } from '../../bot/store/open-store.ts';
import { openPgStore, uniqueKeyHash } from '../../bot/store/pg/pg-store.ts';
import { keyedHash } from '../../bot/store/search-index.ts';
import { subscribeNotices } from '../../server/notices/subscribe-notices.ts';
import { keptAndRealCounts } from '../helpers/pg-counts.ts';
import { type PgCluster, pgBinDir, startPgCluster } from '../helpers/pg-cluster.ts';
import { seededIdNumber, seededReferral } from '../helpers/seed-referrals.ts';

/** More than a page of `entries()` (500 rows), so the rotation must walk past the first page. */
const count = 620;
const referrals = Array.from({ length: count }, (_, i) =>
  seededReferral(
    `R-${String(i).padStart(4, '0')}`,
    1 + (i % 28),
    { name: `居民${i}`, phone: `139${String(i).padStart(8, '0')}`, idNumber: seededIdNumber(i % 1000) },
    { idempotencyKey: `submission-${i}` },
  ),
);

function admin(dataDir: string, url: string, verb: string): string {
  return execFileSync(
    process.execPath,
    ['--import', 'tsx', 'server/admin-cli.ts', 'keys', verb, '--data', dataDir],
    { env: { ...process.env, NODE_ENV: 'production', DATABASE_URL: url } },
  ).toString();
}

/** `keys status` as key id → [role, number of values]. */
const statusOf = (out: string) =>
  new Map(
    out
      .trim()
      .split('\n')
      .map((l) => l.split('\t'))
      .map(([id, role, n]) => [id!, [role!, Number.parseInt(n!, 10)] as const]),
  );

describe.skipIf(!pgBinDir)('data key rotation on PostgreSQL', () => {
  let cluster: PgCluster;
  let url: string;
  let db: pg.Client;
  const dataDir = mkdtempSync(join(tmpdir(), 'pg-keys-'));
  let oldRing: DataKeyring;

  beforeAll(async () => {
    cluster = await startPgCluster();
    url = await cluster.createDatabase('key_rotation');
    db = new pg.Client({ connectionString: url });
    await db.connect();
    const store = await openStore({ dataDir, databaseUrl: url });
    const inbox = await openReferrals(store);
    for (const r of referrals) await inbox.setDurably(r.reference, r);
    const notices = await subscribeNotices(store, { baseDelayMs: 1000, maxDelayMs: 1000 });
    await notices.queue.setDurably('n1', {
      id: 'n1',
      reference: 'R-0000',
      openid: 'o-resident-openid',
      templateId: 't',
      lang: 'zh',
      status: 'contacted',
      at: new Date().toISOString(),
      attempts: 0,
      nextAt: new Date().toISOString(),
    });
    oldRing = store.keys()!;
    await store.close();
  }, 180_000);
  afterAll(async () => {
    await db?.end();
    await cluster?.stop();
  });

  it('keys status counts the values under each key from the rows', () => {
    const status = statusOf(admin(dataDir, url, 'status'));
    expect([...status.keys()]).toEqual([oldRing.current.id]);
    const [role, values] = status.get(oldRing.current.id)!;
    expect(role).toBe('current');
    // Every referral has at least a name, a phone and an ID number encrypted; the notice its openid.
    expect(values).toBeGreaterThan(3 * count);
  });

  it('rotation puts every value, keyed hash and unique key under the new key', async () => {
    const out = admin(dataDir, url, 'rotate');
    const newRing = loadDataKeys(dataDir);
    expect(newRing.current.id).not.toBe(oldRing.current.id);
    expect(out).toContain(`re-encrypted with data key ${newRing.current.id}`);
    // Status (printed by rotate, and again on its own): the old key encrypts nothing any more.
    const status = statusOf(admin(dataDir, url, 'status'));
    expect(status.get(oldRing.current.id)).toEqual(['decrypt only', 0]);
    expect(status.get(newRing.current.id)![1]).toBeGreaterThan(3 * count);

    // The rows themselves: no ciphertext and no search index under the old key.
    const { rows: old } = await db.query<{ n: string }>(
      'SELECT count(*) AS n FROM records WHERE data LIKE $1 OR data LIKE $2',
      [`%enc:v1:${oldRing.current.id}:%`, `%"key":"${oldRing.current.id}"%`],
    );
    expect(Number(old[0]!.n)).toBe(0);
    // Every keyed hash is the new key's, none the old key's.
    const { rows: hashes } = await db.query<{ id: string; field: string; hash: string }>(
      "SELECT id, field, hash FROM record_hashes WHERE collection = 'referrals'",
    );
    const byRef = new Map(referrals.map((r) => [r.reference, r]));
    // A phone and an ID number each (no village: no name-and-village hash).
    expect(hashes).toHaveLength(2 * count);
    for (const h of hashes) {
      const value = referralIndexFields[h.field]!(byRef.get(h.id)!)!;
      expect(h.hash).toBe(keyedHash(newRing.indexKey, h.field, value));
    }
    // Every idempotency key is the new key's hash.
    const { rows: keys } = await db.query<{ id: string; unique_key: string }>(
      "SELECT id, unique_key FROM records WHERE collection = 'referrals'",
    );
    expect(keys).toHaveLength(count);
    // Rewritten under the new key, each record keeps its columns: the inbox's counts unchanged.
    const { real, kept } = await keptAndRealCounts(db, 'referrals');
    expect(Object.values(real).reduce((n, k) => n + k, 0)).toBeGreaterThan(count);
    expect(kept).toEqual(real);
    for (const k of keys)
      expect(k.unique_key).toBe(uniqueKeyHash(newRing.indexKey, referralUniqueKey(byRef.get(k.id)!)!));

    // And through the store as the server opens it with the new key: a phone search finds the
    // case, the same submission again gives the first reference, the openid reads back.
    const store = await openStore({ dataDir, databaseUrl: url });
    try {
      const inbox = await openReferrals(store);
      const r = referrals[count - 1]!;
      const found = await inbox.findByHash('phone', inbox.index!.hash('phone', r.phone!));
      expect(found.map((f) => f.reference)).toEqual([r.reference]);
      expect(await inbox.insertDurably('R-AGAIN', { ...r, reference: 'R-AGAIN' })).toEqual({
        inserted: false,
        existing: r.reference,
      });
      const notices = await subscribeNotices(store, { baseDelayMs: 1000, maxDelayMs: 1000 });
      expect((await notices.queue.get('n1'))?.openid).toBe('o-resident-openid');
    } finally {
      await store.close();
    }
  }, 180_000);

  it('an instance still holding only the old key refuses a rotated row, naming the key', async () => {
    const oldKey = Buffer.from(
      readFileSync(keyFileOf(dataDir), 'utf8')
        .split('\n')
        .filter((l) => l && !l.startsWith('#'))[1]!,
      'base64',
    );
    const stale = await openPgStore(url, { dataDir, keys: { current: oldKey, previous: [] } });
    try {
      expect(stale.keys()!.current.id).toBe(oldRing.current.id);
      const inbox = await openReferrals(stale);
      await expect(inbox.get('R-0000')).rejects.toThrow(
        /is encrypted with data key [0-9a-f]{12}, which is not configured/,
      );
    } finally {
      await stale.close();
    }
  });
});
