/**
 * The county's poster code (issue 17): a county admin downloads the mini-program code for the
 * county or one of its townships from a really started server, which asks a fake WeChat API on
 * 127.0.0.1 (getwxacodeunlimit) for it. Checked: the image's own bytes and file name, what the
 * fake was sent (scene, page, version, width, a current token — renewed after an expired one),
 * the audit entry; a caseworker refused, another county's township refused, neither reaching
 * WeChat; without MINIPROGRAM_APPID/SECRET the page and the download say "not set up",
 * translated; the access token in no log line and no audit entry.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import kkPoster from '../../../locales/kk/poster.json' with { type: 'json' };
import ugPoster from '../../../locales/ug/poster.json' with { type: 'json' };
import zhPoster from '../../../locales/zh/poster.json' with { type: 'json' };
import { addCaseworker, addStaffUser } from '../../helpers/admin-cli.ts';
import { type PageClient, textOf } from '../../helpers/browser-session.ts';
import { type FakeWechat, fakeCodePng, startFakeWechat } from '../../helpers/fake-wechat-api.ts';
import { signIn, signInAdmin } from '../../helpers/staff-sign-in.ts';
import { type Started, startServer } from '../../helpers/start-server.ts';

const appid = 'wx0123456789abcdef';
const secret = 'fakeSecret0123456789abcdef012345';
const languagePage = 'pages/language/index';
const dataDir = mkdtempSync(join(tmpdir(), 'poster-code-'));
const bareDir = mkdtempSync(join(tmpdir(), 'poster-code-bare-'));
let fake: FakeWechat;
let server: Started;
let bare: Started;
let admin: PageClient;
let otherAdmin: PageClient;
let worker: PageClient;
let bareAdmin: PageClient;

const pngMagic = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** Text without spaces and bidi isolates, to compare a page with a locale string. */
const squash = (s: string) => s.replace(/[\s\u2066-\u2069]/g, '');
const download = (page: PageClient, query = '') =>
  fetch(`${page.base}/staff/miniprogram-code${query}`, {
    headers: { cookie: page.cookieHeader() },
    redirect: 'manual',
  });
const auditLines = (dir: string) =>
  readFileSync(join(dir, 'audit.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { action: string; target: string; by: string });
/** The file name a browser saves (RFC 5987's filename*). */
const savedName = (res: Response) => {
  const m = /filename\*=UTF-8''([^;]+)/.exec(res.headers.get('content-disposition') ?? '');
  return m ? decodeURIComponent(m[1]!) : undefined;
};

beforeAll(async () => {
  fake = await startFakeWechat({ appid, secret, codes: {}, templates: [], pages: [languagePage] });
  const adminPassword = addStaffUser(dataDir, [
    ...['--username', 'tekes.admin', '--role', 'county_admin', '--county', 'tekes'],
  ]);
  const otherPassword = addStaffUser(dataDir, [
    ...['--username', 'qitai.admin', '--role', 'county_admin', '--county', 'qitai'],
  ]);
  const workerPassword = addCaseworker(dataDir, 'poster.worker', 'karadala');
  const barePassword = addStaffUser(bareDir, [
    ...['--username', 'bare.admin', '--role', 'county_admin', '--county', 'tekes'],
  ]);
  server = await startServer('server/main.ts', {
    PORT: '0',
    DATA_DIR: dataDir,
    LOGINS_PER_MINUTE: '100',
    RATE_LIMIT_PER_MINUTE: '10000',
    MINIPROGRAM_APPID: appid,
    MINIPROGRAM_SECRET: secret,
    WECHAT_API_BASE: fake.base,
  });
  bare = await startServer('server/main.ts', { PORT: '0', DATA_DIR: bareDir, LOGINS_PER_MINUTE: '100' });
  admin = (await signInAdmin(server.base, 'tekes.admin', adminPassword)).page;
  otherAdmin = (await signInAdmin(server.base, 'qitai.admin', otherPassword)).page;
  worker = await signIn(server.base, 'poster.worker', workerPassword);
  bareAdmin = (await signInAdmin(bare.base, 'bare.admin', barePassword)).page;
}, 240_000);

afterAll(async () => {
  await server?.stop();
  await bare?.stop();
  await fake?.stop();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(bareDir, { recursive: true, force: true });
});

describe('the poster code for a county admin', () => {
  it('the WeChat page links a download for the whole county and each of its townships', async () => {
    await admin.get('/staff/wechat');
    expect(admin.status).toBe(200);
    expect(admin.last).toContain('id="poster-code"');
    expect(admin.last).toContain('href="/staff/miniprogram-code"');
    for (const township of ['karadala', 'tekes_town', 'kalatuohai'])
      expect(admin.last).toContain(`href="/staff/miniprogram-code?township=${township}"`);
    expect(admin.last).not.toContain('id="poster-not-configured"');
  });

  it("downloads a township's code as a PNG named for the place; WeChat was asked for its scene and the language page", async () => {
    const before = fake.callsTo('code').length;
    const res = await download(admin, '?township=karadala');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.subarray(0, 8).equals(pngMagic)).toBe(true);
    expect(bytes.equals(fakeCodePng)).toBe(true);
    expect(savedName(res)).toBe('小程序码-特克斯县-喀拉达拉镇.png');
    const calls = fake.callsTo('code').slice(before);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.errcode).toBe(0);
    expect(calls[0]!.body).toEqual({
      scene: 'c=tekes&t=karadala',
      page: languagePage,
      check_path: true,
      env_version: 'release',
      width: 1280,
    });
    expect(
      auditLines(dataDir)
        .filter((e) => e.action === 'poster_code')
        .map((e) => e.target),
    ).toContain('c=tekes&t=karadala');
  });

  it("downloads the whole county's code; after WeChat expires the token it is renewed and asked again", async () => {
    fake.expireTokens();
    const before = fake.callsTo('code').length;
    const res = await download(admin);
    expect(res.status).toBe(200);
    expect(
      Buffer.from(await res.arrayBuffer())
        .subarray(0, 8)
        .equals(pngMagic),
    ).toBe(true);
    expect(savedName(res)).toBe('小程序码-特克斯县-全县.png');
    const calls = fake.callsTo('code').slice(before);
    expect(calls.map((c) => c.errcode)).toEqual([42001, 0]);
    expect(calls[1]!.body?.scene).toBe('c=tekes');
    expect(fake.callsTo('token').at(-1)!.body?.force_refresh).toBe(true);
  });

  it('refuses a caseworker, and a township that is not of the admin’s own county, without asking WeChat', async () => {
    const before = fake.callsTo('code').length;
    const byWorker = await download(worker, '?township=karadala');
    expect(byWorker.status).toBe(403);
    expect(byWorker.headers.get('content-type')).toContain('text/html');
    // Karadala is Tekes's; the Qitai admin may not take its code, nor may anyone take a made-up place's.
    expect((await download(otherAdmin, '?township=karadala')).status).toBe(404);
    expect((await download(admin, '?township=no_such_place')).status).toBe(404);
    expect((await download(admin, '?township=../tekes')).status).toBe(404);
    expect(fake.callsTo('code').length).toBe(before);
    const denied = auditLines(dataDir).filter((e) => e.action === 'denied');
    expect(denied.length).toBeGreaterThanOrEqual(4);
  });

  it('a refusal by WeChat is shown with its code only, translated, and nothing is downloaded', async () => {
    // The language page not yet published: WeChat answers 41030 for a code that opens it.
    fake.setPages([]);
    try {
      const res = await download(admin, '?township=tekes_town');
      expect(res.status).toBe(502);
      expect(res.headers.get('content-disposition')).toBeNull();
      const text = squash(textOf(await res.text()));
      expect(text).toContain(squash(zhPoster.wechat_error.replace('{{code}}', '41030')));
      expect(fake.callsTo('code').at(-1)!.errcode).toBe(41030);
      expect(text).not.toContain('fakeerror');
    } finally {
      fake.setPages([languagePage]);
    }
  });

  it('never writes the access token or the AppSecret to the log or the audit log', () => {
    expect(fake.callsTo('code').length).toBeGreaterThanOrEqual(3);
    for (const text of [server.output(), readFileSync(join(dataDir, 'audit.jsonl'), 'utf8')]) {
      expect(text).not.toContain('fake-token-');
      expect(text).not.toContain(secret);
    }
  });
});

describe('the poster code without MINIPROGRAM_APPID and _SECRET', () => {
  it('the page and the download say the mini-program is not set up, in the admin’s language', async () => {
    for (const [lang, text] of [
      ['zh', zhPoster.not_configured],
      ['ug', ugPoster.not_configured],
      ['kk', kkPoster.not_configured],
    ] as const) {
      await bareAdmin.get('/staff/wechat');
      await bareAdmin.post('/staff/lang', { lang });
      await bareAdmin.get('/staff/wechat');
      expect(bareAdmin.status).toBe(200);
      expect(bareAdmin.last).toContain('id="poster-not-configured"');
      expect(bareAdmin.last).not.toContain('href="/staff/miniprogram-code');
      expect(squash(textOf(bareAdmin.last))).toContain(squash(text));
      const res = await download(bareAdmin, '?township=karadala');
      expect(res.status).toBe(503);
      expect(squash(textOf(await res.text()))).toContain(squash(text));
    }
  });
});
