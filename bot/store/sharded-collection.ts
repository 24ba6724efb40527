/**
 * One logical collection spread over several files by a hash of the id. lowdb rewrites a whole
 * file on every write, so 10,000 live sessions in one file would mean re-serialising all of
 * them several times a second; with shards a change rewrites only its own small file.
 */
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import type { Collection, CollectionOptions, Store } from './collection-store.ts';

/** The shard (file `${name}-${n}.json`) that holds an id. */
export function shardOf(id: string, shards: number): number {
  return createHash('sha1').update(id).digest()[0]! % shards;
}

export async function shardedCollection<T>(
  store: Store,
  name: string,
  schema: z.ZodType<T>,
  options: CollectionOptions<T> & { shards?: number } = {},
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
  if (unique)
    for (const c of parts)
      for await (const [id, r] of c.entries()) {
        const key = unique(r);
        if (key !== undefined) uniqueIds.set(key, id);
      }
  const insertDurably: Collection<T>['insertDurably'] = async (id, value) => {
    const key = unique?.(value);
    if (key === undefined) return of(id).insertDurably(id, value);
    const holder = uniqueIds.get(key);
    if (holder !== undefined) {
      const held = await of(holder).get(holder);
      if (held !== undefined && unique?.(held) === key) return { inserted: false, existing: holder };
      if (uniqueIds.get(key) === holder) uniqueIds.delete(key);
      return insertDurably(id, value);
    }
    uniqueIds.set(key, id); // before the first await: a second insert of the key waits on this one
    try {
      const done = await of(id).insertDurably(id, value);
      if (!done.inserted) uniqueIds.delete(key);
      return done;
    } catch (e) {
      uniqueIds.delete(key);
      throw e;
    }
  };
  return {
    name,
    get: (id) => of(id).get(id),
    has: (id) => of(id).has(id),
    count: async () => (await Promise.all(parts.map((c) => c.count()))).reduce((n, k) => n + k, 0),
    values: () => all((c) => c.values()),
    entries: () => all((c) => c.entries()),
    find: async (where) => (await Promise.all(parts.map((c) => c.find(where)))).flat(),
    findByHash: async (field, hash) =>
      (await Promise.all(parts.map((c) => c.findByHash(field, hash)))).flat(),
    set: (id, value) => of(id).set(id, value),
    delete: (id) => of(id).delete(id),
    update: (id, change) => of(id).update(id, change),
    setDurably: (id, value) => of(id).setDurably(id, value),
    deleteDurably: (id) => of(id).deleteDurably(id),
    insertDurably,
    // Every shard has the same index fields and key.
    ...(parts[0]?.index ? { index: parts[0].index } : {}),
  };
}
