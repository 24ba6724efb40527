/**
 * The 台账 against a really started server: referrals sent through the web form (read back as
 * stored with storedReferrals), moved along and decided through the real staff routes, then
 * downloaded in both variants by the case's own-township caseworker, another township's
 * caseworker and the county admin, and read back with exceljs: the sheet, its headers, real
 * date and number cells, the frozen header and its filter, the column widths, whole numbers
 * exactly where the rule in ledger-access.ts allows them, distinct file names, and an audit
 * entry (without personal data) for every full export.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import zhLedger from '../../../locales/zh/ledger.json' with { type: 'json' };
import zhScreen from '../../../locales/zh/screen.json' with { type: 'json' };
import zhStaff from '../../../locales/zh/staff.json' with { type: 'json' };
import { addCaseworker, addStaffUser } from '../../helpers/admin-cli.ts';
import type { PageClient } from '../../helpers/browser-session.ts';
import { coupleReferral } from '../../helpers/resident-referral.ts';
import { signIn, signInAdmin } from '../../helpers/staff-sign-in.ts';
import { type Started, startServer } from '../../helpers/start-server.ts';
import { storedReferrals } from '../../helpers/stored-referrals.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'ledger-'));
let server: Started;
const staff: Record<'here' | 'there' | 'admin', PageClient> = {} as never;

/** A valid 18-character ID number (GB 11643 check character) from a running number. */
function idNumber(n: number): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const first17 = `65402319800101${String(n).padStart(3, '0')}`;
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * weights[i]!, 0);
  return first17 + '10X98765432'[sum % 11]!;
}
const residents = {
  // Karadala: one Chinese name, one in Uyghur (Arabic script).
  decided: { name: '阿依古丽', phone: '13912345678', id_number: idNumber(101), township: 'karadala' },
  open: { name: 'ئايگۈل', phone: '13912340002', id_number: idNumber(202), township: 'karadala' },
  // Kuokesu: another township's case.
  elsewhere: { name: '古丽娜尔', phone: '13887654321', id_number: idNumber(303), township: 'kuokesu' },
};
type Who = keyof typeof residents;
const refs = {} as Record<Who, string>;
const maskedPhone = (p: string) => `${p.slice(0, 3)}****${p.slice(-4)}`;
const maskedId = (id: string) => `${id.slice(0, 6)}********${id.slice(-4)}`;

async function post(page: PageClient, ref: string, action: string, form: Record<string, string>) {
  await page.get(`/staff/referrals/${ref}`);
  const res = await page.post(`/staff/referrals/${ref}/${action}`, form);
  expect(res.status, `${action} ${JSON.stringify(form)}`).toBeLessThan(400);
}

interface Download {
  status: number;
  disposition: string;
  sheet: ExcelJS.Worksheet;
  header: string[];
  /** Cells by reference, keyed by header text. */
  byRef: Map<string, Record<string, ExcelJS.Cell>>;
  text: string;
}

async function download(page: PageClient, full: boolean): Promise<Download> {
  const res = await fetch(`${server.base}/staff/export.xlsx${full ? '?full=1' : ''}`, {
    headers: { cookie: page.cookieHeader() },
  });
  expect(res.status).toBe(200);
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(await res.arrayBuffer());
  const sheet = book.worksheets[0]!;
  const header = (sheet.getRow(1).values as unknown[]).slice(1).map(String);
  const byRef = new Map<string, Record<string, ExcelJS.Cell>>();
  const values: string[] = [];
  sheet.eachRow((row, n) => {
    row.eachCell((c) => values.push(String(c.value)));
    if (n === 1) return;
    const cells: Record<string, ExcelJS.Cell> = {};
    header.forEach((h, i) => {
      cells[h] = row.getCell(i + 1);
    });
    byRef.set(String(row.getCell(1).value), cells);
  });
  return {
    status: res.status,
    disposition: res.headers.get('content-disposition') ?? '',
    sheet,
    header,
    byRef,
    text: values.join('\n'),
  };
}

/** The file name a browser shows: RFC 5987's filename*, decoded. */
const fileName = (d: Download) =>
  decodeURIComponent(/filename\*=UTF-8''([^;]+)/.exec(d.disposition)?.[1] ?? '');
const col = zhLedger.columns;
const stepHeader = (status: keyof typeof zhStaff.statuses) =>
  col.step_date.replace('{{step}}', zhStaff.statuses[status]);
const outcomeHeader = (key: 'decision' | 'tier' | 'amount' | 'reason', program: string) =>
  col[key].replace('{{program}}', program);

beforeAll(async () => {
  const passwords = {
    here: addCaseworker(dataDir, 'ledger.here', 'karadala', ['--name', '李娜']),
    there: addCaseworker(dataDir, 'ledger.there', 'kuokesu', ['--name', '王强']),
    admin: addStaffUser(dataDir, [
      '--username',
      'ledger.admin',
      '--role',
      'county_admin',
      '--county',
      'tekes',
    ]),
  };
  server = await startServer('server/main.ts', { PORT: '0', DATA_DIR: dataDir, LOGINS_PER_MINUTE: '100' });
  for (const who of Object.keys(residents) as Who[]) {
    const { township, ...contact } = residents[who];
    refs[who] = await coupleReferral(server.base, contact, township);
  }
  staff.here = await signIn(server.base, 'ledger.here', passwords.here);
  staff.there = await signIn(server.base, 'ledger.there', passwords.there);
  staff.admin = (await signInAdmin(server.base, 'ledger.admin', passwords.admin)).page;

  // The decided case: taken, visited, accepted, approved, its outcomes recorded.
  const me = staff.here;
  await me.get(`/staff/referrals/${refs.decided}`);
  const myId = /<option value="([0-9a-f-]{36})"[^>]*>李娜</.exec(me.last)?.[1];
  expect(myId).toBeTruthy();
  await post(me, refs.decided, 'assign', { to: myId! });
  for (const to of ['contacted', 'visit_scheduled', 'accepted', 'approved'])
    await post(me, refs.decided, 'status', { to });
  await post(me, refs.decided, 'outcome', {
    program: 'dibao',
    decision: 'approved',
    tier: 'C',
    amount: '668',
  });
  await post(me, refs.decided, 'outcome', {
    program: 'medical',
    decision: 'declined',
    reason: '已参加其他救助',
  });
  await post(me, refs.open, 'status', { to: 'contacted' });
}, 180_000);

afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the 台账 as a 民政 office keeps it', () => {
  it('is a sheet named 台账 with Chinese headers, real dates and numbers, a frozen filtered header and fitted widths', async () => {
    const d = await download(staff.here, false);
    expect(d.sheet.name).toBe(zhLedger.sheet);
    for (const h of [
      col.reference,
      col.township,
      col.village,
      col.name_zh,
      col.name_resident,
      col.id_number,
      col.phone,
      col.size,
      col.income,
      col.programs,
      col.status,
      col.received,
      stepHeader('contacted'),
      stepHeader('visit_scheduled'),
      stepHeader('accepted'),
      stepHeader('approved'),
      col.assignee,
      outcomeHeader('decision', zhScreen.programs.dibao),
      outcomeHeader('amount', zhScreen.programs.dibao),
      outcomeHeader('reason', zhScreen.programs.medical),
    ])
      expect(d.header).toContain(h);

    const stored = storedReferrals(dataDir);
    const row = d.byRef.get(refs.decided)!;
    expect(row).toBeDefined();
    // Step dates are Excel dates (a JS Date on reading back), with a date format, on China's day.
    const received = row[col.received]!;
    expect(received.value).toBeInstanceOf(Date);
    expect(received.numFmt).toMatch(/yyyy-mm-dd/);
    const createdAt = Date.parse(String(stored[refs.decided]!.createdAt));
    expect((received.value as Date).getTime()).toBe(createdAt + 8 * 3600_000);
    for (const s of ['contacted', 'visit_scheduled', 'accepted', 'approved'] as const) {
      const cell = row[stepHeader(s)]!;
      expect(cell.value, s).toBeInstanceOf(Date);
      expect(cell.numFmt, s).toMatch(/yyyy-mm-dd/);
    }
    expect(row[stepHeader('declined')]!.value ?? null).toBeNull();
    expect(row[col.status]!.value).toBe(zhStaff.statuses.approved);
    expect(row[col.size]!.value).toBe(2);
    expect(row[col.income]!.value).toBe(600);
    expect(row[col.income]!.numFmt).toBeTruthy();
    expect(row[col.assignee]!.value).toBe('李娜');
    expect(row[col.township]!.value).toBe('喀拉达拉镇');
    expect(row[col.name_zh]!.value).toBe(residents.decided.name);
    expect(row[col.programs]!.value).toContain(zhScreen.programs.dibao);
    expect(row[outcomeHeader('decision', zhScreen.programs.dibao)]!.value).toBe(zhStaff.referral.approved);
    expect(row[outcomeHeader('tier', zhScreen.programs.dibao)]!.value).toBe('C');
    expect(row[outcomeHeader('amount', zhScreen.programs.dibao)]!.value).toBe(668);
    expect(row[outcomeHeader('decision', zhScreen.programs.medical)]!.value).toBe(zhStaff.referral.declined);
    expect(row[outcomeHeader('reason', zhScreen.programs.medical)]!.value).toBe('已参加其他救助');
    // The Uyghur name sits in the resident's-script column, not as a Chinese name.
    const open = d.byRef.get(refs.open)!;
    expect(open[col.name_resident]!.value).toBe(residents.open.name);
    expect(open[col.name_zh]!.value ?? '').toBe('');
    expect(open[stepHeader('contacted')]!.value).toBeInstanceOf(Date);

    expect(d.sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(d.sheet.autoFilter).toBeTruthy();
    expect(String(d.sheet.autoFilter)).toMatch(/^A1:[A-Z]+1$/);
    const widths = d.header.map((_, i) => d.sheet.getColumn(i + 1).width);
    expect(widths.every((w) => typeof w === 'number' && w > 0)).toBe(true);
    expect(new Set(widths).size).toBeGreaterThan(3);
  });
});

describe('whole ID and phone numbers follow one rule', () => {
  const numbers = (d: Download, who: Who) => ({
    phone: d.byRef.get(refs[who])?.[col.phone]?.value,
    id: d.byRef.get(refs[who])?.[col.id_number]?.value,
  });
  const masked = (who: Who) => ({
    phone: maskedPhone(residents[who].phone),
    id: maskedId(residents[who].id_number),
  });
  const whole = (who: Who) => ({ phone: residents[who].phone, id: residents[who].id_number });

  it('the own-township caseworker: masked, or whole in the full variant; nothing of another township', async () => {
    const m = await download(staff.here, false);
    const f = await download(staff.here, true);
    for (const who of ['decided', 'open'] as const) {
      expect(numbers(m, who)).toEqual(masked(who));
      expect(numbers(f, who)).toEqual(whole(who));
    }
    for (const d of [m, f]) {
      expect([...d.byRef.keys()].sort()).toEqual([refs.decided, refs.open].sort());
      for (const n of [...Object.values(masked('elsewhere')), ...Object.values(whole('elsewhere'))])
        expect(d.text).not.toContain(n);
    }
  });

  it("another township's caseworker: never a karadala case, in either variant", async () => {
    const m = await download(staff.there, false);
    const f = await download(staff.there, true);
    expect(numbers(m, 'elsewhere')).toEqual(masked('elsewhere'));
    expect(numbers(f, 'elsewhere')).toEqual(whole('elsewhere'));
    for (const d of [m, f]) {
      expect([...d.byRef.keys()]).toEqual([refs.elsewhere]);
      for (const who of ['decided', 'open'] as const) {
        expect(d.text).not.toContain(refs[who]);
        for (const n of [...Object.values(masked(who)), ...Object.values(whole(who))])
          expect(d.text).not.toContain(n);
      }
    }
  });

  it('the county admin: every township, masked, or whole in the full variant', async () => {
    const m = await download(staff.admin, false);
    const f = await download(staff.admin, true);
    for (const who of Object.keys(residents) as Who[]) {
      expect(numbers(m, who)).toEqual(masked(who));
      expect(numbers(f, who)).toEqual(whole(who));
    }
  });

  it('gives each variant its own file name, Chinese with an ASCII fallback', async () => {
    const day = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10).replaceAll('-', '');
    const names = await Promise.all(
      (
        [
          [staff.here, false],
          [staff.here, true],
          [staff.admin, false],
          [staff.admin, true],
        ] as const
      ).map(async ([page, full]) => {
        const d = await download(page, full);
        expect(d.disposition).toMatch(/^attachment; filename="[\x20-\x7e]+\.xlsx"; filename\*=UTF-8''/);
        return fileName(d);
      }),
    );
    expect(names).toEqual([
      `台账-特克斯县-喀拉达拉镇-${day}-脱敏.xlsx`,
      `台账-特克斯县-喀拉达拉镇-${day}-完整.xlsx`,
      `台账-特克斯县-全县-${day}-脱敏.xlsx`,
      `台账-特克斯县-全县-${day}-完整.xlsx`,
    ]);
  });

  it('audits every full export: who, when, the variant and the row count, no personal data', async () => {
    const before = auditEntries().length;
    await download(staff.here, true);
    await download(staff.admin, true);
    const added = auditEntries().slice(before);
    const full = added.filter((e) => e.action === 'export_full');
    expect(full).toHaveLength(2);
    for (const e of full) {
      expect(e.at).toMatch(/^\d{4}-\d\d-\d\dT/);
      expect(e.target).toBe('xlsx');
    }
    expect(full.map((e) => e.detail)).toEqual(['2 rows, 2 with full numbers', '3 rows, 3 with full numbers']);
    const text = JSON.stringify(added);
    for (const who of Object.keys(residents) as Who[]) {
      expect(text).not.toContain(refs[who]);
      expect(text).not.toContain(residents[who].phone);
      expect(text).not.toContain(residents[who].name);
    }
  });
});

function auditEntries(): { action: string; at: string; by: string; target: string; detail?: string }[] {
  return readFileSync(join(dataDir, 'audit.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}
