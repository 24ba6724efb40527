/**
 * The secret that keys the audit chain (HMAC-SHA256). Kept apart from the log: someone who can
 * rewrite audit.jsonl but not read this key cannot make a rewritten log verify. From AUDIT_KEY
 * when set (a secret store, a mounted file), else DATA_DIR/keys/audit.key, made on first start
 * (random 32 bytes, directory 0700, file 0600). Back it up apart from the data directory.
 */
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

export interface AuditKey {
  key: Buffer;
  /**
   * Made just now (the first start with a keyed log): only then may a log without a
   * checkpoint be taken as one from before keys; afterwards a missing checkpoint is tampering.
   * Unknown (treated as new) for a key given in AUDIT_KEY.
   */
  isNew: boolean;
}

export const auditKeyFile = (dataDir: string) => join(dataDir, 'keys', 'audit.key');

export function loadAuditKey(dataDir: string, fromEnv?: string): AuditKey {
  if (fromEnv) return { key: Buffer.from(fromEnv, 'utf8'), isNew: true };
  const file = auditKeyFile(dataDir);
  let isNew = false;
  if (!existsSync(file)) {
    const dir = join(dataDir, 'keys');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
    // On disk for good before any entry is keyed with it: a lost key makes the whole log unverifiable.
    const fd = openSync(file, 'wx', 0o600);
    writeSync(fd, `${randomBytes(32).toString('hex')}\n`);
    fsyncSync(fd);
    closeSync(fd);
    const dirFd = openSync(dir, 'r');
    fsyncSync(dirFd);
    closeSync(dirFd);
    isNew = true;
  }
  const text = readFileSync(file, 'utf8').trim();
  if (!/^[0-9a-f]{64}$/.test(text))
    throw new Error(`${file} is not an audit key (64 hex digits): restore it from the backup`);
  return { key: Buffer.from(text, 'hex'), isNew };
}
