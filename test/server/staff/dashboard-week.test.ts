/**
 * The dashboard's week figures (issue 16 item 12) on a really started server with the shipped
 * rules (which set no deadlines), against a small Hujierte seed worked out by hand:
 *
 *   case  received  first staff status/note  hours   assignee  status      visit
 *   A       100 h   note  +2 h                 2      d         new
 *   B        90 h   status +4 h                4      d         contacted   today 00:00
 *   C        80 h   status +10 h              10      d         contacted   in 8 days
 *   D       200 h   note  +72 h               72      d         approved (closed)
 *   E        50 h   none                       -      d         new
 *   F        60 h   only "assigned" +1 h and the system's entry: not contact
 *   G (Karadala, another township: not in the caseworker's figures)
 *
 * Hujierte: contacted 4, median (4 + 10) / 2 = 7 小时, 90th percentile by nearest rank
 * (ceil(0.9 × 4) = 4th of 2, 4, 10, 72) = 72 h = 3 天, not yet contacted 2 (E, F).
 * Load: d open 4 (A, B, C, E; D is closed), visits this week 1 (B; C is 8 days on, past
 * Sunday); e open 0, visits 0. Overdue: the county set no deadlines, so 期限未配置, no count,
 * and the inbox says it once with no overdue mark.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReferralRecord } from '../../../bot/referral/referral-record.ts';
import zhStaff from '../../../locales/zh/staff.json' with { type: 'json' };
import { addCaseworker } from '../../helpers/admin-cli.ts';
import type { PageClient } from '../../helpers/browser-session.ts';
import { seedCase, seedCases } from '../../helpers/seed-cases.ts';
import { signIn } from '../../helpers/staff-sign-in.ts';
import { type Started, startServer } from '../../helpers/start-server.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'dashboard-week-'));
const hour = 3600_000;
const now = new Date();
const ids: Record<string, string> = {};
let server: Started;
let d: PageClient;

const after = (r: ReferralRecord, hours: number) =>
  new Date(new Date(r.createdAt).getTime() + hours * hour).toISOString();
const chinaToday = new Date(now.getTime() + 8 * hour).toISOString().slice(0, 10);

beforeAll(async () => {
  const password = addCaseworker(dataDir, 'worker.d', 'hujierte');
  addCaseworker(dataDir, 'worker.e', 'hujierte');
  await seedCases(dataDir, (id) => {
    Object.assign(ids, { d: id('worker.d'), e: id('worker.e') });
    const here = { township: 'hujierte', assignee: ids.d };
    const A = seedCase(1, 100, now, here);
    A.history.push({ at: after(A, 2), by: ids.d!, action: 'note', note: '电话没人接' });
    const B = seedCase(2, 90, now, {
      ...here,
      status: 'contacted',
      visitAt: new Date(`${chinaToday}T00:00:00+08:00`).toISOString(),
    });
    B.history.push({ at: after(B, 4), by: ids.d!, action: 'status', from: 'new', to: 'contacted' });
    const C = seedCase(3, 80, now, {
      ...here,
      status: 'contacted',
      visitAt: new Date(now.getTime() + 8 * 24 * hour).toISOString(),
    });
    C.history.push({ at: after(C, 10), by: ids.e!, action: 'status', from: 'new', to: 'contacted' });
    const D = seedCase(4, 200, now, { ...here, status: 'approved' });
    D.history.push({ at: after(D, 72), by: ids.d!, action: 'note', note: '已联系' });
    D.history.push({ at: after(D, 100), by: ids.d!, action: 'status', from: 'new', to: 'approved' });
    const E = seedCase(5, 50, now, here);
    const F = seedCase(6, 60, now, { township: 'hujierte' });
    F.history.push({ at: after(F, 1), by: ids.d!, action: 'assigned', to: ids.e! });
    F.history.push({ at: after(F, 2), by: 'system', action: 'status', from: 'new', to: 'new' });
    const G = seedCase(7, 5, now, { township: 'karadala', assignee: ids.d });
    G.history.push({ at: after(G, 1), by: 'someone', action: 'note', note: 'x' });
    return [A, B, C, D, E, F, G];
  });
  server = await startServer('server/main.ts', { PORT: '0', DATA_DIR: dataDir, LOGINS_PER_MINUTE: '100' });
  d = await signIn(server.base, 'worker.d', password);
}, 180_000);

afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const cells = (html: string) =>
  [...html.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((m) => m[1]!.replace(/<[^>]+>/g, '').trim());

describe('the dashboard: the caseworkers week', () => {
  it('time to first contact per township: median and 90th percentile in hours or days', async () => {
    await d.get('/staff/dashboard');
    expect(d.status).toBe(200);
    const table = /<table class="agreement" id="first-contact">[\s\S]*?<\/table>/.exec(d.last)?.[0] ?? '';
    const rows = [...table.matchAll(/<tr data-township="([^"]*)">([\s\S]*?)<\/tr>/g)];
    expect(rows.map((r) => r[1])).toEqual(['hujierte']);
    expect(cells(rows[0]![2]!)).toEqual(['呼吉尔特蒙古民族乡', '4', '7 小时', '3 天', '2']);
  });

  it('per-caseworker load: open cases and visits this week', async () => {
    const table = /<table class="agreement" id="load">[\s\S]*?<\/table>/.exec(d.last)?.[0] ?? '';
    const load = Object.fromEntries(
      [...table.matchAll(/<tr data-id="([^"]+)">([\s\S]*?)<\/tr>/g)].map((m) => [
        m[1],
        cells(m[2]!).slice(2),
      ]),
    );
    expect(load).toEqual({ [ids.d!]: ['4', '1'], [ids.e!]: ['0', '0'] });
  });

  it('overdue: the county set no deadlines, so no count and no invented number', async () => {
    expect(/<p id="overdue">([^<]*)<\/p>/.exec(d.last)?.[1]).toBe(zhStaff.deadlines.none_configured);
    await d.get('/staff');
    expect(d.last).not.toContain('class="overdue"');
    expect(d.last.split('id="deadline-note"').length).toBe(2);
    for (const s of ['new', 'contacted', 'visit_scheduled', 'accepted'] as const)
      expect(/id="deadline-note">([^<]*)</.exec(d.last)?.[1]).toContain(zhStaff.statuses[s]);
  });
});
