/**
 * The caseworkers' side against a really started server: first-start admin, accounts, the
 * township boundary (by id, list filter, export and print), the workflow reaching the
 * resident's status page, exports opened and checked cell by cell, login throttling and logout.
 */
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentTotp } from '../../server/staff/totp.ts';
import { PageClient, textOf } from '../helpers/browser-session.ts';
import { coupleReferral } from '../helpers/resident-referral.ts';
import { type Started, startServer } from '../helpers/start-server.ts';

let server: Started;
let dataDir: string;
let admin: PageClient;
const users: Record<string, PageClient> = {};
/** The admin's cookies while the second factor was still owed, right after it, and the old one's answer then. */
const secondFactor = { before: '', after: '', oldStatus: 0, oldLocation: '' };
const refs: Record<string, string> = {};

const location = (res: Response) => res.headers.get('location') ?? '';

/** A resident sends a referral through the web form; returns its reference. */
const residentReferral = (township: string, name: string, phone: string, village = '阿克塔斯村') =>
  coupleReferral(server.base, { name, phone, village }, township);

async function loginAs(username: string, password: string) {
  const page = new PageClient(server.base);
  await page.get('/staff/login');
  const res = await page.post('/staff/login', { username, password });
  expect(res.status).toBe(302);
  return page;
}

/** A new caseworker: created by the admin, first login, own password. */
async function caseworker(username: string, township: string) {
  await admin.get('/staff/users');
  await admin.post('/staff/users/add', { username, display_name: username, role: 'caseworker', township });
  const found = /一次性密码：([A-Za-z0-9]{16})/.exec(textOf(admin.last));
  if (!found)
    throw new Error(
      `no one-time password on the page: ${textOf(admin.last).slice(0, 2000)} ${server.output().slice(-2000)}`,
    );
  const password = found[1]!;
  const page = await loginAs(username, password);
  // A first password must be replaced before anything else.
  expect(location(await page.get('/staff'))).toBe('/staff/password');
  await page.get('/staff/password');
  const res = await page.post('/staff/password', {
    current: password,
    new: `${username} new password`,
    repeat: `${username} new password`,
  });
  expect(location(res)).toBe('/staff?changed=1');
  return page;
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'staff-'));
  server = await startServer('server/main.ts', { PORT: '0', DATA_DIR: dataDir, LOGINS_PER_MINUTE: '100' });
  const password = /One-time password: (\S+)/.exec(server.output())![1]!;
  admin = await loginAs('admin', password).catch((e) => {
    throw new Error(`${e}\n${server.output().slice(-3000)}`);
  });
  // A county admin must enrol a second factor before anything else.
  const first = await admin.get('/staff');
  expect(location(first)).toBe('/staff/totp/setup');
  await admin.get('/staff/totp/setup');
  if (!admin.last.includes('totp-secret'))
    throw new Error(admin.last.slice(0, 3000) + server.output().slice(-3000));
  const secret = /id="totp-secret">([A-Z2-7]{32})</.exec(admin.last)![1]!;
  expect(location(await admin.post('/staff/totp/setup', { secret, code: '000000' }))).toBe('');
  secondFactor.before = admin.cookieHeader();
  const enrolled = await admin.post('/staff/totp/setup', { secret, code: currentTotp(secret) });
  expect(location(enrolled)).toBe('/staff');
  // Before the password change below, which ends every session anyway.
  secondFactor.after = admin.cookieHeader();
  const old = await fetch(`${server.base}/staff`, {
    headers: { cookie: secondFactor.before },
    redirect: 'manual',
  });
  secondFactor.oldStatus = old.status;
  secondFactor.oldLocation = location(old);
  expect(location(await admin.get('/staff'))).toBe('/staff/password');
  await admin.get('/staff/password');
  await admin.post('/staff/password', {
    current: password,
    new: 'county admin password',
    repeat: 'county admin password',
  });
  users.karadala = await caseworker('karadala1', 'karadala');
  users.kuokesu = await caseworker('kuokesu1', 'kuokesu');
  refs.karadala = await residentReferral('karadala', '阿依古丽', '13912345678');
  // A village typed as a spreadsheet formula: it must stay text in every export.
  refs.kuokesu = await residentReferral('kuokesu', '王芳', '13800001111', '=HYPERLINK("http://x")');
}, 120_000);

afterAll(async () => {
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the township boundary', () => {
  it('a caseworker sees their own township in the inbox, masked', async () => {
    const me = users.karadala!;
    await me.get('/staff');
    expect(me.last).toContain(refs.karadala);
    expect(me.last).not.toContain(refs.kuokesu);
    expect(me.last).toContain('139****5678');
    expect(me.last).not.toContain('13912345678');
  });
  it('gets nothing of another township: by id, by list filter, by search, export or print', async () => {
    const me = users.karadala!;
    expect((await me.get(`/staff/referrals/${refs.kuokesu}`)).status).toBe(404);
    expect((await me.get(`/staff/referrals/${refs.kuokesu}/print`)).status).toBe(404);
    await me.get('/staff?township=kuokesu');
    expect(me.last).not.toContain(refs.kuokesu);
    await me.get(`/staff?q=${refs.kuokesu}`);
    expect(me.last).not.toContain(`data-reference="${refs.kuokesu}"`);
    const csv = await (await me.get('/staff/export.csv?township=kuokesu')).text();
    expect(csv).not.toContain(refs.kuokesu);
    await me.get(`/staff/referrals/${refs.karadala}`);
    const change = await me.post(`/staff/referrals/${refs.kuokesu}/status`, { to: 'contacted' });
    expect(change.status).toBe(404);
    // The full variant gives whole numbers of the caseworker's own township only (ledger-access.ts).
    const full = await (await me.get('/staff/export.csv?full=1&township=kuokesu')).text();
    expect(full).not.toContain(refs.kuokesu);
    expect(full).not.toContain('13800001111');
    expect((await me.get('/staff/users')).status).toBe(403);
  });
  it('the county admin sees the whole county', async () => {
    await admin.get('/staff');
    expect(admin.last).toContain(refs.karadala);
    expect(admin.last).toContain(refs.kuokesu);
  });
  it('without a session, or with a forged one, nothing is shown', async () => {
    const stranger = new PageClient(server.base);
    const res = await stranger.get(`/staff/referrals/${refs.karadala}`);
    expect(res.status).toBe(302);
    // No cookie at all: a first visit, asked to log in (issue 16: not told a session expired).
    expect(location(res)).toBe('/staff/login');
    const forged = await fetch(`${server.base}/staff/export.csv`, {
      headers: { cookie: 'staff=abc; staff.sig=def' },
      redirect: 'manual',
    });
    expect(forged.status).toBe(302);
  });
});

describe('the workflow', () => {
  it('moves a referral along, refuses a skipped step, and the resident sees the change', async () => {
    const me = users.karadala!;
    await me.get(`/staff/referrals/${refs.karadala}`);
    expect(me.last).toContain('阿依古丽');
    expect(me.last).toContain('data-status="new"');
    const bad = await me.post(`/staff/referrals/${refs.karadala}/status`, { to: 'approved' });
    expect(bad.status).toBe(409);
    await me.get(`/staff/referrals/${refs.karadala}`);
    const ok = await me.post(`/staff/referrals/${refs.karadala}/status`, {
      to: 'contacted',
      note: '电话联系，周三入户',
    });
    expect(location(ok)).toBe(`/staff/referrals/${refs.karadala}?saved=notified`);
    await me.get(`/staff/referrals/${refs.karadala}`);
    expect(me.last).toContain('data-status="contacted"');
    expect(me.last).toContain('电话联系，周三入户');

    const resident = new PageClient(server.base);
    await resident.get('/ug/status');
    await resident.post('/ug/status', { reference: refs.karadala!, digits: '5678' });
    expect(resident.last).toContain('data-status="contacted"');
  });

  it('records official outcomes; the dashboard compares them with the pre-screen', async () => {
    const me = users.karadala!;
    await me.get(`/staff/referrals/${refs.karadala}`);
    await me.post(`/staff/referrals/${refs.karadala}/outcome`, {
      program: 'dibao',
      decision: 'approved',
      tier: 'C',
      amount: '668',
    });
    await me.get(`/staff/referrals/${refs.karadala}`);
    await me.post(`/staff/referrals/${refs.karadala}/outcome`, {
      program: 'medical',
      decision: 'declined',
      reason: '已参加其他救助',
    });
    await me.get('/staff/dashboard');
    expect(me.last).toMatch(
      /data-id="dibao"><td>[^<]*<\/td><td><bdi>1<\/bdi><\/td><td><bdi>1<\/bdi><\/td><td><bdi>100%<\/bdi>/,
    );
    expect(me.last).toMatch(/data-id="medical"><td>[^<]*<\/td><td><bdi>1<\/bdi><\/td><td><bdi>0<\/bdi>/);
    const yaml = await (await me.get('/staff/disagreements.yaml')).text();
    expect(yaml).toContain(`${refs.karadala} medical: pre-screen said likely, the township declined`);
    expect(yaml).not.toContain('阿依古丽');
    expect(yaml).not.toContain('13912345678');
  });
});

describe('exports', () => {
  it('open as a workbook with masked numbers and neutralised formulas; full numbers only for the admin', async () => {
    const res = await admin.get('/staff/export.xlsx');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.from(await res.arrayBuffer()) as unknown as ArrayBuffer);
    const sheet = book.worksheets[0]!;
    const rows = sheet.getSheetValues().filter(Boolean) as unknown[][];
    const header = rows[0]!.slice(1);
    expect(header).toContain('编号');
    const byRef = new Map(rows.slice(1).map((r) => [String(r[1]), r.slice(1)]));
    const phone = header.indexOf('电话');
    const village = header.indexOf('村');
    expect(byRef.get(refs.karadala!)![phone]).toBe('139****5678');
    expect(byRef.get(refs.kuokesu!)![village]).toBe(`'=HYPERLINK("http://x")`);
    const full = await admin.get('/staff/export.csv?full=1');
    const bytes = Buffer.from(await full.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // BOM: Excel and WPS read UTF-8
    const csv = bytes.toString('utf8');
    expect(csv).toContain('13912345678');
    await admin.get('/staff/audit');
    expect(admin.last).toContain('导出（完整号码）');
    expect(admin.last).toContain('data-ok="true"');
    expect(admin.last).toContain(refs.karadala);
  });
});

describe('new-referral notices', () => {
  it('reach the township webhook, without personal data, after the admin configures it', async () => {
    const bodies: string[] = [];
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        bodies.push(body);
        res.end();
      });
    }).listen(0, '127.0.0.1');
    await once(receiver, 'listening');
    await admin.get('/staff/notices');
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    await admin.post('/staff/notices', { township: 'karadala', webhook: url });
    expect(admin.last).toMatch(/id="secret">[A-Za-z0-9_-]{20,}</);
    const reference = await residentReferral('karadala', '古丽', '13700002222');
    await expect.poll(() => bodies.length, { timeout: 10_000 }).toBe(1);
    expect(JSON.parse(bodies[0]!)).toMatchObject({
      reference,
      township: 'karadala',
      programs: expect.arrayContaining(['dibao']),
    });
    expect(bodies[0]).not.toContain('古丽');
    expect(bodies[0]).not.toContain('13700002222');
    receiver.close();
  });
});

describe('staff languages', () => {
  it('a caseworker may read the inbox in Uyghur, right to left', async () => {
    const page = await loginAs('kuokesu1', 'kuokesu1 new password');
    await page.get('/staff');
    await page.post('/staff/lang', { lang: 'ug', back: '/staff' });
    await page.get('/staff');
    expect(page.last).toContain('<html lang="ug-Arab-CN" dir="rtl">');
    expect(page.last).toContain(`data-reference="${refs.kuokesu}"`);
    const chrome = page.last
      .replace(/<tbody>[\s\S]*<\/tbody>/, '')
      .replace(/<select id="staff-lang"[\s\S]*?<\/select>/, '');
    expect(textOf(chrome).match(/[\u4e00-\u9fff]+/g)).toBeNull();
    await page.post('/staff/lang', { lang: 'zh', back: '/staff' });
  });
});

describe("the county's local values", () => {
  it('shows a county admin the values in force with their sources, and what is not configured', async () => {
    await admin.get('/staff/local-values');
    const text = textOf(admin.last);
    expect(text).toContain('507');
    expect(text).toContain('特克斯县城乡低保分类分档救助实施方案');
    expect(admin.last).toContain('class="not-configured"');
    expect((await users.karadala!.get('/staff/local-values')).status).toBe(403);
  });
});

describe('data protection', () => {
  it("honours a resident's deletion request from the status page and records it", async () => {
    const reference = await residentReferral('karadala', '删除测试', '13600003333');
    const resident = new PageClient(server.base);
    await resident.get('/zh/status');
    await resident.post('/zh/status', { reference, digits: '3333' });
    expect(resident.last).toContain('删除我的个人信息');
    await resident.post('/zh/status/delete', {
      reference,
      digits: '3333',
      confirm: 'yes',
      phone: '13600003333',
    });
    expect(resident.last).toContain('您的个人信息已经删除');
    // Gone for the resident's lookup too (no phone left to match), and for staff.
    await resident.get('/zh/status');
    expect((await resident.post('/zh/status', { reference, digits: '3333' })).status).toBe(404);
    await admin.get(`/staff/referrals/${reference}`);
    expect(admin.last).toContain('居民已要求删除个人信息');
    expect(admin.last).toContain('data-status="withdrawn"');
    expect(admin.last).not.toContain('删除测试');
    expect(admin.last).not.toContain('3333');
  });
});

describe('logins', () => {
  it('slow a name after five wrong passwords from one address, saying how long to wait', async () => {
    const page = new PageClient(server.base);
    await page.get('/staff/login');
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await page.post('/staff/login', { username: 'kuokesu1', password: `wrong ${i}` });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 429]);
    expect(textOf(page.last)).toMatch(/请 1 秒后再试/);
    expect(page.last).not.toContain('锁定');
  });
  it('the second factor gives the session a new id; the one from before it opens nothing', () => {
    const staffId = (cookies: string) => /(?:^|; )staff=([^;]+)/.exec(cookies)?.[1];
    expect(staffId(secondFactor.before)).toBeTruthy();
    expect(staffId(secondFactor.after)).toBeTruthy();
    expect(staffId(secondFactor.after)).not.toBe(staffId(secondFactor.before));
    expect(secondFactor.oldStatus).toBe(302);
    expect(secondFactor.oldLocation).toMatch(/^\/staff\/login/);
  });
  it('logout needs the form token: a foreign page cannot sign a caseworker out', async () => {
    const page = await loginAs('karadala1', 'karadala1 new password');
    await page.get('/staff');
    const forged = await page.post('/staff/logout', {}, false);
    expect(forged.status).toBe(403);
    expect((await page.get('/staff')).status).toBe(200);
    expect(location(await page.post('/staff/logout', {}))).toBe('/staff/login?bye=1');
    expect(location(await page.get('/staff'))).toMatch(/^\/staff\/login/);
  });
  it('logout revokes the session on the server', async () => {
    const page = await loginAs('karadala1', 'karadala1 new password');
    await page.get('/staff');
    const cookie = page.cookieHeader();
    await page.post('/staff/logout', {});
    const reused = await fetch(`${server.base}/staff`, { headers: { cookie }, redirect: 'manual' });
    expect(reused.status).toBe(302);
  });
});
