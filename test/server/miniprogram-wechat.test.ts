/**
 * The mini-program's server side against a really started server and a fake WeChat API on
 * 127.0.0.1 (issue 17): sign-in with a wx.login code (ok, bad code, not set up), "my referrals"
 * for the signed-in resident without reference or digits, a subscription recorded on a referral
 * made through the API, and a caseworker's status change reaching WeChat as one subscribe
 * message — the token fetched once for several sends and renewed after an expired-token error,
 * a refused template not retried, a queued message dropped when the resident deletes their data,
 * and the openid never in the log or on disk in clear.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import kkApi from '../../locales/kk/api.json' with { type: 'json' };
import ugApi from '../../locales/ug/api.json' with { type: 'json' };
import zhApi from '../../locales/zh/api.json' with { type: 'json' };
import { templateData } from '../../server/notices/subscribe-notices.ts';
import { addCaseworker } from '../helpers/admin-cli.ts';
import type { PageClient } from '../helpers/browser-session.ts';
import { type FakeWechat, startFakeWechat } from '../helpers/fake-wechat-api.ts';
import { signIn } from '../helpers/staff-sign-in.ts';
import { type Started, startServer } from '../helpers/start-server.ts';
import { coupleTapped, referralTapped } from '../helpers/transcripts.ts';

const appid = 'wx0123456789abcdef';
const secret = 'fakeSecret0123456789abcdef012345';
const template = 'tmplStatus-0001-abcdef';
const openid = 'oFAKEopenid-ResidentOne-7f3a';
const otherOpenid = 'oFAKEopenid-ResidentTwo-91bc';
const dataDir = mkdtempSync(join(tmpdir(), 'miniprogram-'));
const bareDir = mkdtempSync(join(tmpdir(), 'miniprogram-bare-'));
let fake: FakeWechat;
let server: Started;
let bare: Started;
let worker: PageClient;

interface Answer {
  id?: string;
  phase?: string;
  replies?: unknown;
  token?: string;
  expiresIn?: number;
  templates?: string[];
  referrals?: Record<string, unknown>[];
  error?: { code: string; message: string };
}
const json = async (res: Response) => (await res.json()) as Answer;
const api = (base: string, path: string, body?: unknown, token?: string, lang = 'zh') =>
  fetch(`${base}${path}?lang=${lang}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

/** A conversation through the JSON API to a sent referral: its id and reference. */
async function referralByApi(name: string, phone: string, lang?: 'ug' | 'kk') {
  const first = lang ? { lang } : { text: '你好' };
  const start = await json(await api(server.base, '/api/v1/conversations', first));
  const id = start.id as string;
  let last = start;
  for (const text of [...coupleTapped('3'), ...referralTapped(name, phone)])
    last = await json(await api(server.base, `/api/v1/conversations/${id}/messages`, { text }));
  const reference = /[A-Z]{2}-[0-9A-Z]{8}/.exec(JSON.stringify(last.replies))?.[0];
  if (!reference) throw new Error(`no reference: ${JSON.stringify(last)}`);
  return { id, reference };
}

async function signInWith(code: string, id: string) {
  fake.addCode(code, id);
  const res = await api(server.base, '/api/v1/miniprogram/sign-in', { code });
  expect(res.status).toBe(200);
  return (await json(res)).token as string;
}

/** As a caseworker does it: the case page (its form's CSRF token), then the status form. */
const changeStatus = async (reference: string, to: string) => {
  await worker.get(`/staff/referrals/${reference}`);
  const res = await worker.post(`/staff/referrals/${reference}/status`, { to });
  expect(res.status, `status ${to}`).toBe(302);
};

async function until(what: () => boolean, ms = 20_000) {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

beforeAll(async () => {
  fake = await startFakeWechat({ appid, secret, codes: {}, templates: [template] });
  const password = addCaseworker(dataDir, 'mp.worker', 'karadala');
  server = await startServer('server/main.ts', {
    PORT: '0',
    DATA_DIR: dataDir,
    LOGINS_PER_MINUTE: '100',
    RATE_LIMIT_PER_MINUTE: '10000',
    NOTICE_RETRY_BASE_MS: '100',
    MINIPROGRAM_APPID: appid,
    MINIPROGRAM_SECRET: secret,
    MINIPROGRAM_STATUS_TEMPLATE_ID: template,
    WECHAT_API_BASE: fake.base,
  });
  bare = await startServer('server/main.ts', { PORT: '0', DATA_DIR: bareDir });
  worker = await signIn(server.base, 'mp.worker', password);
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await bare?.stop();
  await fake?.stop();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(bareDir, { recursive: true, force: true });
});

describe('mini-program sign-in', () => {
  it('without MINIPROGRAM_APPID and _SECRET the server runs and says sign-in is not set up, translated', async () => {
    for (const [lang, text] of [
      ['zh', zhApi.errors.miniprogram_not_configured],
      ['ug', ugApi.errors.miniprogram_not_configured],
      ['kk', kkApi.errors.miniprogram_not_configured],
    ] as const) {
      const res = await api(bare.base, '/api/v1/miniprogram/sign-in', { code: 'anything' }, undefined, lang);
      expect(res.status).toBe(503);
      expect((await json(res)).error).toEqual({ code: 'miniprogram_not_configured', message: text });
    }
    expect((await fetch(`${bare.base}/healthz`)).status).toBe(200);
  });

  it('tells the mini-program whether sign-in is set up and which templates to ask for', async () => {
    const settings = async (base: string) => {
      const res = await fetch(`${base}/api/v1/miniprogram/settings`);
      expect(res.status).toBe(200);
      return res.json();
    };
    expect(await settings(server.base)).toEqual({ signIn: true, templates: [template] });
    expect(await settings(bare.base)).toEqual({ signIn: false, templates: [] });
    const pages: string[] = JSON.parse(readFileSync('miniprogram/app.json', 'utf8')).pages;
    expect(pages).toContain('pages/my-referrals/index');
  });

  it('declares its endpoints in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${bare.base}/api/v1/openapi.json`)).json()) as {
      paths: Record<
        string,
        Record<string, { requestBody?: { content: Record<string, { schema: unknown }> } }>
      >;
    };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/miniprogram/settings',
        '/api/v1/miniprogram/sign-in',
        '/api/v1/miniprogram/referrals',
      ]),
    );
    expect(Object.keys(doc.paths['/api/v1/miniprogram/referrals']!)).toEqual(['get', 'post']);
    expect(
      doc.paths['/api/v1/miniprogram/sign-in']!.post!.requestBody!.content['application/json']!.schema,
    ).toMatchObject({ required: ['code'] });
    // The API page lists them with a sentence in its language.
    const page = await (await fetch(`${bare.base}/api?lang=ug`)).text();
    expect(page).toContain('miniprogram_link');
    expect(page).not.toContain('web.api_page.ops');
  });

  it('exchanges a wx.login code once for our own token; a bad or reused code is refused', async () => {
    fake.addCode('code-good-1', otherOpenid);
    const ok = await api(server.base, '/api/v1/miniprogram/sign-in', { code: 'code-good-1' });
    expect(ok.status).toBe(200);
    const body = await json(ok);
    expect(body.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(body.expiresIn).toBe(7200);
    expect(JSON.stringify(body)).not.toContain(otherOpenid);
    const session = fake.callsTo('session').at(-1)!;
    expect(session.query).toMatchObject({
      appid,
      secret,
      js_code: 'code-good-1',
      grant_type: 'authorization_code',
    });
    for (const code of ['code-good-1', 'never-issued']) {
      const bad = await api(server.base, '/api/v1/miniprogram/sign-in', { code });
      expect(bad.status).toBe(401);
      expect((await json(bad)).error?.code).toBe('sign_in_failed');
    }
    expect((await api(server.base, '/api/v1/miniprogram/sign-in', { code: 'a b' })).status).toBe(400);
    const none = await api(server.base, '/api/v1/miniprogram/referrals', undefined, 'x'.repeat(43));
    expect(none.status).toBe(401);
  });
});

describe('subscription messages on a status change', () => {
  let first: { id: string; reference: string };
  let token: string;

  it('records the consent on a referral made through the API and lists it under "my referrals"', async () => {
    first = await referralByApi('阿依古丽', '13912345678');
    token = await signInWith('code-one', openid);
    const linked = await api(
      server.base,
      '/api/v1/miniprogram/referrals',
      { conversationId: first.id, templates: [template, 'not-ours-template'] },
      token,
    );
    expect(linked.status).toBe(200);
    expect((await json(linked)).templates).toEqual([template]);
    // Someone else signed in cannot take it over.
    const other = await signInWith('code-other', otherOpenid);
    const stolen = await api(
      server.base,
      '/api/v1/miniprogram/referrals',
      { conversationId: first.id },
      other,
    );
    expect(stolen.status).toBe(403);
    expect(
      (await json(await api(server.base, '/api/v1/miniprogram/referrals', undefined, other))).referrals,
    ).toEqual([]);

    const mine = await api(server.base, '/api/v1/miniprogram/referrals', undefined, token);
    expect(mine.status).toBe(200);
    const list = (await json(mine)).referrals ?? [];
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ status: 'new', subscribed: true });
    const text = JSON.stringify(list);
    expect(text).not.toContain(first.reference);
    expect(text).not.toMatch(/1391234|5678|阿依古丽/);
  });

  it('a status change reaches WeChat as one subscribe message; the token is fetched once for several', async () => {
    await changeStatus(first.reference, 'contacted');
    await until(() => fake.callsTo('send').length === 1);
    const send = fake.callsTo('send')[0]!;
    expect(send.errcode).toBe(0);
    expect(send.body).toMatchObject({
      touser: openid,
      template_id: template,
      page: 'pages/my-referrals/index',
      miniprogram_state: 'formal',
      data: { thing1: { value: zhApi.miniprogram.notice.thing.contacted } },
    });
    expect((send.body!.data as Record<string, { value: string }>).time2!.value).toMatch(
      /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/,
    );
    await changeStatus(first.reference, 'visit_scheduled');
    await until(() => fake.callsTo('send').length === 2);
    expect(fake.callsTo('send').map((c) => c.errcode)).toEqual([0, 0]);
    expect(fake.callsTo('token')).toHaveLength(1);
  });

  it('after an expired-token error the token is fetched again (forced) and the message still sent', async () => {
    fake.expireTokens();
    await changeStatus(first.reference, 'accepted');
    await until(() => fake.callsTo('send').filter((c) => c.errcode === 0).length === 3);
    expect(fake.callsTo('send').map((c) => c.errcode)).toEqual([0, 0, 42001, 0]);
    expect(fake.callsTo('token').map((c) => c.body?.force_refresh)).toEqual([false, true]);
  });

  it('a Uyghur status text WeChat refuses as invalid data (47003) is sent again at once in Chinese', async () => {
    const ug = await referralByApi('阿依古丽', '13911112222', 'ug');
    const tokenUg = await signInWith('code-ug', 'oFAKEopenid-ResidentUg-55aa');
    const linked = await api(
      server.base,
      '/api/v1/miniprogram/referrals',
      { conversationId: ug.id, templates: [template] },
      tokenUg,
    );
    expect(linked.status).toBe(200);
    const before = fake.callsTo('send').length;
    // In the resident's language while WeChat takes it.
    await changeStatus(ug.reference, 'contacted');
    await until(() => fake.callsTo('send').length === before + 1);
    const sentUg = fake.callsTo('send')[before]!;
    expect(sentUg.errcode).toBe(0);
    expect(sentUg.body!.data).toMatchObject({ thing1: { value: ugApi.miniprogram.notice.thing.contacted } });
    // Refused as invalid data: the same change goes again, in Chinese, without waiting for a retry.
    fake.latinThingsOnly(true);
    try {
      await changeStatus(ug.reference, 'visit_scheduled');
      await until(() => fake.callsTo('send').length === before + 3);
      const [refused, again] = fake.callsTo('send').slice(before + 1);
      expect(refused!.errcode).toBe(47003);
      expect(again!.errcode).toBe(0);
      expect(again!.body).toMatchObject({
        touser: 'oFAKEopenid-ResidentUg-55aa',
        data: { thing1: { value: zhApi.miniprogram.notice.thing.visit_scheduled } },
      });
    } finally {
      fake.latinThingsOnly(false);
    }
  });

  it('a refused template is recorded and not retried', async () => {
    fake.refuse(template);
    const before = fake.callsTo('send').length;
    await changeStatus(first.reference, 'approved');
    await until(() => fake.callsTo('send').length === before + 1);
    // Retries would come every 100-800 ms: none in two seconds.
    await new Promise((r) => setTimeout(r, 2000));
    expect(
      fake
        .callsTo('send')
        .slice(before)
        .map((c) => c.errcode),
    ).toEqual([43101]);
    expect(server.output()).toContain('subscription message refused by WeChat');
    expect(server.output()).toContain('WeChat error 43101');
  });

  it('a message still queued is dropped when the resident deletes their data', async () => {
    const second = await referralByApi('买买提', '13998765432');
    const token2 = await signInWith('code-two', otherOpenid);
    const linked = await api(
      server.base,
      '/api/v1/miniprogram/referrals',
      { conversationId: second.id, templates: [template] },
      token2,
    );
    expect(linked.status).toBe(200);
    fake.setDown(true);
    const before = fake.calls.length;
    await changeStatus(second.reference, 'contacted');
    await until(() => server.output().includes('subscription message not sent, will retry'));
    const del = async (text: string) =>
      json(await api(server.base, `/api/v1/conversations/${second.id}/messages`, { text }));
    await del('删除');
    const done = await del('13998765432');
    expect(done.phase).toBe('deleted');
    fake.setDown(false);
    await new Promise((r) => setTimeout(r, 2500));
    expect(fake.calls.slice(before).filter((c) => c.path.endsWith('/subscribe/send'))).toEqual([]);
    expect(
      (await json(await api(server.base, '/api/v1/miniprogram/referrals', undefined, token2))).referrals,
    ).toEqual([]);
  });

  it('the openid is never in the log nor on disk in clear', async () => {
    await server.stop();
    for (const id of [openid, otherOpenid]) {
      expect(server.output()).not.toContain(id);
      for (const file of filesUnder(dataDir)) expect(readFileSync(file, 'latin1'), file).not.toContain(id);
    }
  });
});

describe('template data', () => {
  const t = {
    id: template,
    fields: { status: 'thing1', date: 'date2' },
    page: 'p',
    state: 'formal' as const,
  };
  it('a thing field is in the resident language, a phrase field in Chinese (all WeChat takes there)', () => {
    const at = '2026-03-01T16:30:00.000Z';
    expect(templateData(t, { lang: 'ug', status: 'approved', at })).toEqual({
      thing1: { value: ugApi.miniprogram.notice.thing.approved },
      date2: { value: '2026-03-02' },
    });
    const phrase = { ...t, fields: { status: 'phrase3' } };
    expect(templateData(phrase, { lang: 'kk', status: 'approved', at })).toEqual({
      phrase3: { value: zhApi.miniprogram.notice.phrase.approved },
    });
  });
  it('every status text fits its field (thing ≤ 20 characters, phrase ≤ 5 Chinese characters)', () => {
    for (const l of [zhApi, ugApi, kkApi])
      for (const v of Object.values(l.miniprogram.notice.thing))
        expect([...v].length).toBeLessThanOrEqual(20);
    for (const v of Object.values(zhApi.miniprogram.notice.phrase))
      expect(v).toMatch(/^[\u4e00-\u9fff]{1,5}$/);
  });
});
