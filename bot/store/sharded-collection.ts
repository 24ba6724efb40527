/**
 * One logical collection spread over several files by a hash of the id. lowdb rewrites a whole
 * file on every write, so 10,000 live sessions in one file would mean re-serialising all of
 * them several times a second; with shards a change rewrites only its own small file.
 */
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import type { Collection, CollectionOptions, FindOptions, Store } from './collection-store.ts';
import { checkFindOptions, type Keyed, mergePages } from './find-page.ts';
import { UniqueKeyTakenError } from './store-errors.ts';

/** A shard's page with sort keys and ids (shards are memory or lowdb collections, which keep them). */
function keyedFind<T>(
  part: Collection<T>,
  where: Readonly<Record<string, string>>,
  options: FindOptions,
): Promise<Keyed<T>[]> {
  const keyed = part as Collection<T> & {
    findKeyed?: (w: Readonly<Record<string, string>>, o: FindOptions) => Promise<Keyed<T>[]>;
  };
  if (!keyed.findKeyed) throw new Error(`${part.name}: a shard must be a memory or lowdb collection`);
  return keyed.findKeyed(where, options);
}

/** A shard's durable write of a record still in progress (memory and lowdb shards say). */
function pendingWrite<T>(part: Collection<T>, id: string): Promise<void> | undefined {
  return (
    part as Collection<T> & { pendingWrite?: (id: string) => Promise<void> | undefined }
  ).pendingWrite?.(id);
}

/** The shard (file `${name}-${n}.json`) that holds an id. */
export function shardOf(id: string, shards: number): number {
  return createHash('sha1').update(id).digest()[0]! % shards;
}

/**
 * Like `store.collection`, one collection per store and name: two wrappers over the same
 * shards would keep two unique-key maps, and a double tap through both would store twice.
 */
const opened = new WeakMap<Store, Map<string, Promise<Collection<unknown>>>>();

export function shardedCollection<T>(
  store: Store,
  name: string,
  schema: z.ZodType<T>,
  options: CollectionOptions<T> & { shards?: number } = {},
): Promise<Collection<T>> {
  let byName = opened.get(store);
  if (!byName) {
    byName = new Map();
    opened.set(store, byName);
  }
  const known = byName.get(name);
  if (known) return known as Promise<Collection<T>>;
  const made = openSharded(store, name, schema, options);
  byName.set(name, made as Promise<Collection<unknown>>);
  made.catch(() => byName.delete(name));
  return made;
}

async function openSharded<T>(
  store: Store,
  name: string,
  schema: z.ZodType<T>,
  options: CollectionOptions<T> & { shards?: number },
): Promise<Collection<T>> {
  // Shards keep lowdb's files small; a PostgreSQL table is indexed, and one collection keeps
  // its unique index whole (across shards it could not be enforced by the database).
  if (store.kind === 'postgres') return store.collection(name, schema, options);
  const shards = options.shards ?? 16;
  const parts = await Promise.all(
    Array.from({ length: shards }, (_, i) => store.collection(`${name}-${i}`, schema, options)),
  );
  const of = (id: string) => parts[shardOf(id, shards)]!;
  async function* all<R>(pick: (c: Collection<T>) => AsyncIterableIterator<R>): AsyncIterableIterator<R> {
    for (const c of parts) yield* pick(c);
  }
  // The unique key spans shards, so the sharded collection keeps its own key → id map (one
  // process holds the files). A key whose record was since changed or deleted is dropped when met.
  const unique = options.unique;
  const uniqueIds = new Map<string, string>();
  /** The insert of a key still being written: a second insert of that key waits for its answer. */
  const inFlight = new Map<string, Promise<unknown>>();
  if (unique)
    for (const c of parts)
      for await (const [id, r] of c.entries()) {
        const key = unique(r);
        if (key !== undefined) uniqueIds.set(key, id);
      }
  const insertDurably: Collection<T>['insertDurably'] = async (id, value) => {
    const key = unique?.(value);
    if (key === undefined) return of(id).insertDurably(id, value);
    // Until the first insert is written its record cannot be read back: without waiting, the
    // holder would look deleted and a double tap would store two records.
    while (inFlight.has(key)) await inFlight.get(key);
    const holder = uniqueIds.get(key);
    if (holder !== undefined) {
      const held = await of(holder).get(holder);
      if (held !== undefined && unique?.(held) === key) {
        // Its write may still fail and be undone: wait for it, then ask again.
        const pending = pendingWrite(of(holder), holder);
        if (!pending) return { inserted: false, existing: holder };
        await pending;
        return insertDurably(id, value);
      }
      if (uniqueIds.get(key) === holder) uniqueIds.delete(key);
      return insertDurably(id, value);
    }
    uniqueIds.set(key, id); // before the first await: a second insert of the key waits on this one
    const run = of(id).insertDurably(id, value);
    inFlight.set(
      key,
      run.catch(() => {}),
    );
    try {
      const done = await run;
      if (!done.inserted) uniqueIds.delete(key);
      return done;
    } catch (e) {
      uniqueIds.delete(key);
      throw e;
    } finally {
      inFlight.delete(key);
    }
  };
  /**
   * Refuses a key another record holds (as one collection does), else notes who holds it. A
   * failed write leaves a stale entry, which is dropped when met (the record is read back).
   */
  const claim = (id: string, value: T): Promise<void> | undefined => {
    const key = unique?.(value);
    if (key === undefined) return undefined;
    const holder = uniqueIds.get(key);
    // Noted at once when free: an insert of the key right after this call sees the holder.
    if (holder === undefined || holder === id) {
      uniqueIds.set(key, id);
      return undefined;
    }
    return of(holder)
      .get(holder)
      .then((held) => {
        if (held !== undefined && unique?.(held) === key) throw new UniqueKeyTakenError(name, id);
        uniqueIds.set(key, id);
      });
  };
  return {
    name,
    get: (id) => of(id).get(id),
    has: (id) => of(id).has(id),
    count: async (where) => (await Promise.all(parts.map((c) => c.count(where)))).reduce((n, k) => n + k, 0),
    values: () => all((c) => c.values()),
    entries: () => all((c) => c.entries()),
    // Each shard's page, then the page of their union: the first `limit` after `after` overall
    // are among the first `limit` after `after` of some shard, each page already in order.
    find: async (where, findOptions = {}) => {
      checkFindOptions(findOptions);
      const pages = await Promise.all(parts.map((c) => keyedFind(c, where, findOptions)));
      return mergePages(pages, findOptions).map((r) => r.value);
    },
    findByHash: async (field, hash) =>
      (await Promise.all(parts.map((c) => c.findByHash(field, hash)))).flat(),
    idsByHash: async (field, hashes) =>
      (await Promise.all(parts.map((c) => c.idsByHash(field, hashes)))).flat(),
    set: async (id, value) => {
      const checking = claim(id, value);
      if (checking) await checking;
      return of(id).set(id, value);
    },
    delete: (id) => of(id).delete(id),
    update: (id, change, updateOptions) =>
      of(id).update(
        id,
        async (current) => {
          const next = await change(current);
          if (next !== undefined) await claim(id, next);
          return next;
        },
        updateOptions,
      ),
    setDurably: async (id, value) => {
      const checking = claim(id, value);
      if (checking) await checking;
      return of(id).setDurably(id, value);
    },
    deleteDurably: (id) => of(id).deleteDurably(id),
    insertDurably,
    // Every shard has the same index fields and key.
    ...(parts[0]?.index ? { index: parts[0].index } : {}),
  };
}
