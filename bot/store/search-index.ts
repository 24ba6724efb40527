/**
 * A keyed hash index (a "blind index") over fields that must stay findable although they are
 * encrypted on disk: HMAC-SHA256 of the normalised value under a key derived from the data key,
 * so the stored hash reveals nothing without the key and a whole phone or ID number can be
 * matched exactly (what a PostgreSQL store would index). The hashes are stored on each record
 * (`searchIndex`); in memory they are computed once per record object (records are replaced,
 * never changed in place, on every update).
 */
import { createHmac } from 'node:crypto';

/** Index name → the normalised value of a record (undefined: not indexed). */
export type IndexFields<T> = Readonly<Record<string, (record: T) => string | undefined>>;

export interface SearchIndex<T> {
  /** The id of the data key the hash key is derived from (stored beside the hashes). */
  keyId(): string;
  /** The keyed hash of a normalised value. */
  hash(field: string, value: string): string;
  /** The record's hashes by index name. */
  of(record: T): Readonly<Record<string, string>>;
}

/** HMAC-SHA256 of a field's value under the index key (base64url): the one keyed hash of the store. */
export const keyedHash = (key: Buffer, field: string, value: string) =>
  createHmac('sha256', key).update(`${field}\u0000${value}`).digest('base64url');

/** @param key the current hash key and its id (it changes when the data key is rotated) */
export function searchIndex<T>(
  fields: IndexFields<T>,
  key: () => { key: Buffer; id: string },
): SearchIndex<T> {
  const memo = new WeakMap<object, { id: string; hashes: Readonly<Record<string, string>> }>();
  const hash = (field: string, value: string) => keyedHash(key().key, field, value);
  return {
    keyId: () => key().id,
    hash,
    of(record) {
      const id = key().id;
      const known = memo.get(record as object);
      if (known?.id === id) return known.hashes;
      const hashes: Record<string, string> = {};
      for (const [field, read] of Object.entries(fields)) {
        const value = read(record);
        if (value) hashes[field] = hash(field, value);
      }
      memo.set(record as object, { id, hashes });
      return hashes;
    },
  };
}
