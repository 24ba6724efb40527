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
  const shards = options.shards ?? 16;
  const parts = await Promise.all(
    Array.from({ length: shards }, (_, i) => store.collection(`${name}-${i}`, schema, options)),
  );
  const of = (id: string) => parts[shardOf(id, shards)]!;
  function* all<R>(pick: (c: Collection<T>) => IterableIterator<R>): IterableIterator<R> {
    for (const c of parts) yield* pick(c);
  }
  return {
    name,
    get: (id) => of(id).get(id),
    has: (id) => of(id).has(id),
    get size() {
      return parts.reduce((n, c) => n + c.size, 0);
    },
    values: () => all((c) => c.values()),
    entries: () => all((c) => c.entries()),
    set: (id, value) => of(id).set(id, value),
    delete: (id) => of(id).delete(id),
    update: (id, change) => of(id).update(id, change),
    setDurably: (id, value) => of(id).setDurably(id, value),
    deleteDurably: (id) => of(id).deleteDurably(id),
    // Every shard has the same index fields and key.
    ...(parts[0]?.index ? { index: parts[0].index } : {}),
  };
}
