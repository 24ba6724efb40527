/**
 * `npm run admin -- keys rotate | keys status`: the data key's life after the first start.
 * Rotation: every collection holding personal fields is opened (which proves the current keys
 * decrypt all of it), a new key becomes current (the key file gets a new first line; with
 * DATA_KEY the operator has already put the new key there and the old one in
 * DATA_KEY_PREVIOUS), and every record is written again, so all of it is encrypted with the
 * new key. `keys status` then shows no value left under the old key, and it can be retired.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openDialogStorage } from '../bot/referral/dialog-storage.ts';
import type { Collection, Store } from '../bot/store/collection-store.ts';
import { addKeyToFile } from '../bot/store/data-keys.ts';
import { openOutboxStore } from '../bot/channels/wechat/outbox-store.ts';
import { residentNotices } from './notices/resident-notices.ts';
import { staffNotices } from './notices/staff-notices.ts';
import { subscribeNotices } from './notices/subscribe-notices.ts';

/** Every collection with encrypted fields, opened as the server opens it. */
async function personalCollections(store: Store, dataDir: string): Promise<Collection<unknown>[]> {
  // The terminal's data directory keeps its sessions in one file (sessions.json).
  const shards = existsSync(join(dataDir, 'sessions.json')) ? 1 : undefined;
  const dialog = await openDialogStorage(store, 'admin', shards);
  const township = await staffNotices(store, { publicUrl: () => '', baseDelayMs: 1000, maxDelayMs: 1000 });
  const resident = await residentNotices(store);
  const subscribe = await subscribeNotices(store, { baseDelayMs: 1000, maxDelayMs: 1000 });
  const outbox = await openOutboxStore(store);
  return [
    dialog.sessions,
    dialog.referrals,
    township.queue,
    resident.queue,
    subscribe.queue,
    outbox,
  ] as Collection<unknown>[];
}

export async function rotateDataKey(store: Store, dataDir: string) {
  const before = store.keys();
  if (!before) throw new Error('the store has no data keys');
  const collections = await personalCollections(store, dataDir);
  if (before.source === 'file') store.useKeys(addKeyToFile(before));
  let records = 0;
  // A page at a time, each record written back as it is now (a rewrite with the current key);
  // `update` rather than `set`, so a change made meanwhile is re-encrypted, never overwritten.
  for (const c of collections)
    for await (const [id] of c.entries()) {
      await c.update(id, (current) => current);
      records++;
    }
  await store.flush();
  return { current: store.keys()!.current.id, source: before.source, records };
}

export async function keyStatus(store: Store): Promise<string> {
  const ring = store.keys();
  if (!ring) throw new Error('the store has no data keys');
  const counts = await store.valuesPerKey();
  const lines = [...ring.byId.keys()].map(
    (id) =>
      `${id}\t${id === ring.current.id ? 'current' : 'decrypt only'}\t${counts.get(id) ?? 0} values\t${ring.source === 'env' ? 'DATA_KEY' : ring.file}`,
  );
  for (const [id, n] of counts) if (!ring.byId.has(id)) lines.push(`${id}\tMISSING\t${n} values`);
  return `${lines.join('\n')}\n`;
}
