/**
 * A stranger cannot lock staff out (security issue, item 6), against a really started server.
 * Wrong passwords from one address (127.0.0.2) slow only that address: the caseworker signs in
 * from her own (127.0.0.3) at once; from 127.0.0.2 even the right password is refused with
 * "wait N seconds" and Retry-After until the wait has passed; a county admin's password reset
 * ends the wait at once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCaseworker } from '../../helpers/admin-cli.ts';
import { PageClient, textOf } from '../../helpers/browser-session.ts';
import { fetchFrom } from '../../helpers/fetch-from.ts';
import { signIn, signInAdmin } from '../../helpers/staff-sign-in.ts';
import { type Started, startServer } from '../../helpers/start-server.ts';

let server: Started;
let dataDir: string;
const name = 'li.na';
const right = `${name} new password`;

/** A login page on a client at a loopback address of its own. */
async function loginPage(from: string) {
  const page = new PageClient(server.base, fetchFrom(from));
  await page.get('/staff/login');
  return page;
}

const attempt = async (page: PageClient, password: string) => {
  const res = await page.post('/staff/login', { username: name, password });
  return { status: res.status, retryAfter: Number(res.headers.get('retry-after') ?? 0) };
};

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'throttle-'));
  const first = addCaseworker(dataDir, name);
  server = await startServer('server/main.ts', { PORT: '0', DATA_DIR: dataDir, LOGINS_PER_MINUTE: '1000' });
  await signIn(server.base, name, first);
}, 60_000);

afterAll(async () => {
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('wrong passwords from one address', () => {
  it('do not stop the right password from another address', async () => {
    const stranger = await loginPage('127.0.0.2');
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await attempt(stranger, `guess ${i}`)).status);
    const owner = await loginPage('127.0.0.3');
    expect((await attempt(owner, right)).status).toBe(302);
    expect(statuses.slice(0, 4)).toEqual([401, 401, 401, 401]);
    expect(statuses.slice(4)).toEqual([429, 429, 429, 429, 429, 429]);
  });

  it('make the right password from that address wait, saying how long, until the wait has passed', async () => {
    const same = await loginPage('127.0.0.2');
    const refused = await attempt(same, right);
    expect(refused.status).toBe(429);
    expect(refused.retryAfter).toBeGreaterThanOrEqual(1);
    expect(textOf(same.last)).toMatch(/请 \d+ 秒后再试/);
    await sleep(refused.retryAfter * 1000 + 100);
    expect((await attempt(same, right)).status).toBe(302);
  });

  it('are forgotten when a county admin resets the password', async () => {
    const stranger = await loginPage('127.0.0.2');
    for (let i = 0; i < 5; i++) await attempt(stranger, `guess ${i}`);
    // Two more failures once each wait has passed: the next wait is 4 s.
    for (let i = 0; i < 2; i++) {
      await sleep((await attempt(stranger, right)).retryAfter * 1000 + 100);
      await attempt(stranger, `late guess ${i}`);
    }
    const before = await attempt(stranger, right);
    expect(before.status).toBe(429);
    expect(before.retryAfter).toBeGreaterThanOrEqual(2);

    const admin = await signInAdmin(
      server.base,
      'admin',
      /One-time password: (\S+)/.exec(server.output())![1]!,
    );
    await admin.page.get('/staff/users');
    const id = new RegExp(`${name.replace('.', '\\.')}</td>[\\s\\S]*?name="id" value="([0-9a-f-]{36})"`).exec(
      admin.page.last,
    )![1]!;
    await admin.page.post('/staff/users/reset', { id });
    const password = /([A-Za-z0-9]{16})（只显示这一次/.exec(textOf(admin.page.last))![1]!;
    expect((await attempt(stranger, password)).status).toBe(302);
  });
});
