/**
 * `update`, then on disk before the caller answers: a status change, an assignment or a merge
 * is acknowledged to a caseworker ("saved"), so it must survive a crash right after.
 *
 * On PostgreSQL `update` commits before it resolves; nothing more to do. lowdb's `update`
 * coalesces its write like `set`; there the record just changed is the very object `get` hands
 * back (its records live in this process), and writing that object with `setDurably` adds no
 * change of its own. If the record has changed again since (another change of it came first),
 * or the store hands back copies (PostgreSQL), it is left alone: never a write from a copy
 * read before another change, which would lose that change.
 *
 * A stopgap until the Collection contract has a durable update of its own (reported to the lead).
 */
import type { Collection } from '../../bot/store/collection-store.ts';

export async function updateDurably<T>(
  collection: Collection<T>,
  id: string,
  change: (current: T | undefined) => T | undefined | Promise<T | undefined>,
): Promise<T | undefined> {
  let changed = false;
  const next = await collection.update(id, async (current) => {
    const value = await change(current);
    changed = value !== undefined;
    return value;
  });
  if (changed && next !== undefined && (await collection.get(id)) === next)
    await collection.setDurably(id, next);
  return next;
}
