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
import { coupleReferral } from '../../helpers/resident-referral.ts';
import { chinaDate } from '../../../server/staff/referral-view.ts';
import ugStaff from '../../../locales/ug/staff.json' with { type: 'json' };
import kkStaff from '../../../locales/kk/staff.json' with { type: 'json' };

let server: Started;
let dataDir: string;
let tekesAdmin: PageClient;
let qitaiAdmin: PageClient;
let caseworker: PageClient;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'audit-page-'));
  const admin = (username: string, county: string) =>
    addStaffUser(dataDir, ['--username', username, '--role', 'county_admin', '--county', county]);
  const tekesPassword = admin('tekes.admin', 'tekes');
  const qitaiPassword = admin('qitai.admin', 'qitai');
  const caseworkerPassword = addCaseworker(dataDir, 'karadala1', 'karadala', ['--name', '王老师']);
  server = await startServer('server/main.ts', { PORT: '0', DATA_DIR: dataDir, LOGINS_PER_MINUTE: '1000' });
  tekesAdmin = (await signInAdmin(server.base, 'tekes.admin', tekesPassword)).page;
  qitaiAdmin = (await signInAdmin(server.base, 'qitai.admin', qitaiPassword)).page;
  caseworker = await signIn(server.base, 'karadala1', caseworkerPassword);
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

/** The rows of the audit table: each cell's visible text, by column. */
function auditRows(html: string) {
  return [...html.matchAll(/<tr data-seq="(\d+)">([\s\S]*?)<\/tr>/g)].map((m) => {
    const [, at, who, action, target, detail] = [...m[2]!.matchAll(/<td>([\s\S]*?)<\/td>/g)].map((c) =>
      textOf(c[1]!).trim(),
    );
    return { seq: Number(m[1]), at, who, action, target, detail };
  });
}
const totalOf = (html: string) => Number(/id="audit-total"[^>]*>[\s\S]*?(\d+)/.exec(html)?.[1]);
const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const views = 55;

describe('filters, pages and words on the audit page (issue 16 item 8)', () => {
  let first: string;
  let second: string;
  const today = () => chinaDate(new Date().toISOString());
  const dayOff = (days: number) => chinaDate(new Date(Date.now() + days * 86_400_000).toISOString());

  beforeAll(async () => {
    first = await coupleReferral(server.base, { name: '张三', phone: '13912345678' });
    second = await coupleReferral(server.base, { name: '李四', phone: '13912345679' });
    // Three status changes on the first case, the last "accepted -> declined" as the log stores it.
    for (const to of ['contacted', 'accepted', 'declined']) {
      await caseworker.get(`/staff/referrals/${first}`);
      await caseworker.post(`/staff/referrals/${first}/status`, { to, note: '' });
      expect(caseworker.status).toBe(302); // back to the case page: saved
    }
    // More views of the second case than one page holds.
    for (let i = 0; i < views; i++) await caseworker.get(`/staff/referrals/${second}`);
  }, 240_000);

  const audit = async (query: string, status = 200) => {
    await tekesAdmin.get(`/staff/audit${query}`);
    expect(tekesAdmin.status).toBe(status);
    return { html: tekesAdmin.last, rows: auditRows(tekesAdmin.last), total: totalOf(tekesAdmin.last) };
  };

  it('writes status changes in Chinese, accounts by name: no ids, no "->"', async () => {
    // The whole log first (the old page's markup would do): no account ids, no English notes.
    const all = await audit('');
    expect(all.html).not.toMatch(uuid);
    expect(all.html).not.toContain('-&gt;');
    expect(all.rows.length).toBe(50);
    const { html, rows, total } = await audit(`?action=status&case=${first}`);
    expect(total).toBe(3);
    expect(rows.map((r) => r.detail)).toEqual([
      '状态：已受理申请 → 未批准',
      '状态：已联系 → 已受理申请',
      '状态：新转介 → 已联系',
    ]);
    expect(
      rows.every((r) => r.who === '王老师（karadala1）' && r.action === zhStaff.audit.actions.status),
    ).toBe(true);
    expect(html).not.toContain('-&gt;');
    // Accounts added by the admin command are named, not numbered.
    const added = (await audit('?action=user_add')).rows;
    expect(added.map((r) => r.target).sort()).toEqual(['tekes.admin', '王老师（karadala1）']);
    expect(added.map((r) => r.detail)).toContain('karadala1，乡镇工作人员（用管理命令）');
  });

  it('filters by person', async () => {
    const mine = await audit('?by=karadala1');
    expect(mine.total).toBeGreaterThan(views);
    expect(new Set(mine.rows.map((r) => r.who))).toEqual(new Set(['王老师（karadala1）']));
    const system = await audit('?by=-system');
    expect(system.total).toBeGreaterThan(0);
    expect(new Set(system.rows.map((r) => r.who))).toEqual(new Set([zhStaff.history.by_system]));
    expect((await audit('?by=nobody.here')).total).toBe(0);
  });

  it('filters by action', async () => {
    const changed = await audit('?action=status');
    expect(changed.total).toBe(3);
    const exports = await audit('?action=export');
    expect(exports.rows.map((r) => r.action)).toEqual([zhStaff.audit.actions.export]);
    expect(exports.rows[0]!.detail).toMatch(/^\d+ 行$/);
  });

  it('filters by case reference, or part of one, in any case', async () => {
    const part = first.slice(-5).toLowerCase();
    const before = readAuditLines(auditFile()).length;
    const found = await audit(`?case=${part}`);
    expect(found.total).toBeGreaterThanOrEqual(6); // three views and three changes
    expect(found.rows.every((r) => r.target === first)).toBe(true);
    // What was searched for is not written to the log: the page's entry names only the page.
    // (Its target and detail are compared, not the whole line: ids and MACs are hex, and hold
    // a short run of hex digits by chance.)
    const added = readAuditLines(auditFile()).slice(before);
    expect(added.map((e) => e.action)).toEqual(['view_audit']);
    expect(added.filter((e) => `${e.target} ${e.detail ?? ''}`.toLowerCase().includes(part))).toEqual([]);
    // Nor to the request log: it writes the path only, never the query.
    expect((await audit(`?case=${first}`)).total).toBe(found.total);
    expect(server.output()).not.toContain(first);
  });

  it('filters by China date from and to', async () => {
    expect((await audit(`?action=status&from=${today()}&to=${today()}`)).total).toBe(3);
    expect((await audit(`?action=status&from=${dayOff(1)}`)).total).toBe(0);
    const none = await audit(`?action=status&to=${dayOff(-1)}`);
    expect(none.total).toBe(0);
    expect(textOf(none.html)).toContain(zhStaff.inbox.none);
  });

  it.each([
    ['a day that is not in the calendar', '?from=2026-02-30'],
    ['from after to', '?from=2026-12-02&to=2026-12-01'],
    ['a reference with markup', '?case=%3Cscript%3E'],
    ['page 0', '?page=0'],
    ['an action that is no word', '?action=DROP%20TABLE'],
  ])('refuses %s with a translated message, and still shows the log', async (_, query) => {
    const { html, rows } = await audit(query, 400);
    expect(textOf(html)).toContain(zhStaff.audit.invalid_filter);
    expect(rows.length).toBeGreaterThan(0);
    expect(html).toContain('id="integrity"');
  });

  it(`pages through ${views} views of one case, 50 a page, the filters kept`, async () => {
    const one = await audit(`?action=view&case=${second}`);
    expect(one.total).toBe(views);
    expect(one.rows).toHaveLength(50);
    const next = /<a rel="next" href="([^"]+)"/.exec(one.html)?.[1]?.replace(/&amp;/g, '&');
    const upto = /upto=(\d+)/.exec(next ?? '')?.[1];
    expect(next).toBe(`/staff/audit?action=view&case=${second}&upto=${upto}&page=2`);
    expect(one.html).not.toContain('rel="prev"');
    const two = await audit(next!.slice('/staff/audit'.length));
    expect(two.rows).toHaveLength(views - 50);
    expect(two.html).toContain(
      `rel="prev" href="/staff/audit?action=view&amp;case=${second}&amp;upto=${upto}&amp;page=1"`,
    );
    expect(two.html).not.toContain('rel="next"');
    const seqs = [...one.rows, ...two.rows].map((r) => r.seq);
    expect(new Set(seqs).size).toBe(views);
    // Newest first, across the pages.
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
  });

  it('pages the whole log with no row twice and none missed, though each view adds an entry', async () => {
    const one = await audit('');
    expect(one.total).toBeGreaterThan(50);
    const next = /<a rel="next" href="([^"]+)"/.exec(one.html)?.[1]?.replace(/&amp;/g, '&');
    expect(next).toMatch(/^\/staff\/audit\?upto=\d+&page=2$/);
    // Another view meanwhile (it appends its own entry, newest of all).
    await audit('');
    const two = await audit(next!.slice('/staff/audit'.length));
    expect(two.total).toBe(one.total);
    const [a, b] = [one.rows.map((r) => r.seq), two.rows.map((r) => r.seq)];
    expect(b.filter((seq) => a.includes(seq))).toEqual([]);
    // Page 2 starts right below page 1 among the entries the admin may see.
    const below = await audit(`?upto=${Math.min(...a) - 1}`);
    expect(below.rows[0]?.seq).toBe(b[0]);
  });

  it.each([
    ['ug', ugStaff],
    ['kk', kkStaff],
  ] as const)('in %s, when the admin switches the staff pages to it', async (lang, words) => {
    await tekesAdmin.get('/staff/audit');
    await tekesAdmin.post('/staff/lang', { lang, back: '/staff/audit' });
    try {
      const { html, rows } = await audit(`?action=status&case=${first}`);
      expect(rows[0]!.detail).toBe(
        words.history.status
          .replace('{{from}}', words.statuses.accepted)
          .replace('{{to}}', words.statuses.declined),
      );
      expect(rows[0]!.action).toBe(words.audit.actions.status);
      expect(html).not.toContain('状态：');
      expect(html).not.toContain('-&gt;');
    } finally {
      await tekesAdmin.get('/staff/audit');
      await tekesAdmin.post('/staff/lang', { lang: 'zh', back: '/staff/audit' });
    }
  });
});
