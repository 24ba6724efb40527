/**
 * Issue 16 item 9 against a really started server: the admin moves a caseworker to another
 * township (checked, audited, seen by the caseworker's open session), disabling asks first (a
 * form, no script), the 2FA set-up names apps one can install in China, a first visit to /staff
 * is asked to log in (not told it expired), and the login page speaks zh, ug and kk.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentTotp } from '../../../server/staff/totp.ts';
import { PageClient, textOf } from '../../helpers/browser-session.ts';
import { coupleReferral } from '../../helpers/resident-referral.ts';
import { type Started, startServer } from '../../helpers/start-server.ts';

let server: Started;
let dataDir: string;
let admin: PageClient;
let worker: PageClient;
let setupPage = '';
const refs: Record<string, string> = {};
const location = (res: Response) => res.headers.get('location') ?? '';

async function loginAs(username: string, password: string) {
  const page = new PageClient(server.base);
  await page.get('/staff/login');
  expect((await page.post('/staff/login', { username, password })).status).toBe(302);
  return page;
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'accounts-'));
  server = await startServer('server/main.ts', { PORT: '0', DATA_DIR: dataDir, LOGINS_PER_MINUTE: '100' });
  const password = /One-time password: (\S+)/.exec(server.output())![1]!;
  admin = await loginAs('admin', password);
  await admin.get('/staff/totp/setup');
  setupPage = admin.last;
  const secret = /id="totp-secret">([A-Z2-7]{32})</.exec(admin.last)![1]!;
  await admin.post('/staff/totp/setup', { secret, code: currentTotp(secret) });
  await admin.get('/staff/password');
  await admin.post('/staff/password', {
    current: password,
    new: 'county admin password',
    repeat: 'county admin password',
  });
  await admin.get('/staff/users');
  await admin.post('/staff/users/add', {
    username: 'mover',
    display_name: 'mover',
    role: 'caseworker',
    township: 'karadala',
  });
  const first = /一次性密码：([A-Za-z0-9]{16})/.exec(textOf(admin.last))![1]!;
  worker = await loginAs('mover', first);
  await worker.get('/staff/password');
  await worker.post('/staff/password', {
    current: first,
    new: 'mover new password',
    repeat: 'mover new password',
  });
  refs.karadala = await coupleReferral(
    server.base,
    { name: '阿依古丽', phone: '13912345678', village: '阿克塔斯村' },
    'karadala',
  );
  refs.kuokesu = await coupleReferral(
    server.base,
    { name: '王芳', phone: '13800001111', village: '阿克塔斯村' },
    'kuokesu',
  );
}, 240_000);

afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** The caseworker's id, read from the users page row that names them. */
async function moverId() {
  await admin.get('/staff/users');
  const row = admin.last.split('<tr>').find((r) => r.includes('>mover<'))!;
  return /name="id" value="([0-9a-f-]{36})"/.exec(row)![1]!;
}

describe("a caseworker's township", () => {
  it('is changed by the admin, audited, and the open session sees only the new township', async () => {
    await worker.get('/staff');
    expect(worker.last).toContain(refs.karadala);
    expect(worker.last).not.toContain(refs.kuokesu);
    const id = await moverId();
    expect(location(await admin.post('/staff/users/township', { id, township: 'kuokesu' }))).toBe(
      '/staff/users',
    );
    // The same cookie, no new login: the inbox is now the new township's.
    expect((await worker.get('/staff')).status).toBe(200);
    expect(worker.last).toContain(refs.kuokesu);
    expect(worker.last).not.toContain(refs.karadala);
    expect((await worker.get(`/staff/referrals/${refs.karadala}`)).status).toBe(404);
    await admin.get('/staff/audit');
    expect(admin.last).toContain('更改乡镇');
    // The stored note (mover karadala → kuokesu) in words: the townships by name.
    expect(admin.last).toContain('mover：喀拉达拉镇 → 阔克苏乡');
  });
  it("refuses a township that is not the county's, and leaves the account as it was", async () => {
    const id = await moverId();
    expect((await admin.post('/staff/users/township', { id, township: 'atlantis' })).status).toBe(400);
    await worker.get('/staff');
    expect(worker.last).toContain(refs.kuokesu);
  });
});

describe('disabling an account', () => {
  it('asks first (a page with a confirming form), and only the confirmed post disables', async () => {
    const id = await moverId();
    const asked = await admin.post('/staff/users/disable', { id });
    expect(asked.status).toBe(200);
    expect(admin.last).toContain('id="confirm-disable"');
    expect(admin.last).toContain('name="confirm" value="yes"');
    expect(textOf(admin.last)).toContain('确定停用账号 mover 吗');
    // Not yet: the caseworker is still at work.
    expect((await worker.get('/staff')).status).toBe(200);
    expect(location(await admin.post('/staff/users/disable', { id, confirm: 'yes' }))).toBe('/staff/users');
    const after = await worker.get('/staff');
    expect(after.status).toBe(302);
    expect(location(after)).toMatch(/^\/staff\/login/);
  });
});

describe('the 2FA set-up page', () => {
  it('suggests authenticator apps one can install in China, not Google Authenticator', () => {
    const text = textOf(setupPage);
    expect(text).toContain('腾讯身份验证器');
    expect(text).toContain('阿里云 App');
    expect(text).toContain('Microsoft Authenticator');
    expect(text).not.toContain('Google Authenticator');
  });
});

describe('signing in', () => {
  it('a first visit to /staff (no cookie) is asked to log in, not told a session expired', async () => {
    const res = await fetch(`${server.base}/staff`, { redirect: 'manual' });
    expect(location(res)).toBe('/staff/login');
    const page = await (await fetch(`${server.base}${location(res)}`)).text();
    expect(page).not.toContain('登录已过期');
  });
  it('a session that really ended is told so', async () => {
    const res = await fetch(`${server.base}/staff`, {
      redirect: 'manual',
      headers: { cookie: 'staff=AAAA; staff.sig=BBBB' },
    });
    expect(location(res)).toBe('/staff/login?expired=1');
  });
  it('the login page offers zh, ug and kk, right to left for ug and kk, and keeps the language on a wrong password', async () => {
    const zh = await (await fetch(`${server.base}/staff/login`)).text();
    expect(zh).toContain('<html lang="zh-CN" dir="ltr"');
    expect(zh).toContain('href="/staff/login?lang=ug"');
    expect(zh).toContain('href="/staff/login?lang=kk"');
    for (const lang of ['ug', 'kk'] as const) {
      const page = new PageClient(server.base);
      await page.get(`/staff/login?lang=${lang}`);
      expect(page.last).toMatch(new RegExp(`<html lang="${lang}[^"]*" dir="rtl"`));
      expect(page.last).toContain('href="/staff/login?lang=zh"');
      expect(page.last).not.toContain('工作人员登录');
      const wrong = await page.post(`/staff/login?lang=${lang}`, {
        username: 'nobody',
        password: 'wrong password',
      });
      expect(wrong.status).toBe(401);
      expect(page.last).toMatch(/dir="rtl"/);
      expect(page.last).not.toContain('用户名或密码不对');
    }
  });
});
