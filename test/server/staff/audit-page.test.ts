/**
 * The county admin's audit page on a really started server (security issue, items 9 and 10).
 * - Tampering with the running server's audit files after some staff actions — entries cut
 *   from the end, an entry deleted and the chain recomputed with SHA-256, an entry edited — is
 *   reported on the page; put back, the page says the log is intact again.
 * - A Qitai admin sees none of Tekes's entries: not its failed-login usernames, not its staff's
 *   actions; a failed login for a name that is no account is shown to no county.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import zhStaff from '../../../locales/zh/staff.json' with { type: 'json' };
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCaseworker, addStaffUser } from '../../helpers/admin-cli.ts';
import { type AuditLine, readAuditLines, rechain, writeAuditLines } from '../../helpers/audit-tamper.ts';
import { PageClient, textOf } from '../../helpers/browser-session.ts';
import { signIn, signInAdmin } from '../../helpers/staff-sign-in.ts';
import { type Started, startServer } from '../../helpers/start-server.ts';

let server: Started;
let dataDir: string;
let tekesAdmin: PageClient;
let qitaiAdmin: PageClient;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'audit-page-'));
  const admin = (username: string, county: string) =>
    addStaffUser(dataDir, ['--username', username, '--role', 'county_admin', '--county', county]);
  const tekesPassword = admin('tekes.admin', 'tekes');
  const qitaiPassword = admin('qitai.admin', 'qitai');
  const caseworkerPassword = addCaseworker(dataDir, 'karadala1');
  server = await startServer('server/main.ts', { PORT: '0', DATA_DIR: dataDir, LOGINS_PER_MINUTE: '1000' });
  tekesAdmin = (await signInAdmin(server.base, 'tekes.admin', tekesPassword)).page;
  qitaiAdmin = (await signInAdmin(server.base, 'qitai.admin', qitaiPassword)).page;
  const caseworker = await signIn(server.base, 'karadala1', caseworkerPassword);
  await caseworker.get('/staff/export.csv');
  // Failed logins: a Tekes account's name, and a name that is no account.
  // From a browser not signed in (a signed-in one is sent on from the login page).
  const stranger = new PageClient(server.base);
  for (const username of ['karadala1', 'no.such.name']) {
    await stranger.get('/staff/login');
    await stranger.post('/staff/login', { username, password: 'a wrong password' });
    expect(stranger.status).toBe(401);
  }
}, 120_000);

afterAll(async () => {
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const auditFile = () => join(dataDir, 'audit.jsonl');

/** The admin's audit page: whether it says the log is intact, and its visible text. */
async function auditPage(page: PageClient) {
  await page.get('/staff/audit');
  expect(page.status).toBe(200);
  const intact = /id="integrity" data-ok="(true|false)"/.exec(page.last)?.[1];
  return { intact, text: textOf(page.last) };
}

const tampering: [string, (entries: AuditLine[]) => AuditLine[]][] = [
  ['entries cut from the end', (entries) => entries.slice(0, -3)],
  [
    'an entry deleted and the chain recomputed with SHA-256',
    (entries) => rechain(entries.filter((e) => e.seq !== 2)),
  ],
  ['an entry edited', (entries) => entries.map((e) => (e.seq === 3 ? { ...e, target: `${e.target}x` } : e))],
];

describe('the audit page', () => {
  it.each(tampering)('reports %s in the files of the running server', async (_, tamper) => {
    expect((await auditPage(tekesAdmin)).intact).toBe('true');
    const original = readFileSync(auditFile(), 'utf8');
    const entries = readAuditLines(auditFile());
    expect(entries.length).toBeGreaterThan(8);
    const tampered = writeAuditLines(auditFile(), tamper(entries));
    expect((await auditPage(tekesAdmin)).intact).toBe('false');
    // Put back, with what the server appended meanwhile (chained on the true head): intact.
    const appended = readFileSync(auditFile(), 'utf8').slice(tampered.length);
    writeFileSync(auditFile(), original + appended);
    expect((await auditPage(tekesAdmin)).intact).toBe('true');
  });

  it("shows a Qitai admin none of Tekes's entries, and a failed login for no account to no one", async () => {
    const qitai = await auditPage(qitaiAdmin);
    expect(qitai.text).toContain('qitai.admin');
    for (const tekes of ['karadala1', 'tekes.admin', 'no.such.name']) expect(qitai.text).not.toContain(tekes);

    const tekes = await auditPage(tekesAdmin);
    expect(tekes.text).toContain('karadala1');
    expect(tekes.text).toContain('tekes.admin');
    expect(tekes.text).not.toContain('qitai.admin');
    expect(tekes.text).not.toContain('no.such.name');
    // A failed login says why in the admin's language, not as the code the log stores.
    expect(tekes.text).toContain(zhStaff.audit.details.invalid);
    expect(tekes.text).not.toMatch(/>invalid</);
  });
});
