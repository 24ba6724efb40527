/**
 * Possible duplicates against a really started server, on referrals stored (encrypted) before it
 * starts: pairs with the same phone, the same ID number, or the same name and village (written
 * differently: decomposed letters, extra spaces) are flagged on both inbox rows and listed on
 * both referral pages, with status, date and why; a match in another township is only counted
 * for a caseworker (no reference, nowhere on their pages) and listed for the county admin;
 * "merge" closes one case into the other (both histories, the audit log, no resident notice, the
 * resident's status page says "joined", not "withdrawn"); "not a duplicate" removes the flag for
 * everyone and for good (after a restart), and can be undone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReferralRecord } from '../../../bot/referral/referral-record.ts';
import zhStaff from '../../../locales/zh/staff.json' with { type: 'json' };
import zhWeb from '../../../locales/zh/web.json' with { type: 'json' };
import { addCaseworker, addStaffUser } from '../../helpers/admin-cli.ts';
import { readAuditLines } from '../../helpers/audit-tamper.ts';
import {
  seededIdNumber as idNumber,
  seededReferral as referral,
  seedReferrals,
} from '../../helpers/seed-referrals.ts';
import { PageClient } from '../../helpers/browser-session.ts';
import { signIn, signInAdmin } from '../../helpers/staff-sign-in.ts';
import { type Started, startServer } from '../../helpers/start-server.ts';
import { storedReferrals } from '../../helpers/stored-referrals.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'duplicates-'));
const env = { PORT: '0', DATA_DIR: dataDir, LOGINS_PER_MINUTE: '100' };
let server: Started;
let worker: PageClient;
let admin: PageClient;

const uyName = 'ئايگۈل'; // starts with U+0626, which NFD splits into two code points
const seeds: ReferralRecord[] = [
  // Same phone: the first already approved (what the caseworker must not miss).
  referral('TE-PHONE001', 2, { name: '阿依古丽', phone: '13900000001' }, { status: 'approved' }),
  referral('TE-PHONE002', 20, { name: '阿依古丽·买买提', phone: '13900000001' }),
  // Same ID number, different phones.
  referral('TE-IDNUM001', 3, { name: '古丽娜尔', phone: '13900000011', idNumber: idNumber(11) }),
  referral('TE-IDNUM002', 21, { name: '古丽娜', phone: '13900000012', idNumber: idNumber(11) }),
  // Same name and village, written differently (decomposed letters, spaces).
  referral('TE-NAMEV001', 4, { name: uyName, phone: '13900000021', village: 'ئاقسۇ كەنتى' }),
  referral('TE-NAMEV002', 22, {
    name: ` ${uyName.normalize('NFD')}`,
    phone: '13900000022',
    village: 'ئاقسۇ  كەنتى ',
  }),
  // Same name, another village: not flagged.
  referral('TE-NAMEV003', 23, { name: uyName, phone: '13900000023', village: 'باشقا كەنت' }),
  // Same phone in two townships.
  referral('TE-TOWNS001', 5, { name: '热依拉', phone: '13900000031' }),
  referral('TE-TOWNS002', 24, { name: '热依拉', phone: '13900000031' }, { township: 'kuokesu' }),
  // To be merged: the open one into the one with a visit already.
  referral('TE-MERGE001', 25, { name: '努尔', phone: '13900000041', idNumber: idNumber(41) }),
  referral(
    'TE-MERGE002',
    6,
    { name: '努尔', phone: '13900000042', idNumber: idNumber(41) },
    { status: 'visit_scheduled' },
  ),
  // To be marked "not a duplicate" (two people sharing a family phone).
  referral('TE-NOTDU001', 7, { name: '阿力木', phone: '13900000051' }),
  referral('TE-NOTDU002', 26, { name: '阿娜尔', phone: '13900000051' }),
];

/** The inbox row of a reference: its possible-duplicate mark's links (undefined: no mark). */
function badge(html: string, reference: string): { links: string[]; text: string } | undefined {
  const row = new RegExp(`<tr data-reference="${reference}"[^>]*>([\\s\\S]*?)</tr>`).exec(html)?.[1];
  if (row === undefined) throw new Error(`${reference} is not in the inbox`);
  const mark = /<span class="dup-badge"[^>]*>([\s\S]*?)<\/span><\/td>/.exec(row)?.[1];
  if (mark === undefined) return undefined;
  return {
    links: [...mark.matchAll(/href="\/staff\/referrals\/([A-Z]{2}-[0-9A-Z]{8})"/g)].map((m) => m[1]!),
    text: mark.replace(/<[^>]+>/g, ''),
  };
}

/** The referral page's duplicate box: reference → the row's text (status, date, why). */
function box(html: string): Map<string, string> {
  const rows = [...html.matchAll(/<tr data-duplicate="([^"]+)">([\s\S]*?)<\/tr>/g)];
  return new Map(
    rows.map((m) => [m[1]!, m[2]!.replace(/<form[\s\S]*?<\/form>/g, '').replace(/<[^>]+>/g, ' ')]),
  );
}

const inbox = async (client: PageClient) => {
  await client.get('/staff?kind=referral');
  expect(client.status).toBe(200);
  return client.last;
};
const page = async (client: PageClient, reference: string) => {
  await client.get(`/staff/referrals/${reference}`);
  expect(client.status).toBe(200);
  return client.last;
};
const d = zhStaff.duplicates;

beforeAll(async () => {
  await seedReferrals(dataDir, seeds);
  const workerPassword = addCaseworker(dataDir, 'dup.worker', 'karadala');
  const adminPassword = addStaffUser(dataDir, [
    '--username',
    'dup.admin',
    '--role',
    'county_admin',
    '--county',
    'tekes',
  ]);
  server = await startServer('server/main.ts', env);
  worker = await signIn(server.base, 'dup.worker', workerPassword);
  admin = (await signInAdmin(server.base, 'dup.admin', adminPassword)).page;
}, 120_000);

afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('possible duplicates are flagged and linked', () => {
  it('same phone: both inbox rows marked, each linking the other; the page lists the approved case', async () => {
    const html = await inbox(worker);
    expect(badge(html, 'TE-PHONE001')?.links).toEqual(['TE-PHONE002']);
    expect(badge(html, 'TE-PHONE002')?.links).toEqual(['TE-PHONE001']);
    const listed = box(await page(worker, 'TE-PHONE002'));
    expect([...listed.keys()]).toEqual(['TE-PHONE001']);
    expect(listed.get('TE-PHONE001')).toContain(zhStaff.statuses.approved);
    expect(listed.get('TE-PHONE001')).toContain('2026-11-02');
    expect(listed.get('TE-PHONE001')).toContain(d.why_phone);
    expect(worker.last).toContain('href="/staff/referrals/TE-PHONE001"');
    expect(box(await page(worker, 'TE-PHONE001')).has('TE-PHONE002')).toBe(true);
  });

  it('same ID number, and same name and village however spaced or composed; another village is not', async () => {
    const html = await inbox(worker);
    expect(badge(html, 'TE-IDNUM001')?.links).toEqual(['TE-IDNUM002']);
    expect(badge(html, 'TE-IDNUM002')?.links).toEqual(['TE-IDNUM001']);
    expect(box(await page(worker, 'TE-IDNUM002')).get('TE-IDNUM001')).toContain(d.why_idNumber);
    expect(badge(html, 'TE-NAMEV001')?.links).toEqual(['TE-NAMEV002']);
    expect(badge(html, 'TE-NAMEV002')?.links).toEqual(['TE-NAMEV001']);
    expect(badge(html, 'TE-NAMEV003')).toBeUndefined();
    const why = box(await page(worker, 'TE-NAMEV001')).get('TE-NAMEV002');
    expect(why).toContain(d.why_nameVillage);
    expect(why).not.toContain(d.why_phone);
  });

  it('another township: the caseworker sees a count only, never the reference; the county admin sees both', async () => {
    const html = await inbox(worker);
    const mark = badge(html, 'TE-TOWNS001');
    expect(mark?.links).toEqual([]);
    expect(mark?.text).toContain('另有1件在其他乡镇');
    expect(html).not.toContain('TE-TOWNS002');
    const own = await page(worker, 'TE-TOWNS001');
    expect(own).not.toContain('TE-TOWNS002');
    expect(box(own).size).toBe(0);
    expect(own).toContain('另有1件可能重复的案件在其他乡镇');
    // Acting on the pair from the caseworker's side changes nothing and is audited as denied.
    const res = await worker.post('/staff/referrals/TE-TOWNS001/duplicates/not-duplicate', {
      other: 'TE-TOWNS002',
    });
    expect(res.status).toBe(409);
    expect(worker.last).not.toContain('TE-TOWNS002');
    expect(storedReferrals(dataDir)['TE-TOWNS001']!.notDuplicateOf).toBeUndefined();
    expect(readAuditLines(join(dataDir, 'audit.jsonl'))).toContainEqual(
      expect.objectContaining({ action: 'denied', target: 'TE-TOWNS002' }),
    );

    const county = await inbox(admin);
    expect(badge(county, 'TE-TOWNS001')?.links).toEqual(['TE-TOWNS002']);
    expect(badge(county, 'TE-TOWNS002')?.links).toEqual(['TE-TOWNS001']);
    expect(box(await page(admin, 'TE-TOWNS002')).get('TE-TOWNS001')).toContain(d.why_phone);
  });
});

describe('merge into the other case', () => {
  it('needs the form token', async () => {
    await page(worker, 'TE-MERGE001');
    const res = await worker.post(
      '/staff/referrals/TE-MERGE001/duplicates/merge',
      { other: 'TE-MERGE002' },
      false,
    );
    expect(res.status).toBe(403);
    expect(storedReferrals(dataDir)['TE-MERGE001']!.mergedInto).toBeUndefined();
  });

  it('closes this case into the other: both histories, the audit log, no flag left, no "withdrawn" told to the resident', async () => {
    await page(worker, 'TE-MERGE001');
    const res = await worker.post('/staff/referrals/TE-MERGE001/duplicates/merge', { other: 'TE-MERGE002' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/staff/referrals/TE-MERGE002?saved=saved');

    const stored = storedReferrals(dataDir);
    const merged = stored['TE-MERGE001'] as ReferralRecord;
    const kept = stored['TE-MERGE002'] as ReferralRecord;
    expect(merged.mergedInto).toBe('TE-MERGE002');
    expect(merged.status).toBe('withdrawn');
    expect(merged.history.at(-1)).toMatchObject({ action: 'merged', from: 'new', to: 'TE-MERGE002' });
    // Not a status step: the resident's own list of steps shows no "withdrawn".
    expect(merged.history.some((h) => h.action === 'status')).toBe(false);
    expect(kept.status).toBe('visit_scheduled');
    expect(kept.history.at(-1)).toMatchObject({ action: 'merged_from', to: 'TE-MERGE001' });
    expect(readAuditLines(join(dataDir, 'audit.jsonl'))).toContainEqual(
      expect.objectContaining({ action: 'merge', target: 'TE-MERGE001', detail: 'TE-MERGE002' }),
    );

    const html = await inbox(worker);
    expect(badge(html, 'TE-MERGE002')).toBeUndefined();
    expect(badge(html, 'TE-MERGE001')).toBeUndefined();
    const mergedPage = await page(worker, 'TE-MERGE001');
    expect(mergedPage).toContain('data-merged-into="TE-MERGE002"');
    expect(mergedPage).toContain(d.history_merged.replace('{{reference}}', 'TE-MERGE002'));
    expect(await page(worker, 'TE-MERGE002')).toContain(
      d.history_merged_from.replace('{{reference}}', 'TE-MERGE001'),
    );

    // The resident looking the merged reference up is told it was joined, not withdrawn.
    const resident = new PageClient(server.base);
    await resident.get('/zh/status');
    await resident.post('/zh/status', { reference: 'TE-MERGE001', digits: '0041' });
    expect(resident.status).toBe(200);
    expect(resident.last).toContain(zhWeb.status.states.merged);
    expect(resident.last).not.toContain(zhWeb.status.states.withdrawn);

    // Merging it again (or a closed case into anything) changes nothing.
    await page(worker, 'TE-PHONE001');
    const again = await worker.post('/staff/referrals/TE-PHONE001/duplicates/merge', {
      other: 'TE-PHONE002',
    });
    expect(again.status).toBe(409);
    expect(storedReferrals(dataDir)['TE-PHONE001']!.mergedInto).toBeUndefined();
  });
});

describe('not a duplicate', () => {
  it('removes the flag for the pair for everyone, recorded with who and when, and it stays gone after a restart', async () => {
    await page(worker, 'TE-NOTDU002');
    const res = await worker.post('/staff/referrals/TE-NOTDU002/duplicates/not-duplicate', {
      other: 'TE-NOTDU001',
    });
    expect(res.status).toBe(303);
    const stored = storedReferrals(dataDir);
    for (const [a, b] of [
      ['TE-NOTDU001', 'TE-NOTDU002'],
      ['TE-NOTDU002', 'TE-NOTDU001'],
    ] as const) {
      const r = stored[a] as ReferralRecord;
      expect(r.notDuplicateOf).toEqual([{ reference: b, at: expect.any(String), by: expect.any(String) }]);
      expect(r.history.at(-1)).toMatchObject({ action: 'not_duplicate', to: b });
    }
    expect(readAuditLines(join(dataDir, 'audit.jsonl'))).toContainEqual(
      expect.objectContaining({ action: 'not_duplicate', target: 'TE-NOTDU002', detail: 'TE-NOTDU001' }),
    );
    for (const client of [worker, admin]) {
      const html = await inbox(client);
      expect(badge(html, 'TE-NOTDU001')).toBeUndefined();
      expect(badge(html, 'TE-NOTDU002')).toBeUndefined();
    }
    expect(await page(worker, 'TE-NOTDU001')).toContain('data-dismissed="TE-NOTDU002"');

    await server.stop();
    server = await startServer('server/main.ts', env);
    // A new process on the same data directory: signed in again with the changed password.
    const relogged = new PageClient(server.base);
    await relogged.get('/staff/login');
    await relogged.post('/staff/login', { username: 'dup.worker', password: 'dup.worker new password' });
    worker = relogged;
    const html = await inbox(worker);
    expect(badge(html, 'TE-NOTDU001')).toBeUndefined();
    expect(badge(html, 'TE-NOTDU002')).toBeUndefined();
    // Other pairs are still flagged after the restart.
    expect(badge(html, 'TE-PHONE002')?.links).toEqual(['TE-PHONE001']);
  }, 120_000);

  it('can be undone, which flags the pair again', async () => {
    await page(worker, 'TE-NOTDU001');
    const res = await worker.post('/staff/referrals/TE-NOTDU001/duplicates/restore', {
      other: 'TE-NOTDU002',
    });
    expect(res.status).toBe(303);
    const html = await inbox(worker);
    expect(badge(html, 'TE-NOTDU001')?.links).toEqual(['TE-NOTDU002']);
    expect(storedReferrals(dataDir)['TE-NOTDU002']!.notDuplicateOf).toEqual([]);
    expect(readAuditLines(join(dataDir, 'audit.jsonl'))).toContainEqual(
      expect.objectContaining({ action: 'duplicate_restored', target: 'TE-NOTDU001', detail: 'TE-NOTDU002' }),
    );
  });
});
