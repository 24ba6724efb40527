/**
 * Keys that sign the cookies (CSRF secret, conversation id), kept in the data directory so a
 * restart does not log everyone out of their conversation. Created on first start, mode 0600.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function loadCookieKeys(dataDir: string): string[] {
  const file = join(dataDir, 'cookie-keys');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  }
  const keys = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  if (!keys.length) throw new Error(`${file} is empty: delete it and a new key is made at start`);
  // Newest first: a key added on top signs new cookies, older lines still verify old ones.
  return keys;
}
