/**
 * Two servers on one PostgreSQL database (issue 18), behind one address as a proxy makes them:
 * what one instance knows of a person the other must know too, or a load balancer breaks it.
 * - a mini-program token issued by A is honoured by B (sign-ins are in the store);
 * - wrong passwords on A then on B are one count: B throttles the attempt that A's failures
 *   make the one too many (per instance it would answer "wrong password" and let it try);
 * - a local value a county admin saves on A is used by B's screener within seconds, no restart;
 * - an address's new-conversation budget is spent once across both, not once on each.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chinaToday } from '../../rules/engine/screen.ts';
import { addCaseworker } from '../helpers/admin-cli.ts';
import { PageClient, textOf } from '../helpers/browser-session.ts';
import { type FakeWechat, startFakeWechat } from '../helpers/fake-wechat-api.ts';
import { saveLocalValue } from '../helpers/local-value-form.ts';
import { type PgCluster, pgBinDir, startPgCluster } from '../helpers/pg-cluster.ts';
import { signInAdmin } from '../helpers/staff-sign-in.ts';
import { type Started, startServer } from '../helpers/start-server.ts';
import { rulesWithOffices } from '../helpers/test-rules.ts';

const appid = 'wx0123456789abcdef';
const secret = 'fakeSecret0123456789abcdef012345';
const template = 'tmplStatus-0001-abcdef';

const dirs: string[] = [];
let cluster: PgCluster | undefined;
let fake: FakeWechat | undefined;
let a: Started & { dir: string };
let b: Started & { dir: string };
let url = '';
let adminPassword = '';

const env = (dataDir: string, rulesDir: string) => ({
  PORT: '0',
  DATA_DIR: dataDir,
  DATABASE_URL: url,
  RULES_DIR: rulesDir,
  RATE_LIMIT_PER_MINUTE: '100000',
  LOGINS_PER_MINUTE: '1000',
  NEW_CONVERSATIONS_PER_HOUR: '4',
  MINIPROGRAM_APPID: appid,
  MINIPROGRAM_SECRET: secret,
  MINIPROGRAM_STATUS_TEMPLATE_ID: template,
  WECHAT_API_BASE: fake!.base,
});

beforeAll(async () => {
  if (!pgBinDir) return;
  cluster = await startPgCluster();
  url = await cluster.createDatabase('two_instances_shared');
  fake = await startFakeWechat({ appid, secret, codes: {}, templates: [template] });
  const rules = rulesWithOffices();
  const dirA = mkdtempSync(join(tmpdir(), 'shared-a-'));
  const dirB = mkdtempSync(join(tmpdir(), 'shared-b-'));
  dirs.push(rules, dirA, dirB);
  const first = await startServer('server/main.ts', env(dirA, rules));
  adminPassword = /One-time password: (\S+)/.exec(first.output())![1]!;
  // B holds A's keys, as an operator copies them to the second machine.
  cpSync(join(dirA, 'keys'), join(dirB, 'keys'), { recursive: true });
  cpSync(join(dirA, 'cookie-keys'), join(dirB, 'cookie-keys'));
  const second = await startServer('server/main.ts', env(dirB, rules));
  a = { ...first, dir: dirA };
  b = { ...second, dir: dirB };
}, 240_000);

afterAll(async () => {
  await a?.stop();
  await b?.stop();
  await fake?.stop();
  await cluster?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const api = (base: string, path: string, body?: unknown, token?: string) =>
  fetch(base + path, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

/** A login attempt on one instance, as the login page posts it: its HTTP status. */
async function tryLogin(server: Started, username: string, password: string) {
  const page = new PageClient(server.base);
  await page.get('/staff/login');
  return (await page.post('/staff/login', { username, password })).status;
}

/** A 70-year-old alone with no income: 特困, whose care amount needs the local minimum wage. */
const widow = {
  jurisdiction: 'tekes',
  area: 'rural',
  monthlyIncome: 0,
  propertyWithinLimits: true,
  legalSupporter: 'none',
  members: [{ age: 70, laborCapacity: 'none', selfCare: 'partial' }],
};
async function tekunReasons(server: Started): Promise<string[]> {
  const res = await api(server.base, '/api/v1/screen', widow);
  expect(res.status).toBe(200);
  const body = (await res.json()) as { programs: { id: string; reasons: { key: string }[] }[] };
  return body.programs.find((p) => p.id === 'tekun')!.reasons.map((r) => r.key);
}

describe.skipIf(!pgBinDir)('two server instances on one PostgreSQL database share', () => {
  it("a mini-program sign-in: A's token works on B", async () => {
    fake!.addCode('code-on-a', 'oResidentOpenid000000000001');
    const signedIn = await api(a.base, '/api/v1/miniprogram/sign-in', { code: 'code-on-a' });
    expect(signedIn.status).toBe(200);
    const { token } = (await signedIn.json()) as { token: string };
    const onB = await api(b.base, '/api/v1/miniprogram/referrals', undefined, token);
    expect(onB.status).toBe(200);
    expect(await onB.json()).toEqual({ referrals: [] });
    const forged = await api(b.base, '/api/v1/miniprogram/referrals', undefined, 'x'.repeat(43));
    expect(forged.status).toBe(401);
  });

  it('password failures: four on A and one on B are five, and B makes the next wait', async () => {
    const cli = mkdtempSync(join(tmpdir(), 'shared-cli-'));
    dirs.push(cli);
    cpSync(join(a.dir, 'keys'), join(cli, 'keys'), { recursive: true });
    process.env.DATABASE_URL = url;
    const password = (() => {
      try {
        return addCaseworker(cli, 'guessed');
      } finally {
        delete process.env.DATABASE_URL;
      }
    })();
    for (let i = 0; i < 4; i++) expect(await tryLogin(a, 'guessed', `wrong ${i}`)).toBe(401);
    // The fifth failure of this name from this address, on the other instance: it must wait.
    expect(await tryLogin(b, 'guessed', 'wrong 4')).toBe(429);
    // Even the right password is not looked at on either instance until the wait is over.
    expect(await tryLogin(a, 'guessed', password)).toBe(429);
    expect(await tryLogin(b, 'guessed', password)).toBe(429);
  });

  it('a local value saved by the county admin on A is used by B without a restart', async () => {
    expect(await tekunReasons(b)).toContain('tekun.care_not_configured');
    const { page: admin } = await signInAdmin(a.base, 'admin', adminPassword);
    const res = await saveLocalValue(admin, {
      parameter: 'local.minimum_wage_monthly',
      value: '1900',
      from: chinaToday(),
    });
    expect(res.status).toBe(303);
    expect(textOf(admin.last)).toContain('已保存并生效');
    expect(await tekunReasons(a)).toContain('tekun.care_partial');
    const t0 = performance.now();
    while (!(await tekunReasons(b)).includes('tekun.care_partial')) {
      if (performance.now() - t0 > 20_000) throw new Error("B did not use A's local value within 20 s");
      await new Promise((r) => setTimeout(r, 250));
    }
    process.stdout.write(`B used A's local value ${Math.round(performance.now() - t0)} ms after the save\n`);
  });

  it("an address's new-conversation budget: two on A and two on B spend it", async () => {
    const start = (server: Started) => api(server.base, '/api/v1/conversations', { text: '你好' });
    for (const server of [a, b, a, b]) expect((await start(server)).status).toBe(201);
    const refused = await start(b);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(3000);
  });
});
