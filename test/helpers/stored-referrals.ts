/** The referrals as they are on disk, read from every shard file (referrals-N.json). */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export function storedReferrals(dataDir: string): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const file of readdirSync(dataDir).filter((f) => /^referrals-\d+\.json$/.test(f))) {
    Object.assign(out, JSON.parse(readFileSync(join(dataDir, file), 'utf8')).records);
  }
  return out;
}

export function referralFiles(dataDir: string): string[] {
  return readdirSync(dataDir)
    .filter((f) => /^referrals-\d+\.json$/.test(f))
    .map((f) => join(dataDir, f));
}
