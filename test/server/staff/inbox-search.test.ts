/**
 * The inbox against a really started server: a call-back stored without a phone (as the code
 * before call-backs required one wrote it) is never counted or listed as work, only in its own
 * list, marked; search finds a case by a whole phone number, a whole ID number (lower-case x)
 * or part of its reference, only within the caseworker's township, and the search term is
 * never written to the log or the audit log.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openReferrals } from '../../../bot/referral/dialog-storage.ts';
import type { ReferralRecord } from '../../../bot/referral/referral-record.ts';
import { openFileStore } from '../../../bot/store/collection-store.ts';
import zhStaff from '../../../locales/zh/staff.json' with { type: 'json' };
import { addCaseworker } from '../../helpers/admin-cli.ts';
import type { PageClient } from '../../helpers/browser-session.ts';
import { coupleReferral } from '../../helpers/resident-referral.ts';
import { signIn } from '../../helpers/staff-sign-in.ts';
import { type Started, startServer } from '../../helpers/start-server.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'inbox-search-'));
let server: Started;
let worker: PageClient;
const legacy = 'TE-LEGACY01';
const refs = { here: '', there: '' };

/** An 18-character ID number whose check character is X (GB 11643), so lower-case x can be typed. */
function idEndingInX(start: number): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  for (let n = start; ; n++) {
    const first17 = `65402319800101${String(n).padStart(3, '0')}`;
    const sum = [...first17].reduce((s, d, i) => s + Number(d) * weights[i]!, 0);
    if ('10X98765432'[sum % 11] === 'X') return `${first17}X`;
  }
}
const here = { name: '阿依古丽', phone: '13912345678', id_number: idEndingInX(100) };
const there = { name: '古丽娜尔', phone: '13887654321', id_number: idEndingInX(500) };

/** The call-back as the old code stored it when the resident gave neither name nor phone. */
async function seedLegacyCallback() {
  const store = await openFileStore(dataDir);
  const referrals = await openReferrals(store);
  const at = new Date().toISOString();
  const record: ReferralRecord = {
    reference: legacy,
    kind: 'callback',
    createdAt: at,
    updatedAt: at,
    channel: 'web',
    lang: 'zh',
    jurisdiction: 'tekes',
    township: 'karadala',
    answers: {},
    programs: [],
    name: '',
    phone: '',
    status: 'new',
    history: [{ at, by: 'resident', action: 'created' }],
  };
  await referrals.setDurably(legacy, record);
  await store.close();
}

const rows = (html: string) =>
  [...html.matchAll(/data-reference="([A-Z]{2}-[0-9A-Z]{8})"/g)].map((m) => m[1]);
const newCount = (html: string) => Number(/data-status-count="new">(\d+)</.exec(html)?.[1]);
const found = async (q: string) => {
  const res = await worker.get(`/staff?q=${encodeURIComponent(q)}`);
  expect(res.status).toBe(200);
  return rows(worker.last);
};

/** Every file under a directory, recursively. */
const filesUnder = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });

beforeAll(async () => {
  await seedLegacyCallback();
  const password = addCaseworker(dataDir, 'search.worker', 'karadala');
  server = await startServer('server/main.ts', { PORT: '0', DATA_DIR: dataDir, LOGINS_PER_MINUTE: '100' });
  refs.here = await coupleReferral(server.base, here, 'karadala');
  refs.there = await coupleReferral(server.base, there, 'kuokesu');
  worker = await signIn(server.base, 'search.worker', password);
}, 120_000);

afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a call-back nobody can return', () => {
  it('is neither listed nor counted as work, only in its own list with the mark', async () => {
    await worker.get('/staff');
    expect(rows(worker.last)).toEqual([refs.here]);
    expect(newCount(worker.last)).toBe(1);
    expect(worker.last).toContain('href="/staff?kind=unreturnable"');
    await worker.get('/staff?status=new');
    expect(rows(worker.last)).not.toContain(legacy);
    await worker.get('/staff?kind=callback');
    expect(rows(worker.last)).not.toContain(legacy);

    await worker.get('/staff?kind=unreturnable');
    expect(rows(worker.last)).toEqual([legacy]);
    expect(worker.last).toContain(zhStaff.inbox.unreturnable);
    expect(worker.last).toMatch(/<tr data-reference="TE-LEGACY01" class="unreturnable">/);
  });
});

describe('search', () => {
  it('finds a case by whole phone, whole ID (x in any case) or part of the reference, in the township only', async () => {
    const fragment = refs.here.slice(3, 8); // "EQ701" of TE-EQ701XD8
    expect(await found(here.phone)).toEqual([refs.here]);
    expect(await found(here.id_number.toLowerCase())).toEqual([refs.here]);
    expect(await found(here.id_number)).toEqual([refs.here]);
    expect(await found(fragment.toLowerCase())).toEqual([refs.here]);
    expect(await found(refs.here.slice(0, 6))).toEqual([refs.here]);
    expect(await found(refs.here.replace('-', '').toLowerCase())).toEqual([refs.here]);
    // Another township's case: by nothing at all.
    for (const q of [
      there.phone,
      there.id_number,
      there.id_number.toLowerCase(),
      refs.there.slice(3, 8),
      refs.there,
    ])
      expect(await found(q)).toEqual([]);
  });

  it('never writes what was searched to the log, the audit log or a redirect', async () => {
    const res = await worker.get(`/staff?q=${here.phone}`);
    expect(res.headers.get('location')).toBeNull();
    const output = server.output();
    for (const secret of [here.phone, here.id_number, there.phone, there.id_number])
      expect(output).not.toContain(secret);
    for (const f of filesUnder(dataDir)) {
      const text = readFileSync(f, 'latin1');
      for (const secret of [here.phone, here.id_number, there.id_number.toLowerCase()])
        expect(text, f).not.toContain(secret);
    }
  });
});
