/**
 * The issue 16 "must show" week, in one real headless Chromium against one really started
 * server, clicked and typed as a caseworker and a county admin would: 200 referrals in two
 * townships (zh, ug, kk), a duplicate pair found on the inbox and followed from the case page,
 * a search by a full phone number the inbox shows masked, two visits scheduled and listed in
 * 我的入户, the 台账 downloaded by both roles and read back with exceljs, a roster uploaded and
 * its flagged household turned into a 政策找人 case, and a local value added and used by the
 * next screening. The steps run in order on the same data: each builds on the one before.
 * Screenshots in test/artifacts/screenshots (caseworker-week-*.png).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReferralRecord } from '../../bot/referral/referral-record.ts';
import zhLedger from '../../locales/zh/ledger.json' with { type: 'json' };
import zhStaff from '../../locales/zh/staff.json' with { type: 'json' };
import { chinaToday } from '../../rules/engine/screen.ts';
import { currentTotp } from '../../server/staff/totp.ts';
import { addCaseworker, addStaffUser } from '../helpers/admin-cli.ts';
import { chromiumPath, launchChromium, screenshotPath } from '../helpers/chromium.ts';
import { chineseCsv } from '../helpers/roster-files.ts';
import { seededReferral, seedReferrals } from '../helpers/seed-referrals.ts';
import { type Started, startServer } from '../helpers/start-server.ts';

const viewport = { width: 1366, height: 768 };
const shot = (page: Page, name: string, fullPage = false) =>
  page.screenshot({ path: screenshotPath(`caseworker-week-${name}`), fullPage });

/** The same person referred twice in Karadala: the same phone, the first already approved. */
const duplicatePhone = '13912345678';
const first = 'TE-DUPA0001';
const second = 'TE-DUPB0002';
const names = ['阿依古丽', '古丽娜尔', '热依拉', '阿力木', '买买提', '吐尔逊', '帕提古丽', '艾力'];
const langs = ['zh', 'ug', 'kk'] as const;

/** 198 unrelated referrals (two townships, three languages) and the pair, newest on top. */
function twoHundred(): ReferralRecord[] {
  const rest = Array.from({ length: 198 }, (_, i) =>
    seededReferral(
      `TE-WK${String(i).padStart(6, '0')}`,
      1 + (i % 28),
      { name: names[i % names.length]!, phone: `1380000${String(1000 + i)}`, village: `村${i}` },
      { township: i % 2 ? 'kuokesu' : 'karadala', lang: langs[i % 3]! },
    ),
  );
  return [
    ...rest,
    seededReferral(
      first,
      29,
      { name: '阿依努尔', phone: duplicatePhone, village: '喀拉村' },
      { status: 'approved' },
    ),
    seededReferral(
      second,
      30,
      { name: '阿依努尔', phone: duplicatePhone, village: '喀拉村' },
      { lang: 'ug' },
    ),
  ];
}

/** A rural couple with 550 yuan each: above Tekes's 507, below a standard of 600. */
const couple = {
  jurisdiction: 'tekes',
  area: 'rural',
  monthlyIncome: 1100,
  propertyWithinLimits: true,
  members: [
    { age: 45, laborCapacity: 'full' },
    { age: 43, laborCapacity: 'full' },
  ],
};

/** A China-time date `days` from today, as a date input wants it. */
const chinaDay = (days: number) =>
  new Date(Date.now() + 8 * 3600_000 + days * 24 * 3600_000).toISOString().slice(0, 10);

describe.skipIf(!chromiumPath)("a caseworker's week and the county admin's tools, in a browser", () => {
  let server: Started;
  let browser: Browser;
  let worker: Page;
  let admin: Page;
  let workerSecret = '';
  const contexts: BrowserContext[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), 'caseworker-week-'));
  const passwords = { worker: '', admin: '' };

  beforeAll(async () => {
    await seedReferrals(dataDir, twoHundred());
    passwords.worker = addCaseworker(dataDir, 'week.karadala', 'karadala');
    passwords.admin = addStaffUser(dataDir, [
      ...['--username', 'week.admin', '--role', 'county_admin', '--county', 'tekes'],
    ]);
    server = await startServer('server/main.ts', { PORT: '0', DATA_DIR: dataDir, LOGINS_PER_MINUTE: '100' });
    browser = await launchChromium();
    for (let i = 0; i < 2; i++) {
      const context = await browser.newContext({ viewport, screen: viewport, acceptDownloads: true });
      contexts.push(context);
    }
    worker = await contexts[0]!.newPage();
    admin = await contexts[1]!.newPage();
    for (const p of [worker, admin]) p.setDefaultTimeout(30_000);
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** The login form, typed: lands wherever the server sends a fresh session. */
  async function typeLogin(page: Page, username: string, password: string) {
    await page.goto(`${server.base}/staff/login`);
    await page.fill('#username', username);
    await page.fill('#password', password);
    await Promise.all([page.waitForURL((u) => !u.pathname.endsWith('/login')), page.click('form button')]);
  }

  /** The authenticator set-up page: the secret read off the page, its code typed. */
  async function enrolTotp(page: Page): Promise<string> {
    await page.goto(`${server.base}/staff/totp/setup`);
    const secret = (await page.locator('#totp-secret').innerText()).trim();
    await page.fill('#code', currentTotp(secret));
    await Promise.all([
      page.waitForURL((u) => !u.pathname.endsWith('/totp/setup')),
      page.click('form[action="/staff/totp/setup"] button'),
    ]);
    return secret;
  }

  async function changePassword(page: Page, current: string, next: string) {
    await page.goto(`${server.base}/staff/password`);
    await page.fill('#current', current);
    await page.fill('#new', next);
    await page.fill('#repeat', next);
    await Promise.all([
      page.waitForURL(/\/staff\?changed=1/),
      page.click('form[action="/staff/password"] button'),
    ]);
  }

  const inboxRefs = (page: Page) =>
    page
      .locator('table.inbox tbody tr[data-reference]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-reference')));

  it('1–2: the township caseworker signs in with a second factor and sees the duplicate pair', async () => {
    await typeLogin(worker, 'week.karadala', passwords.worker);
    await changePassword(worker, passwords.worker, 'week.karadala new password');
    workerSecret = await enrolTotp(worker);
    // Out and back in, as on Monday morning: password, then the authenticator's next code
    // (a step the set-up did not use, so it is no replay).
    await Promise.all([
      worker.waitForURL(/\/staff\/login/),
      worker.click('form[action="/staff/logout"] button'),
    ]);
    await typeLogin(worker, 'week.karadala', 'week.karadala new password');
    expect(new URL(worker.url()).pathname).toBe('/staff/totp');
    await worker.fill('#code', currentTotp(workerSecret, Date.now() + 30_000));
    await Promise.all([
      worker.waitForURL(/\/staff(\?|$)/),
      worker.click('form[action="/staff/totp"] button'),
    ]);
    await shot(worker, '1-inbox');

    // Only Karadala's 101 cases (99 and the pair), 50 a page, the pair on top.
    const rows = await inboxRefs(worker);
    expect(rows.length).toBe(50);
    expect(rows.slice(0, 2)).toEqual([second, first]);
    expect(rows.every((r) => r === first || r === second || Number(r!.slice(-6)) % 2 === 0)).toBe(true);
    for (const [ref, other] of [
      [second, first],
      [first, second],
    ]) {
      const mark = worker.locator(`tr[data-reference="${ref}"] td.ref .dup-badge`);
      expect(await mark.isVisible()).toBe(true);
      expect(await mark.innerText()).toContain(zhStaff.duplicates.badge);
      expect(await mark.locator('a').getAttribute('href')).toBe(`/staff/referrals/${other}`);
    }
    // Only the pair is flagged on the page (every other name stands in its own village).
    expect(await worker.locator('table.inbox .dup-badge').count()).toBe(2);
    // Open the newer case: its duplicate box links the approved one; follow the link.
    await worker.click(`tr[data-reference="${second}"] td.ref > a`);
    await worker.waitForURL(new RegExp(`/staff/referrals/${second}$`));
    const box = worker.locator('section.duplicates');
    expect(await box.isVisible()).toBe(true);
    await shot(worker, '2-duplicate-box');
    await worker.click(`section.duplicates tr[data-duplicate="${first}"] a`);
    await worker.waitForURL(new RegExp(`/staff/referrals/${first}$`));
    expect(await worker.locator('#status').getAttribute('data-status')).toBe('approved');
    expect(await worker.locator(`section.duplicates tr[data-duplicate="${second}"] a`).count()).toBe(1);
  });

  it('3: a search by the full phone number finds both cases, shown masked', async () => {
    await worker.goto(`${server.base}/staff`);
    await worker.fill('input[name="q"]', duplicatePhone);
    await Promise.all([worker.waitForURL(/[?&]q=13912345678/), worker.press('input[name="q"]', 'Enter')]);
    await shot(worker, '3-search');
    expect((await inboxRefs(worker)).sort()).toEqual([first, second]);
    const table = await worker.locator('table.inbox').innerText();
    expect(table).not.toContain(duplicatePhone);
    expect(table).toContain(duplicatePhone.slice(-4));
  });

  it('4: two visits scheduled (date and time) are listed in 我的入户 under their days', async () => {
    const plan = [
      { ref: second, day: chinaDay(1), time: '09:30' },
      { ref: 'TE-WK000004', day: chinaDay(2), time: '15:00' },
    ];
    for (const { ref, day, time } of plan) {
      await worker.goto(`${server.base}/staff/referrals/${ref}`);
      // Take the case (a caseworker may assign it only to themself), then set the visit.
      await Promise.all([
        worker.waitForURL(new RegExp(`/staff/referrals/${ref}`)),
        worker.click(`form[action="/staff/referrals/${ref}/assign"] button`),
      ]);
      await worker.click('#visit a');
      await worker.waitForURL(new RegExp(`/staff/referrals/${ref}/visit$`));
      await worker.fill('#visit-form input[name="date"]', day);
      await worker.fill('#visit-form input[name="time"]', time);
      await worker.check('#visit-form input[name="schedule"]');
      await Promise.all([worker.waitForURL(/\?saved=/), worker.click('#visit-save')]);
      expect(await worker.locator('#status').getAttribute('data-status')).toBe('visit_scheduled');
      expect(await worker.locator('#visit').innerText()).toContain(`${day} ${time}`);
    }
    await worker.click('a[href="/staff/visits"]');
    await worker.waitForURL(/\/staff\/visits/);
    await shot(worker, '4-visits', true);
    for (const { ref, day, time } of plan) {
      const item = worker.locator(`section.visit-day[data-day="${day}"] li[data-reference="${ref}"]`);
      expect(await item.count()).toBe(1);
      expect(await item.locator('.visit-time').innerText()).toBe(time);
    }
    expect(await worker.locator('section.visit-day li[data-reference]').count()).toBe(2);
  });

  /** The 台账 as the browser downloads it, read back with exceljs. */
  async function download(page: Page, link: string) {
    const [file] = await Promise.all([page.waitForEvent('download'), page.click(link)]);
    const path = await file.path();
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(path);
    return { name: file.suggestedFilename(), book };
  }

  /** A row's cells by header, from a sheet read back with exceljs. */
  function ledgerRows(book: ExcelJS.Workbook) {
    const sheet = book.worksheets[0]!;
    const header = (sheet.getRow(1).values as unknown[]).slice(1).map(String);
    const rows = new Map<string, Record<string, unknown>>();
    sheet.eachRow((row, n) => {
      if (n === 1) return;
      const cells = (row.values as unknown[]).slice(1);
      rows.set(String(cells[0]), Object.fromEntries(header.map((h, i) => [h, cells[i]])));
    });
    return { sheet, header, rows };
  }

  it('5: the 台账 downloaded by the caseworker (masked) and the county admin (full), read back', async () => {
    await typeLogin(admin, 'week.admin', passwords.admin);
    await enrolTotp(admin);
    await changePassword(admin, passwords.admin, 'week.admin new password');

    await worker.goto(`${server.base}/staff`);
    const masked = await download(worker, 'p.exports a[href^="/staff/export.xlsx"]:not([href*="full=1"])');
    await admin.goto(`${server.base}/staff`);
    await shot(admin, '5-admin-inbox');
    const full = await download(admin, 'p.exports a[href^="/staff/export.xlsx"][href*="full=1"]');
    // A distinct file name per variant and scope.
    expect(masked.name).toMatch(/^台账-特克斯县-喀拉达拉镇-\d{8}-脱敏\.xlsx$/);
    expect(full.name).toMatch(/^台账-特克斯县-全县-\d{8}-完整\.xlsx$/);

    const c = zhLedger.columns;
    const step = (s: keyof typeof zhStaff.statuses) => c.step_date.replace('{{step}}', zhStaff.statuses[s]);
    const mine = ledgerRows(masked.book);
    const all = ledgerRows(full.book);
    for (const { sheet, header } of [mine, all]) {
      expect(sheet.name).toBe(zhLedger.sheet);
      for (const label of [
        c.reference,
        c.phone,
        c.size,
        c.income,
        c.status,
        c.received,
        step('visit_scheduled'),
      ])
        expect(header).toContain(label);
      expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    }
    // The caseworker's file: Karadala's 101 cases (99 and the pair); the admin's: the county's 200.
    expect(mine.rows.size).toBe(101);
    expect(all.rows.size).toBe(200);
    // Real Excel dates: the day the case came in, and the day its visit was scheduled (today).
    const row = mine.rows.get(second)!;
    expect(row[c.received]).toBeInstanceOf(Date);
    expect((row[c.received] as Date).toISOString().slice(0, 10)).toBe('2026-11-30');
    expect(row[step('visit_scheduled')]).toBeInstanceOf(Date);
    expect((row[step('visit_scheduled')] as Date).toISOString().slice(0, 10)).toBe(chinaDay(0));
    expect(row[c.status]).toBe(zhStaff.statuses.visit_scheduled);
    // Masking by role and variant: the caseworker's masked file shows no whole phone number;
    // the county admin's full file shows every one, in both townships.
    for (const r of mine.rows.values()) expect(String(r[c.phone])).toMatch(/^\d{3}\*{4}\d{4}$/);
    expect(row[c.phone]).toBe('139****5678');
    expect(all.rows.get(second)![c.phone]).toBe(duplicatePhone);
    expect(all.rows.get('TE-WK000001')![c.phone]).toBe('13800001001');
    expect([...all.rows.values()].every((r) => /^1\d{10}$/.test(String(r[c.phone])))).toBe(true);
  });

  it('6: the county admin uploads a roster, sees progress then results, and creates the visits', async () => {
    const roster = chineseCsv([
      { id: 'KD-0001', township: '喀拉达拉镇', village: '一村', income: 600, ages: [45, 43] },
      { id: 'KD-0002', township: '喀拉达拉镇', village: '二村', income: 9000, ages: [40] },
    ]);
    await admin.goto(`${server.base}/staff/roster`);
    await admin.setInputFiles('#roster-file', { name: '名单.csv', mimeType: 'text/csv', buffer: roster });
    await shot(admin, '6-roster-upload');
    await Promise.all([admin.waitForURL(/\/staff\/roster\/[A-Za-z0-9_-]{43}$/), admin.click('#roster-send')]);
    expect(await admin.locator('progress#roster-progress').count()).toBe(1);
    await admin.locator('#roster-summary').waitFor();
    expect(await admin.locator('progress#roster-progress').getAttribute('value')).toBe('100');
    expect(await admin.locator('tr[data-household="KD-0001"]').innerText()).toContain('人均收入低于低保标准');
    expect(await admin.locator('tr[data-household="KD-0002"]').count()).toBe(0);
    await shot(admin, '6-roster-results', true);
    await Promise.all([admin.waitForURL(/#visits$/), admin.click('#create-visits')]);
    expect(await admin.locator('#visits-report').innerText()).toContain('已建立 1 个案件');

    // The township caseworker's inbox: one 政策找人 case, marked as from the roster.
    await worker.goto(`${server.base}/staff`);
    await worker.selectOption('select[name="kind"]', 'roster');
    await Promise.all([worker.waitForURL(/kind=roster/), worker.click('form.filters button[type="submit"]')]);
    await shot(worker, '6-roster-inbox');
    const rows = await inboxRefs(worker);
    expect(rows.length).toBe(1);
    expect(await worker.locator('table.inbox tbody tr .roster-mark').innerText()).toBe(
      zhStaff.referral.roster_source,
    );
  });

  it('7: a new dibao standard added through the form (with the rule-case tick) is used by the next screening', async () => {
    const screen = async () => {
      const res = await fetch(`${server.base}/api/v1/screen`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(couple),
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as {
        programs: { id: string; verdict: string; monthlyAmount?: number }[];
      };
      return body.programs.find((p) => p.id === 'dibao')!;
    };
    expect((await screen()).verdict).toBe('unlikely');
    await admin.goto(`${server.base}/staff/local-values/new?parameter=dibao.standard.rural`);
    await admin.fill('#value-form input[name="value"]', '600');
    await admin.fill('#value-form input[name="from"]', chinaToday());
    await admin.fill('#value-form input[name="title"]', '特克斯县测试用低保标准文件（假）');
    await admin.fill('#value-form input[name="issuer"]', '测试机关');
    await admin.fill('#value-form input[name="clause"]', '第二条');
    await admin.fill('#value-form textarea[name="quote"]', '农村低保标准每人每月600元（测试）');
    await admin.click('#value-form button[type="submit"]');
    // The rule cases it changes are named; nothing is saved until the tick.
    await admin.locator('#changed-cases').waitFor();
    await shot(admin, '7-confirm', true);
    expect((await screen()).verdict).toBe('unlikely');
    await admin.check('#value-form input[name="confirm"]');
    await Promise.all([
      admin.waitForURL(/\/staff\/local-values(\?|$)/),
      admin.click('#value-form button[type="submit"]'),
    ]);
    await shot(admin, '7-local-values', true);
    const now = await screen();
    expect(now.verdict).toBe('likely');
    expect(now.monthlyAmount).toBe(668);
  });
});
