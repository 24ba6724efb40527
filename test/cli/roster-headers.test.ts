/**
 * Rosters as counties keep them (issue 14 item 14): Chinese column names and values give the
 * same results as the English ones; a missing required column stops the run (exit 2, no file);
 * every flag says why; 低保 and 特困 are never flagged side by side as two payments.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { screenCli } from '../helpers/screen-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'roster-headers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = (...args: string[]) => screenCli(args);
const write = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const rows = (file: string) =>
  readFileSync(file, 'utf8')
    .replace(/^\uFEFF/, '')
    .trim()
    .split('\n')
    .map((l) => l.split(','));

// W1: a 72-year-old widow, no capacity, no income, no supporter (特困 and 低保 both likely).
// W2: a couple, one on 低保 already. The same households in both rosters.
const english = `household_id,township,village,jurisdiction,area,monthly_income,property_within_limits,legal_supporter,current,age,labor_capacity,self_care,disability_grade,disability_kind
W1,town,v1,tekes,rural,0,yes,none,,72,none,partial,2,physical
W2,town,v1,tekes,urban,600,yes,,dibao,75,none,partial,,
W2,,,,,,,,,45,full,full,,
W3,town,v1,tekes,rural,600,yes,,,45,full,full,,
W3,,,,,,,,,43,full,full,,
`;
const chinese = `户编号,户主姓名,乡镇,村（社区）,县,城乡,家庭人口,家庭月收入,财产是否符合,赡养人情况,已享受救助,年龄,劳动能力,自理能力,残疾等级,残疾类别
W1,张某,town,v1,特克斯县,农村,1,0,是,无,,72,无,半自理,二级,肢体
W2,李某,town,v1,特克斯县,城镇,2,600,是,,低保,75,无,半自理,,
W2,,,,,,,,,,,45,有,全自理,,
W3,王某,town,v1,特克斯县,农村,2,600,是,,,45,有,全自理,,
W3,,,,,,,,,,,43,有,全自理,,
`;

describe('rosters with Chinese headers and values', () => {
  it('give the same results as the English roster, and never write the head of household’s name', async () => {
    const en = join(dir, 'en.csv');
    const zh = join(dir, 'zh.csv');
    const a = await cli(write('in-en.csv', english), '--out', en, '--date', '2026-11-23');
    const b = await cli(write('in-zh.csv', chinese), '--out', zh, '--date', '2026-11-23');
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    expect(b.stderr).not.toContain('行有错误：'); // no row errors
    expect(rows(zh)).toEqual(rows(en));
    expect(rows(zh)).toHaveLength(4);
    expect(readFileSync(zh, 'utf8')).not.toContain('张某');
  });
  it('flags the widow for 特困 "one or the other" with 低保, not both, and says why', async () => {
    const out = join(dir, 'widow.csv');
    await cli(write('in-w.csv', chinese), '--out', out, '--date', '2026-11-23');
    const [header, ...body] = rows(out);
    const flag = header!.indexOf('可能符合但尚未享受');
    const why = header!.indexOf('主要原因');
    expect(why).toBeGreaterThan(0);
    const w1 = body.find((r) => r[0] === 'W1')!;
    expect(w1[flag]).toContain('二选一');
    expect(w1[flag]).not.toContain('最低生活保障（低保）');
    expect(w1[why]).toContain('只能享受其一');
    // W3: 600 for two in Tekes is below the standard: 低保 flagged, with its reason.
    const w3 = body.find((r) => r[0] === 'W3')!;
    expect(w3[flag]).toContain('最低生活保障（低保）');
    expect(w3[why]).toContain('人均收入低于低保标准');
    // W2 already has 低保: neither 低保 nor "二选一" is flagged.
    const w2 = body.find((r) => r[0] === 'W2')!;
    expect(w2[flag]).not.toContain('低保');
  });
  it('a missing required column: named in both forms on stderr, exit 2, no results file', async () => {
    const out = join(dir, 'none.xlsx');
    const r = await cli(write('in-miss.csv', '户编号,城乡,年龄\nA,农村,40\n'), '--out', out);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('monthly_income（月收入）');
    expect(existsSync(out)).toBe(false);
  });
  it('家庭人口 that does not match the rows is an error naming both numbers', async () => {
    const out = join(dir, 'count.csv');
    const bad = chinese.replace('W3,王某,town,v1,特克斯县,农村,2,', 'W3,王某,town,v1,特克斯县,农村,3,');
    const r = await cli(write('in-count.csv', bad), '--out', out, '--date', '2026-11-23');
    expect(r.stderr).toMatch(/第 5 行：.*3.*2/);
    expect(rows(out).map((row) => row[0])).not.toContain('W3');
  });
});
