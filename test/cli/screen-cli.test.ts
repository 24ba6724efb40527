/** The screening CLI as a user runs it: a real child process, real files. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, describe, expect, it } from 'vitest';
import { screenCli } from '../helpers/screen-cli.ts';
import { exampleHousehold } from '../../server/api-example.ts';

const dir = mkdtempSync(join(tmpdir(), 'screen-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = (...args: string[]) => screenCli(args);
const file = (name: string, content: unknown) => {
  const p = join(dir, name);
  writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
  return p;
};

/** The API page's own example, on a fixed date. */
const couple = { ...exampleHousehold, date: '2026-11-23' };
const three = {
  ...couple,
  area: 'urban',
  members: [
    { age: 75, laborCapacity: 'none' },
    { age: 45, laborCapacity: 'full' },
    { age: 40, laborCapacity: 'full' },
  ],
};

describe('npm run screen -- FILE.json', () => {
  it('prints one result for one household', async () => {
    const r = await cli(file('one.json', couple));
    expect(r.code).toBe(0);
    const dibao = JSON.parse(r.stdout).programs.find((p: { id: string }) => p.id === 'dibao');
    expect(dibao).toMatchObject({
      verdict: 'likely',
      tier: 'C',
      monthlyAmount: 668,
      department: 'civil_affairs',
    });
  });
  it('prints an array in the same order for an array', async () => {
    const r = await cli(file('two.json', [three, couple]));
    const out = JSON.parse(r.stdout);
    expect(
      out.map(
        (x: { programs: { id: string; tier: string }[] }) => x.programs.find((p) => p.id === 'dibao')!.tier,
      ),
    ).toEqual(['B', 'C']);
  });
  it('explains in Uyghur with --format text --lang ug', async () => {
    const r = await cli(file('one.json', couple), '--format', 'text', '--lang', 'ug');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/[\u0626-\u06d5]/);
    expect(r.stdout).toContain('668');
    expect(r.stdout).not.toMatch(/[\u4e00-\u9fff]/);
  });
  it('explains in Chinese by default', async () => {
    const r = await cli(file('one.json', couple), '--format', 'text');
    expect(r.stdout).toContain('最低生活保障');
    expect(r.stdout).toContain('668');
  });
  it('exits non-zero naming the field and the problem on stderr', async () => {
    const r = await cli(file('bad.json', { ...couple, monthlyIncome: -1 }), '--lang', 'zh');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('monthlyIncome');
    expect(r.stderr).toContain('家庭月收入');
  });
  it('reports which household of an array is wrong', async () => {
    const r = await cli(
      file('bad2.json', [couple, { ...couple, members: [{ age: 'old', laborCapacity: 'full' }] }]),
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('2');
    expect(r.stderr).toContain('members.0.age');
  });
  it('rejects a file that is not JSON', async () => {
    const r = await cli(file('broken.json', '{ nope'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('broken.json');
  });
  it('rejects an unknown option with the help', async () => {
    const r = await cli(file('one.json', couple), '--colour');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--colour');
  });
});

describe('npm run screen -- roster.csv --out results.xlsx', () => {
  it('screens the sample roster, flags what households miss and reports bad rows by number', async () => {
    const out = join(dir, 'results.xlsx');
    const r = await cli('rules/cli/sample-roster.csv', '--out', out, '--date', '2026-11-23');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/第 10 行/); // TK-0005: monthly_income "abc"
    expect(r.stderr).toMatch(/第 13 行/); // TK-0006's third member is 140 years old
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
    const sheet = wb.worksheets[0]!;
    const rows = sheet.getSheetValues().slice(2) as unknown[][];
    const byId = new Map(rows.map((row) => [row[1], row]));
    expect([...byId.keys()]).toEqual(['TK-0001', 'TK-0002', 'TK-0003', 'TK-0004', 'QT-0001']);
    // TK-0001: not on dibao yet, likely tier C 668: flagged.
    expect(String(byId.get('TK-0001')![6])).toContain('最低生活保障');
    expect(byId.get('TK-0001')![9]).toBe(668); // column 7 is now 主要原因
    // TK-0002 already receives dibao: dibao is not flagged again.
    expect(String(byId.get('TK-0002')![6] ?? '')).not.toContain('最低生活保障（低保）');
    expect(byId.get('TK-0002')![9]).toBe(1734);
    const errors = wb.worksheets[1]!.getSheetValues().slice(2) as unknown[][];
    expect(errors.map((e) => e[1])).toEqual([10, 13]);
  });
  it('writes CSV when asked and keeps spreadsheet formulas inert', async () => {
    const roster = file(
      'evil.csv',
      'household_id,jurisdiction,area,monthly_income,property_within_limits,age,labor_capacity\n=HYPERLINK("http://x"),tekes,rural,100,yes,40,full\n',
    );
    const out = join(dir, 'evil-results.csv');
    const r = await cli(roster, '--out', out, '--date', '2026-11-23');
    expect(r.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain(`"'=HYPERLINK(""http://x"")"`);
  });
  it('stops with a clear message when a required column is missing', async () => {
    const roster = file('nocols.csv', 'household_id,area\nA,rural\n');
    const r = await cli(roster, '--out', join(dir, 'x.xlsx'));
    expect(r.stderr).toContain('jurisdiction');
    expect(r.code).toBe(2);
  });
  it('reads the roster from XLSX too', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('roster');
    ws.addRow([
      'household_id',
      'jurisdiction',
      'area',
      'monthly_income',
      'property_within_limits',
      'age',
      'labor_capacity',
    ]);
    ws.addRow(['X-1', 'tekes', 'rural', 600, 'yes', 45, 'full']);
    ws.addRow(['X-1', '', '', '', '', 43, 'full']);
    const input = join(dir, 'roster.xlsx');
    await wb.xlsx.writeFile(input);
    const out = join(dir, 'from-xlsx.csv');
    const r = await cli(input, '--out', out, '--date', '2026-11-23');
    expect(r.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(/X-1,,,2,300,.*668/);
  });
});
