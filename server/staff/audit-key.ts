/**
 * The secret that keys the audit chain (HMAC-SHA256). Kept apart from the log: someone who can
 * rewrite audit.jsonl but not read this key cannot make a rewritten log verify. From AUDIT_KEY
 * when set (a secret store, a mounted file), else DATA_DIR/keys/audit.key, made on first start
 * (random 32 bytes, directory 0700, file 0600). Back it up apart from the data directory.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { fsyncDir, privateDir, writePrivateFile } from '../../bot/store/private-file.ts';

export interface AuditKey {
  key: Buffer;
  /**
   * "new-file": made at this start (the first with a keyed log): only then is a log without a
   * checkpoint taken as one from before keys. Afterwards ("file") a missing checkpoint is
   * tampering; with AUDIT_KEY ("env") only an empty log may lack one.
   */
  origin: 'env' | 'file' | 'new-file';
  /** Call once the first checkpoint signed with a new key is on disk: the key file is then made. */
  keep: () => void;
}

export const auditKeyFile = (dataDir: string) => join(dataDir, 'keys', 'audit.key');

const parseKey = (text: string) =>
  /^[0-9a-f]{64}$/.test(text.trim()) ? Buffer.from(text.trim(), 'hex') : undefined;

export function loadAuditKey(dataDir: string, fromEnv?: string): AuditKey {
  if (fromEnv) return { key: Buffer.from(fromEnv, 'utf8'), origin: 'env', keep: () => {} };
  const file = auditKeyFile(dataDir);
  if (existsSync(file)) {
    const key = parseKey(readFileSync(file, 'utf8'));
    if (!key) throw new Error(`${file} is not an audit key (64 hex digits): restore it from the backup`);
    return { key, origin: 'file', keep: () => {} };
  }
  // Made as audit.key.new and named audit.key only after the first checkpoint is signed with it,
  // so a start killed half-way is not later mistaken for a checkpoint deleted by someone.
  const dir = join(dataDir, 'keys');
  const pending = `${file}.new`;
  let key = existsSync(pending) ? parseKey(readFileSync(pending, 'utf8')) : undefined;
  if (!key) {
    privateDir(dir);
    key = randomBytes(32);
    writePrivateFile(pending, `${key.toString('hex')}\n`);
  }
  return {
    key,
    origin: 'new-file',
    keep: () => {
      renameSync(pending, file);
      fsyncDir(dir);
    },
  };
}
