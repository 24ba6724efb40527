/**
 * The caseworker's week on a really started server (issue 16 item 4), over a hand-made seed of
 * nine Karadala cases and one Kuokesu case whose dates, statuses and visits are chosen so every
 * expected order below can be worked out by hand, with a rules copy where Tekes configures
 * overdue days (new 3, contacted 7, visit_scheduled 14; accepted none):
 *
 *   n  received  status           in status  assignee  visit
 *   1      1 h   new                   1 h    -
 *   2    120 h   new                 120 h    -         (5 d > 3: overdue)
 *   3    480 h   contacted           192 h    a         (8 d > 7: overdue)
 *   4     72 h   contacted            48 h    a
 *   5   1500 h   accepted           1440 h    b         (no deadline for accepted: no mark)
 *   6    300 h   approved (closed)   100 h    a
 *   7    200 h   visit_scheduled     150 h    a         tomorrow 10:00
 *   8     30 h   visit_scheduled      20 h    a         today 00:00
 *   9    400 h   visit_scheduled     360 h    b         in two days 15:00 (15 d > 14: overdue)
 *  10     10 h   new (Kuokesu)        10 h    -
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReferralRecord } from '../../../bot/referral/referral-record.ts';
import zhStaff from '../../../locales/zh/staff.json' with { type: 'json' };
import { addCaseworker } from '../../helpers/admin-cli.ts';
import { readAuditLines } from '../../helpers/audit-tamper.ts';
import type { PageClient } from '../../helpers/browser-session.ts';
import { seedCase, seedCases, seedReference } from '../../helpers/seed-cases.ts';
import { signIn, signInAdmin } from '../../helpers/staff-sign-in.ts';
import { type Started, startServer } from '../../helpers/start-server.ts';
import { storedReferrals } from '../../helpers/stored-referrals.ts';
import { rulesWithDeadlines } from '../../helpers/test-rules.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'visits-deadlines-'));
const rulesDir = rulesWithDeadlines();
const hour = 3600_000;
const now = new Date();
/** China's calendar day `days` from today, and an ISO instant on it at hh:mm Beijing time. */
const chinaDay = (days: number) =>
  new Date(now.getTime() + 8 * hour + days * 24 * hour).toISOString().slice(0, 10);
const beijing = (days: number, time: string) => new Date(`${chinaDay(days)}T${time}:00+08:00`).toISOString();
const ref = seedReference;

let server: Started;
let a: PageClient;
let b: PageClient;
let admin: PageClient;
const ids: Record<string, string> = {};

/** A case that entered `status` `inStatus` hours ago (the history says so). */
function inStatus(
  n: number,
  received: number,
  status: ReferralRecord['status'],
  hoursIn: number,
  extra = {},
) {
  const r = seedCase(n, received, now, { status, ...extra });
  if (status !== 'new')
    r.history.push({
      at: new Date(now.getTime() - hoursIn * hour).toISOString(),
      by: 'system',
      action: 'status',
      from: 'new',
      to: status,
    });
  return r;
}

beforeAll(async () => {
  const passwords = {
    a: addCaseworker(dataDir, 'worker.a', 'karadala'),
    b: addCaseworker(dataDir, 'worker.b', 'karadala'),
    c: addCaseworker(dataDir, 'worker.c', 'kuokesu'),
  };
  await seedCases(dataDir, (id) => {
    Object.assign(ids, { a: id('worker.a'), b: id('worker.b'), c: id('worker.c') });
    return [
      inStatus(1, 1, 'new', 1),
      inStatus(2, 120, 'new', 120),
      inStatus(3, 480, 'contacted', 192, { assignee: ids.a }),
      inStatus(4, 72, 'contacted', 48, { assignee: ids.a }),
      inStatus(5, 1500, 'accepted', 1440, { assignee: ids.b }),
      inStatus(6, 300, 'approved', 100, { assignee: ids.a }),
      inStatus(7, 200, 'visit_scheduled', 150, { assignee: ids.a, visitAt: beijing(1, '10:00') }),
      inStatus(8, 30, 'visit_scheduled', 20, { assignee: ids.a, visitAt: beijing(0, '00:00') }),
      inStatus(9, 400, 'visit_scheduled', 360, { assignee: ids.b, visitAt: beijing(2, '15:00') }),
      inStatus(10, 10, 'new', 10, { township: 'kuokesu' }),
    ];
  });
  server = await startServer('server/main.ts', {
    PORT: '0',
    DATA_DIR: dataDir,
    RULES_DIR: rulesDir,
    LOGINS_PER_MINUTE: '100',
  });
  const adminPassword = /One-time password: (\S+)/.exec(server.output())![1]!;
  a = await signIn(server.base, 'worker.a', passwords.a);
  b = await signIn(server.base, 'worker.b', passwords.b);
  admin = (await signInAdmin(server.base, 'admin', adminPassword)).page;
}, 180_000);

afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(rulesDir, { recursive: true, force: true });
});

const rows = (html: string) =>
  [...html.matchAll(/<tr data-reference="([A-Z]{2}-[0-9A-Z]{8})"/g)].map((m) => m[1]);
const refs = (...ns: number[]) => ns.map(ref);
const row = (html: string, n: number) =>
  new RegExp(`<tr data-reference="${ref(n)}"[\\s\\S]*?</tr>`).exec(html)?.[0] ?? '';

describe('sorting the inbox (GET parameters, stable)', () => {
  it.each([
    ['', refs(1, 8, 4, 2, 7, 6, 9, 3, 5)],
    ['sort=created&dir=desc', refs(1, 8, 4, 2, 7, 6, 9, 3, 5)],
    ['sort=created&dir=asc', refs(5, 3, 9, 6, 7, 2, 4, 8, 1)],
    ['sort=reference&dir=asc', refs(1, 2, 3, 4, 5, 6, 7, 8, 9)],
    ['sort=reference&dir=desc', refs(9, 8, 7, 6, 5, 4, 3, 2, 1)],
    // By workflow order; equal statuses newest first in both directions.
    ['sort=status&dir=asc', refs(1, 2, 4, 3, 8, 7, 9, 5, 6)],
    ['sort=status&dir=desc', refs(6, 5, 8, 7, 9, 4, 3, 1, 2)],
    // Days in the current status; a closed case waits for nobody and comes last either way.
    ['sort=waiting&dir=desc', refs(5, 9, 3, 7, 2, 4, 8, 1, 6)],
    ['sort=waiting&dir=asc', refs(1, 8, 4, 2, 7, 3, 9, 5, 6)],
    // Cases without a visit last, newest first.
    ['sort=visit&dir=asc', refs(8, 7, 9, 1, 4, 2, 6, 3, 5)],
    ['sort=visit&dir=desc', refs(9, 7, 8, 1, 4, 2, 6, 3, 5)],
  ])('?%s', async (query, expected) => {
    await a.get(`/staff?${query}`);
    expect(a.status).toBe(200);
    expect(rows(a.last)).toEqual(expected);
    await a.get(`/staff?${query}`);
    expect(rows(a.last), 'the same order on a second load').toEqual(expected);
  });

  it('sorts by township (pinyin of the Chinese name) for a county admin', async () => {
    await admin.get('/staff?sort=township&dir=asc');
    expect(rows(admin.last)).toEqual(refs(1, 8, 4, 2, 7, 6, 9, 3, 5, 10)); // 喀拉达拉 (ka) before 阔克苏 (kuo)
    await admin.get('/staff?sort=township&dir=desc');
    expect(rows(admin.last)).toEqual(refs(10, 1, 8, 4, 2, 7, 6, 9, 3, 5));
  });

  it('links each sortable header to the other direction, keeping the filters; junk is ignored', async () => {
    await a.get('/staff?status=contacted&sort=waiting&dir=desc');
    expect(a.last).toMatch(
      /aria-sort="descending" class="waiting"><a class="sort" href="\/staff\?status=contacted&amp;sort=waiting&amp;dir=asc"/,
    );
    expect(a.last).toContain('href="/staff?status=contacted&amp;sort=reference&amp;dir=asc"');
    await a.get('/staff?sort=__proto__&dir=sideways');
    expect(a.status).toBe(200);
    expect(rows(a.last)).toEqual(refs(1, 8, 4, 2, 7, 6, 9, 3, 5));
  });
});

describe('days waiting and the overdue mark (county-configured days)', () => {
  it('marks the cases over their status deadline, and only those', async () => {
    await a.get('/staff');
    const overdue = rows(a.last).filter((r) =>
      row(a.last, Number.parseInt(r!.slice(4), 36)).includes('class="overdue"'),
    );
    expect(overdue.sort()).toEqual(refs(2, 3, 9));
    expect(row(a.last, 3)).toContain('>8 天</bdi>');
    expect(row(a.last, 5)).toContain('>60 天</bdi>');
    expect(row(a.last, 6)).not.toContain('天</bdi>');
    // accepted has no configured days: said once, never a made-up number.
    const note = /id="deadline-note">([^<]*)</.exec(a.last)?.[1] ?? '';
    expect(note).toContain(zhStaff.statuses.accepted);
    expect(a.last.split('id="deadline-note"').length).toBe(2);
  });
});

describe('assigned to me', () => {
  it('lists only the cases assigned to the signed-in caseworker, counts included', async () => {
    await a.get('/staff?mine=1');
    expect(rows(a.last).sort()).toEqual(refs(3, 4, 6, 7, 8));
    expect(/data-status-count="visit_scheduled">(\d+)</.exec(a.last)?.[1]).toBe('2');
    expect(a.last).toMatch(/id="mine-filter" aria-current="true"/);
    await b.get('/staff?mine=1');
    expect(rows(b.last).sort()).toEqual(refs(5, 9));
  });
});

describe('a home visit', () => {
  it('is refused in the past or on a date that does not exist, with the form kept as typed', async () => {
    const before = storedReferrals(dataDir)[ref(4)]!;
    await a.get(`/staff/referrals/${ref(4)}/visit`);
    const res = await a.post(`/staff/referrals/${ref(4)}/visit`, {
      date: chinaDay(-1),
      time: '09:30',
      schedule: '1',
    });
    expect(res.status).toBe(400);
    expect(a.last).toContain(zhStaff.visit.errors.past);
    expect(a.last).toContain(`name="date" value="${chinaDay(-1)}"`);
    expect(a.last).toContain('name="time" value="09:30"');
    expect(a.last).toMatch(/name="schedule" value="1" checked/);
    await a.post(`/staff/referrals/${ref(4)}/visit`, { date: '2027-02-30', time: '09:30' });
    expect(a.status).toBe(400);
    expect(a.last).toContain(zhStaff.visit.errors.invalid);
    await a.post(`/staff/referrals/${ref(4)}/visit`, { date: chinaDay(3), time: '25:00' });
    expect(a.status).toBe(400);
    expect(storedReferrals(dataDir)[ref(4)]).toEqual(before);
  });

  it('is set with the move to 已约入户 in one post, kept in the history and the audit log', async () => {
    await a.get(`/staff/referrals/${ref(4)}/visit`);
    const res = await a.post(`/staff/referrals/${ref(4)}/visit`, {
      date: chinaDay(3),
      time: '09:30',
      schedule: '1',
    });
    expect(res.status).toBe(303);
    const stored = storedReferrals(dataDir)[ref(4)] as ReferralRecord;
    expect(stored.visitAt).toBe(beijing(3, '09:30'));
    expect(stored.status).toBe('visit_scheduled');
    expect(stored.history.map((h) => h.action).slice(-2)).toEqual(['visit', 'status']);
    expect(a.last).toContain(`${chinaDay(3)} 09:30`);
    const audit = readAuditLines(join(dataDir, 'audit.jsonl'));
    expect(audit.some((e) => e.action === 'visit' && e.target === ref(4))).toBe(true);
  });

  it('moving it keeps the old time in the history', async () => {
    await a.get(`/staff/referrals/${ref(4)}/visit`);
    expect(a.last).toContain(`name="date" value="${chinaDay(3)}"`);
    await a.post(`/staff/referrals/${ref(4)}/visit`, { date: chinaDay(4), time: '11:00' });
    const stored = storedReferrals(dataDir)[ref(4)] as ReferralRecord;
    expect(stored.history.at(-1)).toMatchObject({
      action: 'visit',
      from: beijing(3, '09:30'),
      to: beijing(4, '11:00'),
    });
    await a.get(`/staff/referrals/${ref(4)}/visit`);
    await a.post(`/staff/referrals/${ref(4)}/visit`, { date: chinaDay(3), time: '09:30' });
    expect((storedReferrals(dataDir)[ref(4)] as ReferralRecord).visitAt).toBe(beijing(3, '09:30'));
  });

  it('is listed in 我的入户 by day, today first, with the case and the visit sheet', async () => {
    await a.get('/staff/visits');
    const days = [...a.last.matchAll(/<section class="visit-day" data-day="([\d-]+)"( data-today="true")?/g)];
    expect(days.map((d) => d[1])).toEqual([chinaDay(0), chinaDay(1), chinaDay(3)]);
    expect(days[0]![2]).toBeDefined();
    const listed = [
      ...a.last.matchAll(/<li data-reference="([A-Z0-9-]+)">\s*<strong class="visit-time"><bdi>([\d:]+)</g),
    ].map((m) => `${m[1]} ${m[2]}`);
    expect(listed).toEqual([`${ref(8)} 00:00`, `${ref(7)} 10:00`, `${ref(4)} 09:30`]);
    expect(a.last).toContain(`href="/staff/referrals/${ref(7)}/print"`);
    expect(a.last).toContain('测试户7');
    // Someone else's visit is not in a's list, even when a asks for b's.
    await a.get(`/staff/visits?who=${ids.b}`);
    expect(a.last).not.toContain(ref(9));
  });

  it('a county admin picks whose visits to see', async () => {
    await admin.get(`/staff/visits?who=${ids.b}`);
    expect(admin.last).toContain(`<option value="${ids.b}" selected>`);
    expect([...admin.last.matchAll(/<li data-reference="([A-Z0-9-]+)"/g)].map((m) => m[1])).toEqual([ref(9)]);
  });
});

describe('bulk assign', () => {
  it('assigns every ticked case in one post, one audit entry per case', async () => {
    await a.get('/staff');
    const res = await a.post('/staff/bulk-assign', [
      ['ref', ref(1)],
      ['ref', ref(2)],
      ['to', ids.b!],
    ]);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/staff?assigned=2');
    expect(a.last).toContain('已分配 2 条记录');
    const stored = storedReferrals(dataDir);
    expect([stored[ref(1)]!.assignee, stored[ref(2)]!.assignee]).toEqual([ids.b, ids.b]);
    const audit = readAuditLines(join(dataDir, 'audit.jsonl')).filter(
      (e) => e.action === 'assign' && e.by === ids.a,
    );
    expect(audit.map((e) => e.target).sort()).toEqual(refs(1, 2));
  });

  it('changes nothing when one case is outside the township, the caseworker is elsewhere, or the token is missing', async () => {
    const before = storedReferrals(dataDir);
    await a.get('/staff');
    let res = await a.post('/staff/bulk-assign', [
      ['ref', ref(3)],
      ['ref', ref(10)],
      ['to', ids.b!],
    ]);
    expect(res.status).toBe(403);
    await a.get('/staff');
    res = await a.post('/staff/bulk-assign', [
      ['ref', ref(3)],
      ['to', ids.c!],
    ]);
    expect(res.status).toBe(403);
    res = await a.post(
      '/staff/bulk-assign',
      [
        ['ref', ref(3)],
        ['to', ids.b!],
      ],
      false,
    );
    expect(res.status).toBe(403);
    const after = storedReferrals(dataDir);
    for (const n of [3, 10]) expect(after[ref(n)]!.assignee).toBe(before[ref(n)]!.assignee);
  });

  it('works without JavaScript: the inbox rows tick into one plain form', async () => {
    await a.get('/staff');
    expect(a.last).toContain('<form method="post" action="/staff/bulk-assign" id="bulk"');
    expect(a.last).toContain(`<input type="checkbox" name="ref" value="${ref(1)}" form="bulk"`);
    const options = [
      ...a.last.matchAll(/<form method="post" action="\/staff\/bulk-assign"[\s\S]*?<\/form>/g),
    ][0]![0];
    expect(options).toContain(ids.b);
    expect(options).not.toContain(ids.c);
  });
});
