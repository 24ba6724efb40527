/**
 * The store migration copies the collections in server/stored-collections.ts and nothing else:
 * a collection the server opens that the list misses would be left behind in lowdb, silently.
 * Two guards: the openers start-up calls (as server/main.ts calls them, and what the WeChat
 * channel opens when it starts), run on a store that records every name opened, must open
 * exactly the list's collections; and every collection name written in the code of bot/ and
 * server/ must be on the list (or on the list of short-lived ones, which lowdb never stores).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openOutboxStore } from '../../bot/channels/wechat/outbox-store.ts';
import { openDialogStorage } from '../../bot/referral/dialog-storage.ts';
import { type Store, openMemoryStore } from '../../bot/store/collection-store.ts';
import { parseConfig } from '../../server/config.ts';
import { createLogger } from '../../server/logger.ts';
import { startMiniprogram } from '../../server/miniprogram/miniprogram-start.ts';
import { residentNotices } from '../../server/notices/resident-notices.ts';
import { staffNotices } from '../../server/notices/staff-notices.ts';
import { openStaffStorage } from '../../server/staff/staff-storage.ts';
import { openEveryCollection, shortLivedCollections } from '../../server/stored-collections.ts';
import { openSeenStore } from '../../server/wechat-start.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** The store with every collection name opened through it recorded (lowdb shards by their base name). */
function recording(store: Store): { store: Store; names: Set<string> } {
  const names = new Set<string>();
  return {
    names,
    store: {
      ...store,
      collection: (name, schema, options) => {
        names.add(name.replace(/^(sessions|referrals)-\d+$/, '$1'));
        return store.collection(name, schema, options);
      },
    },
  };
}

/** server/main.ts's start-up, opener by opener, in its order. */
async function openAsMainDoes(store: Store, dataDir: string) {
  const storage = await openDialogStorage(store, 'web');
  await staffNotices(store, { publicUrl: () => '', baseDelayMs: 1000, maxDelayMs: 1000 });
  const staff = await openStaffStorage(store, dataDir);
  staff.audit.close();
  await residentNotices(store);
  await startMiniprogram(
    parseConfig({ DATA_DIR: dataDir }),
    store,
    createLogger('silent'),
    storage.alsoForget,
  );
  // server/wechat-start.ts, when a puppet is configured.
  await openSeenStore(store);
  await openOutboxStore(store);
}

/** .ts files under a directory. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const path = join(dir, f);
    if (statSync(path).isDirectory()) return sources(path);
    return f.endsWith('.ts') ? [path] : [];
  });
}

describe('the list of stored collections the migration copies', () => {
  it('is exactly what the server opens at start-up', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'stored-collections-'));
    dirs.push(dataDir);
    const main = recording(await openMemoryStore());
    await openAsMainDoes(main.store, dataDir);
    const listed = recording(await openMemoryStore());
    const list = await openEveryCollection(listed.store);
    expect([...list.keys()].sort()).toEqual([...main.names].sort());
    // and the list opens nothing it does not name
    expect([...listed.names].sort()).toEqual([...list.keys()].sort());
    for (const [name, c] of list) expect(c.name).toBe(name);
  });

  it('names every collection the code of bot/ and server/ opens', async () => {
    const list = await openEveryCollection(await openMemoryStore());
    const opened = new Set<string>();
    const call = /(?:\.collection|shardedCollection)\(\s*(?:[\w.]+,\s*)?(['"`])([^'"`]+)\1/g;
    for (const file of [...sources('bot'), ...sources('server')])
      for (const m of readFileSync(file, 'utf8').matchAll(call)) opened.add(m[2]!);
    // The sharded collection's own parts (`${name}-${i}`) are the only name not written out.
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the template's text as written in sharded-collection.ts
    opened.delete('${name}-${i}');
    expect(opened.size).toBeGreaterThan(10);
    // Short-lived shared state (sign-ins, throttle counts) is named on its own list, not copied.
    const shortLived = new Set<string>(shortLivedCollections);
    expect([...opened].filter((n) => !list.has(n) && !shortLived.has(n))).toEqual([]);
    for (const n of shortLived) expect(opened.has(n) && !list.has(n)).toBe(true);
  });
});
