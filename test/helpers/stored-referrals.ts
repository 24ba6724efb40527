/**
 * The referrals as they are on disk, read from every shard file (referrals-N.json), their
 * personal fields decrypted with the data directory's key file (as the server loads them).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sessionPersonalFields } from '../../bot/dialog/session.ts';
import { referralPersonalFields } from '../../bot/referral/referral-record.ts';
import { type EnvKeys, loadDataKeys } from '../../bot/store/data-keys.ts';
import { recordCodec } from '../../bot/store/field-cipher.ts';

export function storedReferrals(dataDir: string, keys?: EnvKeys): Record<string, Record<string, unknown>> {
  const ring = loadDataKeys(dataDir, keys);
  const codec = recordCodec(() => ring, referralPersonalFields);
  const out: Record<string, Record<string, unknown>> = {};
  for (const file of referralFiles(dataDir)) {
    const records = JSON.parse(readFileSync(file, 'utf8')).records as Record<string, unknown>;
    for (const [id, r] of Object.entries(records)) {
      const { searchIndex: _index, ...plain } = codec.decode(id, r) as Record<string, unknown>;
      out[id] = plain;
    }
  }
  return out;
}

export function referralFiles(dataDir: string): string[] {
  return readdirSync(dataDir)
    .filter((f) => /^referrals-\d+\.json$/.test(f))
    .map((f) => join(dataDir, f));
}

/** The conversations as they are on disk (sessions-N.json), decrypted the same way. */
export function storedSessions(dataDir: string, keys?: EnvKeys): Record<string, Record<string, unknown>> {
  const ring = loadDataKeys(dataDir, keys);
  const codec = recordCodec(() => ring, sessionPersonalFields);
  const out: Record<string, Record<string, unknown>> = {};
  for (const f of readdirSync(dataDir).filter((f) => /^sessions-\d+\.json$/.test(f))) {
    const records = JSON.parse(readFileSync(join(dataDir, f), 'utf8')).records as Record<string, unknown>;
    for (const [id, r] of Object.entries(records)) out[id] = codec.decode(id, r) as Record<string, unknown>;
  }
  return out;
}
