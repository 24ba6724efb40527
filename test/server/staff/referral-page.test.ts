/**
 * The referral page (issue 16 item 5) against a really started server, with referrals seeded in
 * zh, ug and kk: it speaks about the household (该户), never to the resident (您家); every answer
 * is on it (a ticked illness reads 是, a Kazakh resident's emergency that left someone 生活不能自理
 * is there, in Chinese and in Kazakh); a recorded outcome is shown with tier, amount, reason, who
 * and when; the papers still missing are listed and shrink as the caseworker ticks them; someone
 * changing the status of a case that is not theirs is offered to take it, and the change they
 * asked for is made either way.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Answers } from '../../../bot/dialog/answers.ts';
import kkChat from '../../../locales/kk/chat.json' with { type: 'json' };
import kkStaff from '../../../locales/kk/staff.json' with { type: 'json' };
import ugStaff from '../../../locales/ug/staff.json' with { type: 'json' };
import zhChat from '../../../locales/zh/chat.json' with { type: 'json' };
import zhScreen from '../../../locales/zh/screen.json' with { type: 'json' };
import zhStaff from '../../../locales/zh/staff.json' with { type: 'json' };
import zhWeb from '../../../locales/zh/web.json' with { type: 'json' };
import { addCaseworker } from '../../helpers/admin-cli.ts';
import { type PageClient, textOf } from '../../helpers/browser-session.ts';
import { signIn } from '../../helpers/staff-sign-in.ts';
import { type Started, startServer } from '../../helpers/start-server.ts';
import { seedReferrals } from '../../helpers/stored-referrals.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'referral-page-'));
let server: Started;
let worker: PageClient;
let colleague: PageClient;

const ill = {
  age: 52,
  laborCapacity: 'partial',
  disability: null,
  seriousIllness: true,
  schooling: 'none',
  employed: false,
} as const;
const couple = (extra: Partial<Answers> = {}): Answers => ({
  jurisdiction: 'tekes',
  township: 'karadala',
  area: 'rural',
  size: 2,
  members: [
    ill,
    {
      age: 48,
      laborCapacity: 'full',
      disability: null,
      seriousIllness: false,
      schooling: 'none',
      employed: true,
    },
  ],
  monthlyIncome: 500,
  propertyWithinLimits: true,
  ...extra,
});
/** A Kazakh household: a man who cannot work or look after himself since an illness this year. */
const kazakh: Answers = {
  ...couple(),
  members: [
    {
      age: 58,
      laborCapacity: 'none',
      selfCare: 'none',
      disability: null,
      seriousIllness: true,
      schooling: 'none',
    },
    {
      age: 55,
      laborCapacity: 'full',
      disability: null,
      seriousIllness: false,
      schooling: 'none',
      employed: true,
    },
  ],
  emergency: { kind: 'illness', months: 3, persons: 2, consequence: 'lost_self_care' },
};
const refs = { zh: 'TE-ZH000001', ug: 'TE-UG000001', kk: 'TE-KK000001', other: 'TE-ZH000002' } as const;

const page = async (client: PageClient, ref: string) => {
  const res = await client.get(`/staff/referrals/${ref}`);
  expect(res.status).toBe(200);
  return client.last;
};

/** Posts a form of the case page, then reads the page it redirects to (staff routes answer with a 302). */
const submit = async (
  client: PageClient,
  ref: string,
  action: string,
  fields: [string, string][] | Record<string, string>,
) => {
  const res = await client.post(`/staff/referrals/${ref}/${action}`, fields);
  expect(res.status, `${action} answered ${res.status}`).toBe(302);
  return page(client, ref);
};

beforeAll(async () => {
  await seedReferrals(dataDir, [
    { reference: refs.zh, lang: 'zh', answers: couple(), name: '张秀兰', phone: '13912340001' },
    { reference: refs.ug, lang: 'ug', answers: couple(), name: 'ئايگۈل', phone: '13912340002' },
    { reference: refs.kk, lang: 'kk', answers: kazakh, name: 'ايگۇل', phone: '13912340003' },
    { reference: refs.other, lang: 'zh', answers: couple(), name: '李建国', phone: '13912340004' },
  ]);
  const password = addCaseworker(dataDir, 'page.worker', 'karadala');
  const other = addCaseworker(dataDir, 'page.colleague', 'karadala');
  server = await startServer('server/main.ts', { PORT: '0', DATA_DIR: dataDir, LOGINS_PER_MINUTE: '100' });
  worker = await signIn(server.base, 'page.worker', password);
  colleague = await signIn(server.base, 'page.colleague', other);
}, 120_000);

afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the referral page speaks about the household', () => {
  it('says 该户, never 您家, in the staff member’s language', async () => {
    for (const ref of [refs.zh, refs.ug, refs.kk]) {
      const html = await page(worker, ref);
      expect(html).toContain(zhStaff.household.web.results.title);
      expect(html).not.toContain(zhWeb.results.title);
      expect(textOf(html)).not.toMatch(/您家|按您的回答/);
    }
  });

  it('in Uyghur and Kazakh too (staff keys, not the resident’s)', async () => {
    for (const [lang, words] of [
      ['ug', ugStaff],
      ['kk', kkStaff],
    ] as const) {
      await worker.post('/staff/lang', { lang, back: `/staff/referrals/${refs.kk}` });
      await page(worker, refs.kk);
      expect(worker.last).toContain(words.household.web.results.title);
    }
    await worker.post('/staff/lang', { lang: 'zh', back: '/staff' });
  });
});

describe('every answer', () => {
  it('a ticked illness shows the answer, not just the question', async () => {
    const text = textOf(await page(worker, refs.zh));
    expect(text).toContain(`${zhScreen.fields.seriousIllness}: ${zhStaff.referral.yes}`);
    expect(text).toContain(`${zhScreen.fields.seriousIllness}: ${zhStaff.referral.no}`);
  });

  it('a Kazakh case keeps 生活不能自理 (emergency consequence) and self-care, in Chinese and in Kazakh', async () => {
    const text = textOf(await page(worker, refs.kk));
    expect(text).toContain(zhChat.options.consequence_lost_self_care);
    expect(text).toContain(kkChat.options.consequence_lost_self_care);
    expect(text).toContain(`${zhScreen.fields.selfCare}: ${zhChat.options.capacity_none}`);
    expect(text).toContain(zhChat.options.emergency_illness);
  });
});

describe('the recorded outcome', () => {
  it('is shown once entered: decision, tier, amount, reason, who and when', async () => {
    let html = await page(worker, refs.zh);
    expect(html).not.toContain('id="outcomes"');
    await submit(worker, refs.zh, 'outcome', {
      program: 'dibao',
      decision: 'approved',
      tier: 'B',
      amount: '345',
      reason: '入户核实：丈夫重病',
    });
    html = worker.last;
    const section = /<section class="outcomes"[\s\S]*?<\/section>/.exec(html)?.[0] ?? '';
    const text = textOf(section);
    for (const shown of [
      zhScreen.programs.dibao,
      zhStaff.referral.approved,
      'B',
      '345',
      '入户核实：丈夫重病',
      'page.worker',
    ])
      expect(text).toContain(shown);
    expect(text).toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
  });
});

describe('the papers still missing', () => {
  it('lists each program’s papers until ticked as received, through a CSRF-checked, audited form', async () => {
    const html = await page(worker, refs.ug);
    const missing = [...html.matchAll(/<li data-paper="([a-z_]+)"/g)].map((m) => m[1]!);
    expect(missing).toContain('id_card');
    expect(missing).toContain('medical_bills');
    // Without the form's token: refused, nothing recorded.
    const forged = await worker.post(`/staff/referrals/${refs.ug}/papers`, { received: 'id_card' }, false);
    expect(forged.status).toBe(403);
    await page(worker, refs.ug);
    await submit(worker, refs.ug, 'papers', [
      ['received', 'id_card'],
      ['received', 'not_a_paper'],
    ]);
    const after = [...worker.last.matchAll(/<li data-paper="([a-z_]+)"/g)].map((m) => m[1]!);
    expect(after).not.toContain('id_card');
    expect(after).toContain('medical_bills');
    expect(worker.last).toMatch(/name="received" value="id_card" checked/);
    expect(worker.last).not.toContain('not_a_paper');

    const all = [...new Set(missing)].map((id): [string, string] => ['received', id]);
    await submit(worker, refs.ug, 'papers', all);
    expect(worker.last).toContain('id="papers-complete"');
    // Audited: who ticked which papers of which case.
    const audited = readFileSync(join(dataDir, 'audit.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { action: string; target: string; detail?: string });
    const ticks = audited.filter((e) => e.action === 'papers' && e.target === refs.ug);
    expect(ticks.length).toBe(2);
    expect(ticks[0]!.detail).toBe('id_card');
  });
});

describe('taking the case', () => {
  it('is offered to someone who is not the assignee, and the status change is kept with or without it', async () => {
    // Unassigned: offered; ticked, the status changes and the case is the colleague's.
    let html = await page(colleague, refs.other);
    expect(html).toContain('id="status-take"');
    await submit(colleague, refs.other, 'status', { to: 'contacted', take: 'yes' });
    html = colleague.last;
    expect(html).toContain('data-status="contacted"');
    expect(textOf(html)).toContain(`${zhStaff.inbox.assignee}: page.colleague`);
    expect(html).not.toContain('id="status-take"');

    // Someone else's case: offered with the assignee named; not ticked, the status still changes.
    html = await page(worker, refs.other);
    expect(html).toContain('id="status-take"');
    expect(textOf(html)).toContain('page.colleague');
    await submit(worker, refs.other, 'status', { to: 'visit_scheduled' });
    expect(worker.last).toContain('data-status="visit_scheduled"');
    expect(textOf(worker.last)).toContain(`${zhStaff.inbox.assignee}: page.colleague`);

    // Ticked: the change asked for and the case taken, both in the history.
    await submit(worker, refs.other, 'status', { to: 'accepted', take: 'yes' });
    expect(worker.last).toContain('data-status="accepted"');
    expect(textOf(worker.last)).toContain(`${zhStaff.inbox.assignee}: page.worker`);
  });
});

describe('the visit sheet’s page CSS (it carries the reference)', () => {
  it('is served only to signed-in staff who may see the case', async () => {
    const anonymous = await fetch(`${server.base}/staff/referrals/${refs.zh}/print.css`, {
      redirect: 'manual',
    });
    expect(anonymous.status).not.toBe(200);
    expect(await anonymous.text()).not.toContain(refs.zh);
    const res = await worker.get(`/staff/referrals/${refs.zh}/print.css`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/css');
    expect(worker.last).toContain(`@page`);
    expect(worker.last).toContain(refs.zh);
    const unknown = await worker.get('/staff/referrals/TE-NOSUCH01/print.css');
    expect(unknown.status).toBe(404);
  });
});
