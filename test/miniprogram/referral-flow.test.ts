// @vitest-environment jsdom
/**
 * The referral in the mini-program, end to end (issue 17): a conversation at its results, then
 * the real referral page in miniprogram-simulate, its wx.request reaching a really started
 * server configured for WeChat sign-in against the fake WeChat API. The resident consents (the
 * dialog's own question, its choices as buttons), gives a name and a phone (mistyped first: the
 * dialog asks again, nothing lost; a double tap sends once), skips the ID number, confirms, and
 * taps "tell me when the status changes" (WeChat's consent answered "accept"). The sent page
 * shows the reference; "my referrals" lists it with its status; a caseworker's status change
 * reaches the fake WeChat API as a subscribe message to that resident, and "my referrals" then
 * shows the new status. In zh, ug and kk (the last two right to left). Without the AppID and
 * secret the referral is still sent and the page says sign-in is not set up.
 * Expected words come from locales/, not from here.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCaseworker } from '../helpers/admin-cli.ts';
import type { PageClient } from '../helpers/browser-session.ts';
import { type FakeWechat, startFakeWechat } from '../helpers/fake-wechat-api.ts';
import { signIn } from '../helpers/staff-sign-in.ts';
import { type Started, startServer } from '../helpers/start-server.ts';
import { coupleTapped } from '../helpers/transcripts.ts';
import { buildMiniprogram, type FakeWx, fakeWx, openPage, repoRoot, waitFor } from './harness.ts';

type Tree = { [k: string]: string | Tree };
const locale = (lang: string, file: string): Tree =>
  JSON.parse(readFileSync(join(repoRoot, 'locales', lang, `${file}.json`), 'utf8'));
/** A string at a dotted path of a locale file. */
const say = (lang: string, file: string, path: string): string => {
  const v = path.split('.').reduce<string | Tree | undefined>((n, k) => (n as Tree)?.[k], locale(lang, file));
  if (typeof v !== 'string') throw new Error(`no ${file}.${path} in ${lang}`);
  return v;
};

const appid = 'wx0123456789abcdef';
const secret = 'fakeSecret0123456789abcdef012345';
const template = 'tmplStatus-0001-abcdef';
const dataDir = mkdtempSync(join(tmpdir(), 'mp-referral-'));
const bareDir = mkdtempSync(join(tmpdir(), 'mp-referral-bare-'));
let fake: FakeWechat;
let server: Started;
let bare: Started;
let worker: PageClient;

beforeAll(async () => {
  fake = await startFakeWechat({ appid, secret, codes: {}, templates: [template] });
  const password = addCaseworker(dataDir, 'mp.flow', 'karadala');
  [server, bare] = await Promise.all([
    startServer('server/main.ts', {
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOGINS_PER_MINUTE: '100',
      RATE_LIMIT_PER_MINUTE: '10000',
      NOTICE_RETRY_BASE_MS: '100',
      MINIPROGRAM_APPID: appid,
      MINIPROGRAM_SECRET: secret,
      MINIPROGRAM_STATUS_TEMPLATE_ID: template,
      WECHAT_API_BASE: fake.base,
    }),
    startServer('server/main.ts', { PORT: '0', HOST: '127.0.0.1', DATA_DIR: bareDir }),
  ]);
  worker = await signIn(server.base, 'mp.flow', password);
}, 180_000);

afterAll(async () => {
  await server?.stop();
  await bare?.stop();
  await fake?.stop();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(bareDir, { recursive: true, force: true });
});

/** The household of the other tests (Tekes couple, township 3) through the API to its results. */
async function conversationAtResults(base: string, lang: string): Promise<string> {
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return (await res.json()) as { id: string; phase: string };
  };
  const { id } = await post('/api/v1/conversations', { lang });
  let phase = '';
  for (const text of coupleTapped('3'))
    phase = (await post(`/api/v1/conversations/${id}/messages`, { text })).phase;
  expect(phase).toBe('results');
  return id;
}

interface ResidentWx extends FakeWx {
  login: (o: { success?: (r: { code: string; errMsg: string }) => void }) => void;
  requestSubscribeMessage: (o: {
    tmplIds: string[];
    success?: (r: Record<string, string>) => void;
    complete?: (r: Record<string, string>) => void;
  }) => void;
  asked: string[][];
}

/** The phone: wx.login gives a code the fake WeChat API knows, and WeChat's consent says accept. */
function residentWx(built: string, base: string, lang: string, code: string): ResidentWx {
  const wx = fakeWx(built, base) as ResidentWx;
  wx.storage.set('lang', lang);
  wx.asked = [];
  wx.login = ({ success }) => success?.({ code, errMsg: 'login:ok' });
  wx.requestSubscribeMessage = (o) => {
    wx.asked.push(o.tmplIds);
    const res: Record<string, string> = { errMsg: 'requestSubscribeMessage:ok' };
    for (const id of o.tmplIds) res[id] = 'accept';
    o.success?.(res);
    o.complete?.(res);
  };
  return wx;
}

type Page = ReturnType<typeof openPage>;
const text = (page: Page) => page.dom!.textContent ?? '';
const rtl = (page: Page) =>
  page
    .querySelector('.root')!
    .dom!.className.split(/\s+/)
    .some((c: string) => /(^|--)rtl$/.test(c));
const tapLabel = (page: Page, label: string) => {
  const button = page.querySelectorAll('.choice').find((b) => b.dom!.textContent === label);
  if (!button) throw new Error(`no button "${label}" in: ${text(page)}`);
  button.dispatchEvent('tap');
};
const type = (page: Page, value: string) =>
  page.querySelector('.answer')!.dispatchEvent('input', { detail: { value } });
const messagesSent = (wx: FakeWx) => wx.requests.filter((u) => u.endsWith('/messages')).length;

/** Consent, name, phone (mistyped first, then a double tap), no ID number, confirm. */
async function referralThroughThePage(page: Page, wx: FakeWx, lang: string, phone = '13912345678') {
  const chat = (k: string) => say(lang, 'chat', k);
  const quick = (k: string) => say(lang, 'web', `chat.quick.${k}`);

  // The dialog's own consent, in full, before anything else: purpose and question.
  await waitFor(() => text(page).includes(chat('referral.consent')), 'the consent question');
  expect(text(page)).toContain(chat('referral.purpose'));
  // Its choices as buttons; nothing to tick, nothing chosen, no box to type in yet.
  expect(page.querySelectorAll('.choice').map((b) => b.dom!.textContent)).toEqual([
    quick('consent_yes'),
    quick('consent_no'),
  ]);
  expect(page.querySelector('.answer')).toBeFalsy();
  expect(messagesSent(wx)).toBe(1);

  tapLabel(page, quick('consent_yes'));
  await waitFor(() => text(page).includes(chat('referral.name')), 'the name question');
  expect(page.data.input).toBe('text');
  type(page, '阿依古丽');
  page.querySelector('.send')!.dispatchEvent('tap');
  await waitFor(() => text(page).includes(chat('referral.phone')), 'the phone question');
  expect(page.data.input).toBe('number');

  // Mistyped: the dialog says why and asks again; the typed number stays to be corrected.
  type(page, '12345');
  page.querySelector('.send')!.dispatchEvent('tap');
  await waitFor(() => text(page).includes(chat('hints.bad_phone')), 'the re-asked phone');
  expect(page.data.phase).toBe('referral_phone');
  expect(page.data.draft).toBe('12345');

  // Corrected, and tapped twice: sent once.
  type(page, phone);
  const before = messagesSent(wx);
  page.querySelector('.send')!.dispatchEvent('tap');
  page.querySelector('.send')!.dispatchEvent('tap');
  await waitFor(() => text(page).includes(chat('referral.id')), 'the ID number question');
  expect(messagesSent(wx) - before).toBe(1);
  expect(page.data.input).toBe('idcard');

  tapLabel(page, quick('skip'));
  await waitFor(() => text(page).includes(chat('referral.confirm')), 'the confirmation');
  // Nothing lost: the name given before the mistyped phone is in the summary.
  expect(text(page)).toContain('阿依古丽');
  expect(text(page)).toContain(phone);

  tapLabel(page, quick('confirm_yes'));
  return waitFor(() => page.data.reference as string, 'the referral to be sent');
}

/** As a caseworker does it: the case page (its form's CSRF token), then the status form. */
async function changeStatus(reference: string, to: string) {
  await worker.get(`/staff/referrals/${reference}`);
  const res = await worker.post(`/staff/referrals/${reference}/status`, { to });
  expect(res.status, `status ${to}`).toBe(302);
}

describe.each([
  ['zh', 'oFAKEopenid-FlowZh-0001'],
  ['ug', 'oFAKEopenid-FlowUg-0002'],
  ['kk', 'oFAKEopenid-FlowKk-0003'],
] as const)('the referral in the mini-program, in %s', (lang, openid) => {
  // A copy of its own: a fresh app on a phone of its own (no sign-in kept from another language).
  let built: ReturnType<typeof buildMiniprogram>;
  beforeAll(() => {
    built = buildMiniprogram();
  });
  afterAll(() => built?.remove());

  let id = '';
  let reference = '';
  const web = (k: string) => say(lang, 'web', k);

  it('consents, gives name and phone, confirms and allows status messages with a tap', async () => {
    id = await conversationAtResults(server.base, lang);
    const code = `code-flow-${lang}`;
    fake.addCode(code, openid);
    const wx = residentWx(built.dir, server.base, lang, code);
    const page = openPage(built.dir, 'referral', { id });
    expect(wx.titles.at(-1)).toBe(web('referral.title'));
    expect(rtl(page)).toBe(lang !== 'zh');

    reference = await referralThroughThePage(page, wx, lang);
    expect(reference).toMatch(/^[A-Z]{2}-[0-9A-Z]{8}$/);
    // The subscription is offered only now, from a tap, with the template the server named.
    await waitFor(() => page.querySelector('.subscribe'), 'the subscription button');
    expect(wx.asked).toEqual([]);
    page.querySelector('.subscribe')!.dispatchEvent('tap');
    page.querySelector('.subscribe')!.dispatchEvent('tap');
    await waitFor(() => wx.navigations.length, 'the sent page');
    expect(wx.asked).toEqual([[template]]);
    expect(wx.navigations).toEqual([`/pages/sent/index?reference=${reference}&updates=on`]);
    // One sign-in with the wx.login code, and nothing but the language kept on the phone.
    expect(fake.callsTo('session').filter((c) => c.query.js_code === code)).toHaveLength(1);
    expect([...wx.storage.keys()]).toEqual(['lang']);
    expect(wx.requests.every((u) => u.startsWith('https://assist.example.invalid/api/v1/'))).toBe(true);
  });

  it('the sent page shows the reference, what happens next and that updates come by WeChat', async () => {
    const wx = residentWx(built.dir, server.base, lang, 'unused');
    const page = openPage(built.dir, 'sent', { reference, updates: 'on' });
    expect(wx.titles.at(-1)).toBe(web('referral.sent_title'));
    expect(rtl(page)).toBe(lang !== 'zh');
    expect(page.querySelector('.reference')!.dom!.textContent).toBe(reference);
    expect(text(page)).toContain(web('referral.sent').split('{{reference}}')[0]!.trim());
    expect(text(page)).toContain(web('site.decides'));
    expect(text(page)).toContain(web('miniprogram.updates_on'));
    page.querySelector('.my-referrals')!.dispatchEvent('tap');
    await waitFor(() => wx.navigations.length, '"my referrals" to open');
    expect(wx.navigations).toEqual(['/pages/my-referrals/index']);
  });

  it('"my referrals" lists it with its status; a caseworker\'s change reaches WeChat and the list', async () => {
    const wx = residentWx(built.dir, server.base, lang, 'unused-signed-in-already');
    const list = openPage(built.dir, 'my-referrals');
    expect(wx.titles.at(-1)).toBe(web('miniprogram.my_referrals'));
    expect(rtl(list)).toBe(lang !== 'zh');
    await waitFor(() => list.querySelectorAll('.referral').length, 'the list');
    expect(list.querySelectorAll('.referral')).toHaveLength(1);
    expect(list.querySelector('.status-text')!.dom!.textContent).toBe(web('status.states.new'));
    expect(text(list)).toContain(say(lang, 'screen', 'programs.dibao'));
    expect(text(list)).toContain(web('miniprogram.subscribed'));
    expect(text(list)).not.toContain(reference);

    const sendsBefore = fake.callsTo('send').length;
    await changeStatus(reference, 'contacted');
    await waitFor(() => fake.callsTo('send').length > sendsBefore, 'the subscribe message');
    const send = fake.callsTo('send').at(-1)!;
    expect(send.errcode).toBe(0);
    expect(send.body).toMatchObject({
      touser: openid,
      template_id: template,
      page: 'pages/my-referrals/index',
      data: { thing1: { value: say(lang, 'api', 'miniprogram.notice.thing.contacted') } },
    });

    const again = openPage(built.dir, 'my-referrals');
    await waitFor(
      () => again.querySelector('.status-text')?.dom?.textContent === web('status.states.contacted'),
      'the new status',
    );
    // Its detail page, from the list's tap.
    again.querySelector('.referral')!.dispatchEvent('tap');
    const url = await waitFor(() => wx.navigations.at(-1), 'the status page to open');
    expect(url).toMatch(/^\/pages\/status\/index\?at=/);
    const at = decodeURIComponent(url.split('at=')[1]!);
    const status = openPage(built.dir, 'status', { at });
    expect(rtl(status)).toBe(lang !== 'zh');
    await waitFor(() => status.querySelector('.status-text'), 'the status page');
    expect(status.querySelector('.status-text')!.dom!.textContent).toBe(web('status.states.contacted'));
    expect(text(status)).toContain(say(lang, 'screen', 'programs.dibao'));
    expect(text(status)).toContain(web('results.likely'));
  });
});

describe('without MINIPROGRAM_APPID and _SECRET', () => {
  let built: ReturnType<typeof buildMiniprogram>;
  beforeAll(() => {
    built = buildMiniprogram();
  });
  afterAll(() => built?.remove());

  it('opened again for the same conversation, it asks for consent again and never sends one', async () => {
    const id = await conversationAtResults(bare.base, 'zh');
    const wx = residentWx(built.dir, bare.base, 'zh', 'never-used');
    const consent = say('zh', 'chat', 'referral.consent');
    const first = openPage(built.dir, 'referral', { id });
    await waitFor(() => text(first).includes(consent), 'the consent question');
    // Back to the results and "ask my township" again: the same question, nothing sent.
    const again = openPage(built.dir, 'referral', { id });
    await waitFor(() => text(again).includes(consent), 'the consent question again');
    await new Promise((r) => setTimeout(r, 500));
    expect(messagesSent(wx)).toBe(1);
    // The dialog still waits for the consent: a word that is no answer gets the question again.
    const res = await fetch(`${bare.base}/api/v1/conversations/${id}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'xyz' }),
    });
    expect(((await res.json()) as { phase: string }).phase).toBe('referral_consent');
  });

  it('the referral is still sent and the page says sign-in is not set up', async () => {
    const id = await conversationAtResults(bare.base, 'ug');
    const wx = residentWx(built.dir, bare.base, 'ug', 'never-used');
    const page = openPage(built.dir, 'referral', { id });
    const reference = await referralThroughThePage(page, wx, 'ug', '13998765432');
    const notSetUp = say('ug', 'api', 'errors.miniprogram_not_configured');
    await waitFor(() => text(page).includes(notSetUp), 'the sign-in note');
    expect(page.querySelector('.subscribe')).toBeFalsy();
    page.querySelector('.not-now')!.dispatchEvent('tap');
    await waitFor(() => wx.navigations.length, 'the sent page');
    expect(wx.navigations).toEqual([`/pages/sent/index?reference=${reference}&updates=not_set_up`]);
    expect(wx.asked).toEqual([]);

    const sent = openPage(built.dir, 'sent', { reference, updates: 'not_set_up' });
    expect(text(sent)).toContain(notSetUp);
    const list = openPage(built.dir, 'my-referrals');
    await waitFor(() => text(list).includes(notSetUp), '"my referrals" to say so');
    expect(list.querySelector('.retry')).toBeFalsy();
  });
});
