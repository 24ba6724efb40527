/**
 * 政策找人 in the browser, against a really started server: a county admin uploads a roster
 * (CSV with Chinese headers, XLSX with English headers), the job's progress endpoint reaches
 * "done", the results name each flagged household with its reason and clause, and "create
 * visits" puts cases of kind "roster" in the right township's inbox, marked as coming from the
 * roster, skipping a household already referred (same phone) and creating nothing on a second
 * press. A township caseworker is refused (403, translated); a file that is not a roster, or a
 * roster missing a column, gets a translated error naming the problem. The uploaded file is gone
 * once the job ends; no phone reaches the log or the audit log.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import zhStaff from '../../../locales/zh/staff.json' with { type: 'json' };
import ugStaff from '../../../locales/ug/staff.json' with { type: 'json' };
import { addCaseworker, addStaffUser } from '../../helpers/admin-cli.ts';
import { type PageClient, textOf } from '../../helpers/browser-session.ts';
import { coupleReferral } from '../../helpers/resident-referral.ts';
import { chineseCsv, englishXlsx, type RosterHousehold, uploadRoster } from '../../helpers/roster-files.ts';
import { signIn, signInAdmin } from '../../helpers/staff-sign-in.ts';
import { type Started, startServer } from '../../helpers/start-server.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'roster-upload-'));
let server: Started;
let admin: PageClient;
let karadalaWorker: PageClient;
let existing = '';
const referred = { name: '阿依古丽', phone: '13912345678' };

/** A rural Tekes couple of working age on 600 yuan a month: flagged for 低保. */
const households: RosterHousehold[] = [
  {
    id: 'KD-0001',
    township: '喀拉达拉镇',
    village: '一村',
    income: 600,
    ages: [45, 43],
    phone: '13900000001',
  },
  // Already referred by the resident: same phone.
  {
    id: 'KD-0002',
    township: '喀拉达拉镇',
    village: '二村',
    income: 600,
    ages: [50, 48],
    phone: referred.phone,
  },
  { id: 'TT-0003', township: '特克斯镇', village: '三组', income: 600, ages: [40, 38], phone: '13900000003' },
  // Well above the standard: not flagged.
  { id: 'KS-0004', township: '阔克苏乡', income: 9000, ages: [40, 38] },
  // An income nobody can read: an error naming its row.
  { id: 'KS-0005', township: '阔克苏乡', income: 0, ages: [30], badIncome: true },
];

const jobOf = (res: Response) =>
  /^\/staff\/roster\/([A-Za-z0-9_-]{43})$/.exec(res.headers.get('location') ?? '')?.[1];

async function waitDone(page: PageClient, job: string) {
  const seen: string[] = [];
  for (let i = 0; i < 200; i++) {
    const res = await fetch(`${page.base}/staff/roster/${job}/progress.json`, {
      headers: { cookie: page.cookieHeader() },
    });
    const p = (await res.json()) as { state: string; percent: number };
    seen.push(p.state);
    if (p.state !== 'running') return { last: p, seen };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('roster job never ended');
}

const rowOf = (html: string, household: string) =>
  textOf(new RegExp(`<tr data-household="${household}">[\\s\\S]*?</tr>`).exec(html)?.[0] ?? '');
const inboxRefs = (html: string) =>
  [...html.matchAll(/data-reference="([A-Z]{2}-[0-9A-Z]{8})"/g)].map((m) => m[1]);

beforeAll(async () => {
  const adminPassword = addStaffUser(dataDir, [
    '--username',
    'roster.admin',
    '--role',
    'county_admin',
    '--county',
    'tekes',
  ]);
  const workerPassword = addCaseworker(dataDir, 'roster.worker', 'karadala');
  server = await startServer('server/main.ts', {
    PORT: '0',
    DATA_DIR: dataDir,
    LOGINS_PER_MINUTE: '100',
    // 1 MiB: the rosters here are small; a larger one shows the limit.
    ROSTER_MAX_BYTES: String(1024 * 1024),
  });
  existing = await coupleReferral(server.base, referred, 'karadala');
  admin = (await signInAdmin(server.base, 'roster.admin', adminPassword)).page;
  karadalaWorker = await signIn(server.base, 'roster.worker', workerPassword);
}, 120_000);

afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

let csvJob = '';

describe('a CSV roster with Chinese headers', () => {
  it('is screened as a job whose progress reaches done, and the upload is deleted', async () => {
    const res = await uploadRoster(admin, chineseCsv(households), 'roster.csv', 'text/csv');
    expect(res.status).toBe(303);
    csvJob = jobOf(res) ?? '';
    expect(csvJob).not.toBe('');
    const { last } = await waitDone(admin, csvJob);
    expect(last).toMatchObject({ state: 'done', percent: 100 });
    expect(readdirSync(join(dataDir, 'roster-uploads'))).toEqual([]);
  });

  it('shows each flagged household with its township, programs, reason and clause; unflagged and errors counted', async () => {
    await admin.get(`/staff/roster/${csvJob}`);
    expect(admin.status).toBe(200);
    expect(admin.last).not.toContain('http-equiv="refresh"');
    const row = rowOf(admin.last, 'KD-0001');
    expect(row).toContain('喀拉达拉镇');
    expect(row).toContain('最低生活保障');
    expect(row).toContain('人均收入低于低保标准');
    expect(row).toMatch(/依据|《/);
    expect(rowOf(admin.last, 'KS-0004')).toBe('');
    const summary = textOf(/<p id="roster-summary">[\s\S]*?<\/p>/.exec(admin.last)?.[0] ?? '');
    expect(summary).toContain('共 4 户');
    expect(summary).toContain('1 户未标记');
    expect(summary).toContain('1 行有错误');
    // The bad cell is named by its row (the header is row 1; KS-0005 is on row 10).
    const errors = textOf(/<table class="roster-errors"[\s\S]*?<\/table>/.exec(admin.last)?.[0] ?? '');
    expect(errors).toMatch(/\b10\b/);
    expect(errors).toContain('monthly_income');
  });

  it('downloads the results as XLSX', async () => {
    const res = await fetch(`${admin.base}/staff/roster/${csvJob}/results.xlsx`, {
      headers: { cookie: admin.cookieHeader() },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    const [results, errors] = wb.worksheets;
    const cells = (sheet: ExcelJS.Worksheet) =>
      Array.from(sheet.getSheetValues(), (r) => (Array.isArray(r) ? r.slice(1).map(String) : []));
    const kd = cells(results!).find((r) => r[0] === 'KD-0001');
    expect(kd).toBeDefined();
    expect(kd!.join(' ')).toContain('人均收入低于低保标准');
    expect(cells(results!).some((r) => r[0] === 'KS-0004')).toBe(true);
    expect(cells(errors!).some((r) => r[0] === '10')).toBe(true);
  });
});

describe('create visits', () => {
  it('puts flagged households into their township inbox as kind roster, skipping the one already referred', async () => {
    await admin.get(`/staff/roster/${csvJob}`);
    const res = await admin.post(`/staff/roster/${csvJob}/visits`, {});
    expect(res.status).toBe(303);
    const report = textOf(
      /<div class="notice" role="status" id="visits-report">[\s\S]*?<\/div>/.exec(admin.last)?.[0] ?? '',
    );
    expect(report).toContain('已建立 2 个案件');
    expect(report).toContain('跳过 1 户');
    expect(report).toContain(existing);
    const created = [
      ...admin.last.matchAll(
        /href="\/staff\/referrals\/([A-Z]{2}-[0-9A-Z]{8})"><bdi>[^<]+<\/bdi><\/a> \(<bdi>([^<]+)<\/bdi>/g,
      ),
    ].map((m) => [m[2], m[1]] as const);
    const byHousehold = Object.fromEntries(created);
    expect(Object.keys(byHousehold).sort()).toEqual(['KD-0001', 'TT-0003']);

    // Karadala's caseworker sees the Karadala household's case, marked, and not Tekes town's.
    await karadalaWorker.get('/staff?kind=roster');
    expect(inboxRefs(karadalaWorker.last)).toEqual([byHousehold['KD-0001']]);
    expect(karadalaWorker.last).toContain(zhStaff.referral.roster_source);
    await karadalaWorker.get(`/staff/referrals/${byHousehold['KD-0001']}`);
    expect(karadalaWorker.status).toBe(200);
    expect(karadalaWorker.last).toContain(zhStaff.referral.roster_source);
    expect(karadalaWorker.last).toContain('KD-0001');
    await karadalaWorker.get(`/staff/referrals/${byHousehold['TT-0003']}`);
    expect(karadalaWorker.status).toBe(404);
    // The resident's own referral is untouched and still the only other case in Karadala.
    await karadalaWorker.get('/staff');
    expect(inboxRefs(karadalaWorker.last).sort()).toEqual([byHousehold['KD-0001'], existing].sort());
  });

  it('creates nothing on a second press', async () => {
    await admin.get(`/staff/roster/${csvJob}`);
    await admin.post(`/staff/roster/${csvJob}/visits`, {});
    const report = textOf(
      /<div class="notice" role="status" id="visits-report">[\s\S]*?<\/div>/.exec(admin.last)?.[0] ?? '',
    );
    expect(report).toContain('已建立 0 个案件');
    expect(report).toContain('2 户此前已从这份名单建立过案件');
    await admin.get('/staff?kind=roster');
    expect(inboxRefs(admin.last)).toHaveLength(2);
  });

  it('is audited by who and how many, with no household data; no phone in the log', () => {
    const audit = readdirSync(dataDir)
      .filter((f) => f.startsWith('audit'))
      .map((f) => readFileSync(join(dataDir, f), 'utf8'))
      .join('\n');
    expect(audit).toContain('roster_visits');
    expect(audit).toContain('2 created, 1 duplicates');
    for (const secret of ['13900000001', '13900000003', 'KD-0001', 'TT-0003'])
      expect(audit + server.output()).not.toContain(secret);
  });
});

describe('an XLSX roster with English headers', () => {
  it('is screened the same way', async () => {
    const xlsx = await englishXlsx([
      { id: 'X-1', township: 'karadala', income: 500, ages: [60, 58], phone: '13900000009' },
      { id: 'X-2', township: 'kuokesu', income: 9000, ages: [35] },
    ]);
    const res = await uploadRoster(admin, xlsx, 'roster.xlsx');
    expect(res.status).toBe(303);
    const job = jobOf(res)!;
    expect((await waitDone(admin, job)).last.state).toBe('done');
    await admin.get(`/staff/roster/${job}`);
    expect(rowOf(admin.last, 'X-1')).toContain('人均收入低于低保标准');
    expect(rowOf(admin.last, 'X-2')).toBe('');
  });
});

describe('refusals', () => {
  it('a township caseworker gets 403, translated, for the page, the upload and a job', async () => {
    await karadalaWorker.get('/staff/roster');
    expect(karadalaWorker.status).toBe(403);
    expect(karadalaWorker.last).toContain(zhStaff.errors.forbidden);
    const res = await uploadRoster(karadalaWorker, chineseCsv(households), 'roster.csv');
    expect(res.status).toBe(403);
    await karadalaWorker.get(`/staff/roster/${csvJob}`);
    expect(karadalaWorker.status).toBe(403);
    await karadalaWorker.post(`/staff/roster/${csvJob}/visits`, {});
    expect(karadalaWorker.status).toBe(403);
  });

  it('a file that is not a roster is refused by its content, whatever its name, in the admin language', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    const res = await uploadRoster(admin, Buffer.concat([png, Buffer.alloc(64)]), 'roster.csv', 'text/csv');
    expect(res.status).toBe(400);
    expect(await res.text()).toContain(zhStaff.roster.errors.not_roster);
    // A zip that is no workbook, named .xlsx: unreadable, said plainly.
    const zip = Buffer.concat([Buffer.from('504b0304', 'hex'), Buffer.alloc(100, 1)]);
    const bad = await uploadRoster(admin, zip, 'roster.xlsx');
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain(zhStaff.roster.errors.unreadable);
  });

  it('an upload without the form token starts nothing (403)', async () => {
    await admin.get('/staff/roster');
    const form = new FormData();
    form.set('_csrf', 'not-the-token');
    form.set('roster', new Blob([chineseCsv(households)]), 'roster.csv');
    const res = await fetch(`${admin.base}/staff/roster`, {
      method: 'POST',
      body: form,
      headers: { cookie: admin.cookieHeader() },
      redirect: 'manual',
    });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain(zhStaff.errors.expired);
    expect(readdirSync(join(dataDir, 'roster-uploads'))).toEqual([]);
  });

  it('a file over ROSTER_MAX_BYTES is refused (413), saying the limit', async () => {
    const big = Buffer.concat([chineseCsv(households), Buffer.alloc(2 * 1024 * 1024, 0x20)]);
    const res = await uploadRoster(admin, big, 'roster.csv', 'text/csv');
    expect(res.status).toBe(413);
    expect(textOf(await res.text())).toContain('文件超过 1 MB');
    expect(readdirSync(join(dataDir, 'roster-uploads'))).toEqual([]);
  });

  it('a roster missing a required column names the column and starts nothing', async () => {
    const csv = Buffer.from(
      '户编号,乡镇,县,城乡,财产是否符合,年龄,劳动能力\nA-1,喀拉达拉镇,特克斯县,农村,是,40,有\n',
    );
    const res = await uploadRoster(admin, csv, 'roster.csv');
    expect(res.status).toBe(400);
    const text = textOf(await res.text());
    expect(text).toContain(zhStaff.roster.errors.columns);
    expect(text).toContain('monthly_income（月收入）');
    expect(readdirSync(join(dataDir, 'roster-uploads'))).toEqual([]);
  });

  it('says the error in the admin own language (Uyghur)', async () => {
    await admin.get('/staff');
    await admin.post('/staff/lang', { lang: 'ug', back: '/staff' });
    try {
      const res = await uploadRoster(admin, Buffer.from([0, 1, 2, 3, 0]), 'x.csv');
      expect(res.status).toBe(400);
      // Latin runs such as "CSV (UTF-8)" are bidi-isolated in a right-to-left page: compare the words.
      const words = textOf(await res.text());
      for (const w of ugStaff.roster.errors.not_roster.split(/[\s«»()]+/).filter((x) => x.length > 3))
        expect(words).toContain(w);
    } finally {
      await admin.get('/staff');
      await admin.post('/staff/lang', { lang: 'zh', back: '/staff' });
    }
  });

  it('a job of another address is not found', async () => {
    await admin.get(`/staff/roster/${'A'.repeat(43)}`);
    expect(admin.status).toBe(404);
    expect(admin.last).toContain(zhStaff.roster.errors.gone);
  });
});
