/**
 * The referrals as they are on disk, read from every shard file (referrals-N.json), their
 * personal fields decrypted with the data directory's key file (as the server loads them).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Answers, toHousehold } from '../../bot/dialog/answers.ts';
import { sessionPersonalFields } from '../../bot/dialog/session.ts';
import { openReferrals } from '../../bot/referral/dialog-storage.ts';
import { type ReferralRecord, referralPersonalFields } from '../../bot/referral/referral-record.ts';
import { openFileStore } from '../../bot/store/collection-store.ts';
import { type EnvKeys, loadDataKeys } from '../../bot/store/data-keys.ts';
import { recordCodec } from '../../bot/store/field-cipher.ts';
import { type OpenStoreOptions, openStore } from '../../bot/store/open-store.ts';
import { createScreener } from '../../rules/engine/screen.ts';

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

/**
 * The referrals as any store holds them (lowdb or PostgreSQL), read through the store opened as
 * the server opens it: for PostgreSQL, where there are no files to read. On lowdb prefer
 * `storedReferrals`, which reads the files themselves (and so also shows they parse).
 */
export async function referralsInStore(
  options: Pick<OpenStoreOptions, 'dataDir' | 'databaseUrl' | 'keys'>,
): Promise<Record<string, Record<string, unknown>>> {
  const store = await openStore(options);
  try {
    const out: Record<string, Record<string, unknown>> = {};
    for await (const [id, r] of (await openReferrals(store)).entries()) {
      const { searchIndex: _index, ...plain } = r as unknown as Record<string, unknown>;
      out[id] = plain;
    }
    return out;
  } finally {
    await store.close();
  }
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

/**
 * Referrals written straight into a data directory (server stopped), as the server stores them:
 * for staff-page tests that need households the web form cannot make in one step (six members,
 * an emergency, a Kazakh resident). The programs are screened from the answers, like a real one.
 */
export async function seedReferrals(dataDir: string, seeds: SeededReferral[]): Promise<void> {
  const screener = createScreener();
  const store = await openFileStore(dataDir);
  const referrals = await openReferrals(store);
  for (const s of seeds) {
    const at = s.createdAt ?? new Date().toISOString();
    const household = toHousehold(s.answers, at.slice(0, 10));
    const screened = household ? screener.screen(household) : undefined;
    if (!screened?.ok) throw new Error(`${s.reference}: the seeded answers do not screen`);
    const record: ReferralRecord = {
      reference: s.reference,
      kind: 'referral',
      createdAt: at,
      updatedAt: at,
      channel: 'web',
      lang: s.lang,
      jurisdiction: s.answers.jurisdiction!,
      ...(s.answers.township ? { township: s.answers.township } : {}),
      answers: JSON.parse(JSON.stringify(s.answers)),
      programs: screened.value.programs.map((p) => ({
        id: p.id,
        verdict: p.verdict,
        ...(p.tier !== undefined ? { tier: p.tier } : {}),
        ...(p.monthlyAmount !== undefined ? { monthlyAmount: p.monthlyAmount } : {}),
        department: p.department,
      })),
      name: s.name,
      phone: s.phone,
      status: 'new',
      history: [{ at, by: 'resident', action: 'created' }],
    };
    await referrals.setDurably(s.reference, record);
  }
  await store.close();
}

export interface SeededReferral {
  reference: string;
  lang: ReferralRecord['lang'];
  answers: Answers;
  name: string;
  phone: string;
  createdAt?: string;
}
