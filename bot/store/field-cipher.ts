/**
 * Personal fields encrypted on their way to disk and decrypted on load, so the rest of the code
 * works with plaintext in memory (PIPL Art. 51). Each value: AES-256-GCM (authenticated), a
 * random 96-bit IV, the key's id beside it — `enc:v1:<keyId>:<base64 iv|tag|ciphertext>` — and
 * the record id and field path as associated data, so a value moved to another record or field
 * does not decrypt. Values are JSON, so a string, an object (answers) or an array all work.
 *
 * A collection names its personal fields as paths (`name`, `history.*.note`); fields the store
 * or a future SQL index needs (township, status, dates) stay in clear. A plain value where a
 * ciphertext is expected (data written before encryption) is read as it is and encrypted on the
 * next write.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { DataKey, DataKeyring } from './data-keys.ts';
import type { SearchIndex } from './search-index.ts';

const prefix = 'enc:v1:';
const ivBytes = 12;
const tagBytes = 16;

export function encryptValue(key: DataKey, value: unknown, aad: string): string {
  const iv = randomBytes(ivBytes);
  const cipher = createCipheriv('aes-256-gcm', key.key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ct = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return `${prefix}${key.id}:${Buffer.concat([iv, cipher.getAuthTag(), ct]).toString('base64')}`;
}

export const isEncrypted = (v: unknown): v is string => typeof v === 'string' && v.startsWith(prefix);

/** The value, or an Error whose message says why not (unknown key, altered value, wrong key). */
export function decryptValue(ring: DataKeyring, text: string, aad: string): unknown {
  const rest = text.slice(prefix.length);
  const colon = rest.indexOf(':');
  const id = rest.slice(0, colon);
  const key = ring.byId.get(id);
  if (colon < 0 || !key)
    throw new Error(
      `is encrypted with data key ${id || '(none)'}, which is not configured (configured: ${[...ring.byId.keys()].join(', ')})`,
    );
  const raw = Buffer.from(rest.slice(colon + 1), 'base64');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, ivBytes));
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(raw.subarray(ivBytes, ivBytes + tagBytes));
    const text = Buffer.concat([decipher.update(raw.subarray(ivBytes + tagBytes)), decipher.final()]);
    return JSON.parse(text.toString('utf8'));
  } catch {
    throw new Error(
      `has a value at "${aad}" that does not decrypt with data key ${id}: altered, or the wrong key`,
    );
  }
}

/** Field paths (`a.*.b`) as a tree, so a record is copied once however many paths it has. */
type PathTree = Map<string, PathTree | true>;
function pathTree(paths: readonly string[]): PathTree {
  const root: PathTree = new Map();
  for (const p of paths) {
    const parts = p.split('.');
    let node = root;
    parts.forEach((part, i) => {
      if (i === parts.length - 1) node.set(part, true);
      else {
        const next = node.get(part);
        const sub = next instanceof Map ? next : new Map();
        node.set(part, sub);
        node = sub;
      }
    });
  }
  return root;
}

/** A copy of `node` with `change` applied at every place the tree reaches; the rest shared. */
function mapPaths(
  node: unknown,
  tree: PathTree,
  at: string,
  change: (value: unknown, path: string) => unknown,
): unknown {
  if (node === null || typeof node !== 'object') return node;
  const step = (k: string, v: unknown) => {
    const sub = tree.get(k) ?? tree.get('*');
    if (!sub || v === undefined) return v;
    const path = at ? `${at}.${k}` : k;
    return sub === true ? change(v, path) : mapPaths(v, sub, path, change);
  };
  if (Array.isArray(node)) return node.map((v, i) => step(String(i), v));
  // fromEntries defines properties: a key such as "__proto__" can never set a prototype here.
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, step(k, v)]));
}

export interface RecordCodec {
  encode(id: string, record: unknown): unknown;
  decode(id: string, stored: unknown): unknown;
}

/**
 * Encrypts `personal` paths with the ring's current key and stores the record's search-index
 * hashes beside them (`searchIndex`, recomputed on every write; dropped on load, where they
 * are derived again from the decrypted values).
 */
export function recordCodec<T>(
  keys: () => DataKeyring,
  personal: readonly string[],
  index?: SearchIndex<T>,
): RecordCodec {
  const tree = pathTree(personal);
  /**
   * lowdb rewrites a whole file per write, so without this every write would encrypt every
   * record of the file again (seconds for a shard of thousands of referrals). A record object
   * keeps its ciphertexts, per field path, for as long as the same value sits at that path
   * under the same key (records are replaced, not changed, on update; a string compares by value).
   */
  const cache = new WeakMap<object, { id: string; keyId: string; at: Map<string, [unknown, string]> }>();
  const cacheOf = (record: unknown, id: string, keyId: string) => {
    if (!record || typeof record !== 'object') return undefined;
    let entry = cache.get(record);
    if (!entry || entry.id !== id || entry.keyId !== keyId) {
      entry = { id, keyId, at: new Map() };
      cache.set(record, entry);
    }
    return entry.at;
  };
  return {
    encode(id, record) {
      const ring = keys();
      const known = cacheOf(record, id, ring.current.id);
      let out = mapPaths(record, tree, '', (v, path) => {
        const hit = known?.get(path);
        if (hit && hit[0] === v) return hit[1];
        const cipher = encryptValue(ring.current, v, `${id}:${path}`);
        known?.set(path, [v, cipher]);
        return cipher;
      });
      const hashes = index?.of(record as T);
      if (hashes && Object.keys(hashes).length && out && typeof out === 'object')
        out = { ...out, searchIndex: { key: index!.keyId(), ...hashes } };
      return out;
    },
    decode(id, stored) {
      const ring = keys();
      let out = stored;
      if (index && out && typeof out === 'object' && 'searchIndex' in out) {
        const { searchIndex: _derived, ...rest } = out as Record<string, unknown>;
        out = rest;
      }
      out = mapPaths(out, tree, '', (v, path) =>
        isEncrypted(v) ? decryptValue(ring, v, `${id}:${path}`) : v,
      );
      return out;
    },
  };
}
