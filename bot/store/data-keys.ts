/**
 * The keys that encrypt residents' personal fields at rest (PIPL Art. 51). They come from
 * DATA_KEY (and DATA_KEY_PREVIOUS), parsed in server/config.ts, or else from the key file
 * DATA_DIR/keys/data.key, made on the first start (file 0600, directory 0700). Either way the
 * first key is current (it encrypts); the others only decrypt, so after a rotation old values
 * stay readable until `npm run admin -- keys rotate` has re-encrypted them.
 *
 * A key's id is a fingerprint (an HMAC of a fixed label under the key): each ciphertext names
 * the key it needs, and the same key gives the same id from the environment or the file.
 */
import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { fsyncDir, privateDir, writePrivateFile } from './private-file.ts';
import { DataKeyError } from './store-errors.ts';

export const keyBytes = 32;

export interface DataKey {
  id: string;
  key: Buffer;
}

export interface DataKeyring {
  /** Encrypts everything written from now on. */
  current: DataKey;
  /** Every key that may decrypt, by id (the current one included). */
  byId: Map<string, Buffer>;
  /** Where the keys came from: the environment (DATA_KEY) or the key file. */
  source: 'env' | 'file';
  file?: string;
  /** The search-index key of the current key (HKDF): keyed hashes of phone and ID numbers. */
  indexKey: Buffer;
}

/** Keys given in the environment (DATA_KEY first, then DATA_KEY_PREVIOUS). */
export interface EnvKeys {
  current: Buffer;
  previous: Buffer[];
}

export const keyId = (key: Buffer) =>
  createHmac('sha256', key).update('assist-screen data key id').digest('hex').slice(0, 12);

export const newDataKey = () => randomBytes(keyBytes);

/** A keyring over keys, newest first. */
export function keyring(keys: Buffer[], source: 'env' | 'file', file?: string): DataKeyring {
  if (!keys.length) throw new Error('no data key');
  for (const k of keys) if (k.length !== keyBytes) throw new Error(`a data key must be ${keyBytes} bytes`);
  const current = { id: keyId(keys[0]!), key: keys[0]! };
  return {
    current,
    byId: new Map(keys.map((k) => [keyId(k), k])),
    source,
    ...(file ? { file } : {}),
    // A key of its own for the index (never the encryption key itself), derived so it needs no storage.
    indexKey: Buffer.from(hkdfSync('sha256', current.key, '', 'assist-screen search index v1', 32)),
  };
}

export const keyFileOf = (dataDir: string) => join(dataDir, 'keys', 'data.key');

/**
 * The keyring for a data directory: the environment's keys if given, else the key file. A
 * missing key file is made only when no stored value is encrypted: with encrypted data and no
 * key, a fresh key would only hide the loss, so start-up refuses and says what is missing.
 */
export function loadDataKeys(dataDir: string, env?: EnvKeys): DataKeyring {
  if (env) return keyring([env.current, ...env.previous], 'env');
  const file = keyFileOf(dataDir);
  if (!existsSync(file)) {
    const encrypted = filesWithEncryptedValues(dataDir);
    if (encrypted.length)
      throw new DataKeyError(
        encrypted[0]!,
        `holds encrypted personal data, but DATA_KEY is not set and ${file} is missing`,
      );
    writeKeyFile(file, [newDataKey()]);
  }
  const keys = readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => Buffer.from(l, 'base64'));
  if (!keys.length || keys.some((k) => k.length !== keyBytes))
    throw new DataKeyError(file, `must hold one base64 key of ${keyBytes} bytes per line`);
  return keyring(keys, 'file', file);
}

/**
 * Rotation, step one: a new key on top of the key file (it becomes current; the older lines
 * still decrypt). The caller re-encrypts everything with it.
 */
export function addKeyToFile(ring: DataKeyring): DataKeyring {
  if (ring.source !== 'file' || !ring.file) throw new Error('the keys come from DATA_KEY, not the key file');
  const next = keyring([newDataKey(), ...ring.byId.values()], 'file', ring.file);
  writeKeyFile(ring.file, [...next.byId.values()]);
  return next;
}

/** Written whole to a temp file, fsync'd and renamed: a crash never leaves a half key file. */
function writeKeyFile(file: string, keys: Buffer[]) {
  const dir = join(file, '..');
  privateDir(dir);
  const temp = `${file}.tmp`;
  writePrivateFile(
    temp,
    `# Data keys, newest (current) first. Keep a copy apart from the data: without it the data is lost.\n${keys.map((k) => k.toString('base64')).join('\n')}\n`,
  );
  renameSync(temp, file);
  fsyncDir(dir);
}

export const encryptedMarker = '"enc:v1:';

/** Data files holding at least one encrypted value. */
export function filesWithEncryptedValues(dataDir: string): string[] {
  if (!existsSync(dataDir)) return [];
  return readdirSync(dataDir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => join(dataDir, f))
    .filter((f) => readFileSync(f, 'utf8').includes(encryptedMarker));
}

/** How many stored values each key id encrypts (`keys status`: may an old key be retired yet?). */
export function valuesPerKey(dataDir: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const f of filesWithEncryptedValues(dataDir))
    for (const m of readFileSync(f, 'utf8').matchAll(/"enc:v1:([0-9a-f]{12}):/g))
      counts.set(m[1]!, (counts.get(m[1]!) ?? 0) + 1);
  return counts;
}
