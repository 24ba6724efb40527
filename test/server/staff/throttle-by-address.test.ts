/**
 * A stranger cannot lock staff out (security issue, item 6), against a really started server.
 * Wrong passwords from one address (127.0.0.2) slow only that address: the caseworker signs in
 * from her own (127.0.0.3) at once; from a slowed address even the right password is refused
 * with "wait N seconds" and Retry-After until the wait has passed; a county admin's password
 * reset ends the wait at once. (Each case slows an address of its own: 127.0.0.2, .4, .5.)
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

/**
 * Five wrong passwords, then more each time the wait has passed, until the next try must wait
 * at least this long (seconds): long enough to see, however slow the machine is today.
 */
async function slowDown(page: PageClient, seconds: number) {
  let last = { status: 0, retryAfter: 0 };
  for (let i = 0; i < 5; i++) last = await attempt(page, `guess ${i}`);
  while (last.retryAfter < seconds) {
    await sleep(last.retryAfter * 1000 + 100);
    last = await attempt(page, 'a later guess');
  }
  return last;
}

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
    const same = await loginPage('127.0.0.4');
    await slowDown(same, 4);
    const refused = await attempt(same, right);
    expect(refused.status).toBe(429);
    expect(refused.retryAfter).toBeGreaterThanOrEqual(2);
    expect(textOf(same.last)).toContain(`请 ${refused.retryAfter} 秒后再试`);
    await sleep(refused.retryAfter * 1000 + 200);
    expect((await attempt(same, right)).status).toBe(302);
  });

  it('are forgotten when a county admin resets the password', async () => {
    const admin = await signInAdmin(
      server.base,
      'admin',
      /One-time password: (\S+)/.exec(server.output())![1]!,
    );
    const stranger = await loginPage('127.0.0.5');
    await slowDown(stranger, 8);
    expect((await attempt(stranger, right)).status).toBe(429);

    await admin.page.get('/staff/users');
    const row = new RegExp(`${name.replace('.', '\\.')}</td>[\\s\\S]*?name="id" value="([0-9a-f-]{36})"`);
    await admin.page.post('/staff/users/reset', { id: row.exec(admin.page.last)![1]! });
    const password = /([A-Za-z0-9]{16})（只显示这一次/.exec(textOf(admin.page.last))![1]!;
    expect((await attempt(stranger, password)).status).toBe(302);
  });
});
