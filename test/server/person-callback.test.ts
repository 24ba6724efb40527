/**
 * "Talk to a person" and the confirmations against the really started server (issue 15 items 3
 * and 7), with a test-only county configuration (RULES_DIR) whose offices have a fake number:
 * over the JSON API in zh, ug and kk a call-back is stored with its phone (read back from disk),
 * or the office's number is given and nothing is stored; the staff inbox shows the call-back with
 * its phone masked; the results and sent pages show the office with a tel: link; the web chat's
 * "start over" button asks first; the status page deletes only with the box ticked.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { translator } from '../../locales/i18n.ts';
import { addCaseworker } from '../helpers/admin-cli.ts';
import { PageClient, textOf } from '../helpers/browser-session.ts';
import { residentWithResults, sendReferral } from '../helpers/resident-referral.ts';
import { signIn } from '../helpers/staff-sign-in.ts';
import { type Started, startServer } from '../helpers/start-server.ts';
import { storedReferrals } from '../helpers/stored-referrals.ts';
import { fakeOfficePhone, rulesWithOffices } from '../helpers/test-rules.ts';

const rulesDir = rulesWithOffices();
const dataDir = mkdtempSync(join(tmpdir(), 'person-server-'));
let server: Started;
let password = '';

beforeAll(async () => {
  password = addCaseworker(dataDir, 'person.worker');
  server = await startServer('server/main.ts', { PORT: '0', DATA_DIR: dataDir, RULES_DIR: rulesDir });
}, 120_000);
afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(rulesDir, { recursive: true, force: true });
});

/** One conversation over the JSON API: everything the resident read. */
async function talk(texts: string[]): Promise<string> {
  const post = (path: string, text: string) =>
    fetch(`${server.base}/api/v1/conversations${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text }),
    }).then((r) => r.json() as Promise<{ id: string; replies: string[] }>);
  const [first, ...rest] = texts;
  const opened = await post('', first!);
  const replies = [...opened.replies];
  for (const text of rest) replies.push(...(await post(`/${opened.id}/messages`, text)).replies);
  return replies.join('\n');
}

const callbacks = () => Object.values(storedReferrals(dataDir)).filter((r) => r.kind === 'callback');

describe('talk to a person over the JSON API', () => {
  // Each routed to 喀拉达拉镇 (the caseworker's township), each with its own phone.
  const cases = [
    {
      lang: 'zh',
      texts: ['你好', '人工', '1', '3', '1', '阿依古丽·买买提', '13912340001'],
      phone: '13912340001',
    },
    {
      lang: 'ug',
      texts: ['ياخشىمۇسىز، ئائىلە', '1', '3', 'خادىم', '1', 'ئايگۈل ئەخمەت', '13912340002'],
      phone: '13912340002',
    },
    {
      lang: 'kk',
      texts: ['سالەمەتسىز بە، ديباۋ العىم كەلەدى', 'قىزمەتكەر', '1', '3', '1', 'ايگۇل', '13912340003'],
      phone: '13912340003',
    },
  ] as const;

  it.each(cases)('$lang: ends with a stored call-back holding the phone', async ({ lang, texts, phone }) => {
    const said = await talk([...texts]);
    expect(said).toContain(translator(lang)('chat.person.stored', { phone }));
    expect(said).toContain(fakeOfficePhone);
    const stored = callbacks().find((r) => r.phone === phone);
    expect(stored).toMatchObject({ kind: 'callback', jurisdiction: 'tekes', township: 'karadala', lang });
    expect(String(stored!.name).length).toBeGreaterThan(0);
    expect(said).toContain(String(stored!.reference));
  });

  it('ends with the office number and nothing stored when the resident would rather not leave a phone', async () => {
    const before = Object.keys(storedReferrals(dataDir)).length;
    const said = await talk(['你好', '1', '1', '人工', '2']);
    expect(said).toContain(translator('zh')('chat.person.declined'));
    expect(said).toContain(`电话：${fakeOfficePhone}`);
    expect(Object.keys(storedReferrals(dataDir)).length).toBe(before);
  });

  it('shows each call-back in the staff inbox with its phone masked', async () => {
    const me = await signIn(server.base, 'person.worker', password);
    await me.get('/staff?kind=callback');
    const inbox = textOf(me.last);
    for (const { phone } of cases) {
      expect(inbox).toContain(`${phone.slice(0, 3)}****${phone.slice(-4)}`);
      expect(me.last).not.toContain(phone);
    }
  });
});

describe('the township office on the web pages', () => {
  it('is on the results page and the sent page, its phone a tel: link', async () => {
    const r = (await residentWithResults(server.base, 7))!;
    expect(r.page.last).toContain(`href="tel:09990000000"`);
    expect(textOf(r.page.last)).toContain('喀拉达拉镇人民政府');
    const reference = await sendReferral(r);
    expect(reference).toMatch(/^TE-/);
    expect(r.page.last).toContain(`href="tel:09990000000"`);
  });
  it('says "not configured" where the county gave no phone, in Uyghur too', async () => {
    const page = new PageClient(server.base);
    await page.get('/ug/form');
    await page.post('/ug/form', [
      ...[
        ['rows', '4'],
        ['county', 'tekes'],
        ['township', 'kalatuohai'],
        ['area', 'rural'],
      ],
      ...[
        ['age_0', '70'],
        ['work_0', 'none'],
        ['income', '100'],
        ['property', 'yes'],
        ['action', 'results'],
      ],
    ] as [string, string][]);
    const text = textOf(page.last);
    expect(text).toContain(translator('ug')('chat.office.phone_missing', { place: 'قاراتوقاي يېزىسى' }));
    expect(page.last).not.toContain('tel:');
  });
});

describe('confirmations on the web', () => {
  const at = (html: string) => /name="at" value="([^"]*)"/.exec(html)?.[1] ?? '';

  it('the chat\'s "start over" button asks first; no keeps the answers', async () => {
    const page = new PageClient(server.base);
    await page.get('/zh/chat');
    await page.post('/zh/chat', { at: at(page.last), text: '1' });
    await page.post('/zh/chat', { at: at(page.last), action: 'restart' });
    expect(textOf(page.last)).toContain(translator('zh')('chat.commands.restart_ask'));
    expect(page.last).toContain(translator('zh')('web.chat.quick.restart_no'));
    await page.post('/zh/chat', { at: at(page.last), quick: '2' });
    expect(textOf(page.last)).toContain(translator('zh')('chat.commands.restart_kept'));
    // Still at the township question: the county answer was kept.
    expect(textOf(page.last)).toContain('喀拉达拉镇');
  });

  it('the status page deletes only with the box ticked (works without JavaScript)', async () => {
    const r = (await residentWithResults(server.base, 8))!;
    const reference = (await sendReferral(r))!;
    const status = new PageClient(server.base);
    await status.get('/zh/status');
    await status.post('/zh/status', { reference, digits: r.phone.slice(-4) });
    expect(status.last).toContain('name="confirm" value="yes"');
    await status.post('/zh/status/delete', { reference, digits: r.phone.slice(-4), phone: r.phone });
    expect(status.status).toBe(400);
    expect(textOf(status.last)).toContain(translator('zh')('web.status.delete_confirm_needed'));
    expect(storedReferrals(dataDir)[reference]).toMatchObject({ phone: r.phone });
    await status.post('/zh/status/delete', {
      reference,
      digits: r.phone.slice(-4),
      phone: r.phone,
      confirm: 'yes',
    });
    expect(status.status).toBe(200);
    expect(storedReferrals(dataDir)[reference]).toMatchObject({ phone: '', name: '' });
  });
});
