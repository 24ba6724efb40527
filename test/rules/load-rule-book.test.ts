/** Broken rule files stop start-up with the file and the field; adding a county needs no code. */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultRulesDir, loadRuleBook } from '../../rules/engine/load-rule-book.ts';
import { resolveParameters } from '../../rules/engine/parameter-table.ts';
import { RuleFileError } from '../../rules/engine/rule-file-error.ts';
import { createScreener } from '../../rules/engine/screen.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rules-'));
  cpSync(defaultRulesDir, dir, { recursive: true });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const edit = (file: string, from: string, to: string) => {
  const p = join(dir, file);
  const text = readFileSync(p, 'utf8');
  expect(text).toContain(from);
  writeFileSync(p, text.replace(from, to));
};
const failure = () => {
  try {
    loadRuleBook(dir);
  } catch (e) {
    expect(e).toBeInstanceOf(RuleFileError);
    return e as RuleFileError;
  }
  throw new Error('expected the rule book to be refused');
};

describe('loadRuleBook', () => {
  it('loads the real rules', () => {
    const book = loadRuleBook();
    expect([...book.jurisdictions.keys()].sort()).toEqual(['jilin', 'qitai', 'tekes', 'wengyuan']);
  });
  it('names the file and field of a wrongly typed value', () => {
    edit('jurisdictions/tekes.yaml', '2024-07-01: 678', '2024-07-01: "678 yuan"');
    const e = failure();
    expect(e.file).toMatch(/jurisdictions\/tekes\.yaml$/);
    expect(e.field).toBe('parameters.dibao.standard.urban.values.2024-07-01');
  });
  it('refuses an unknown parameter name (a typo must not silently drop a standard)', () => {
    edit('jurisdictions/tekes.yaml', 'dibao.standard.rural:', 'dibao.standrd.rural:');
    expect(failure().field).toBe('parameters.dibao.standrd.rural');
  });
  it('refuses an impossible date', () => {
    edit('jurisdictions/wengyuan.yaml', '2022-07-01: 603', '2022-02-30: 603');
    expect(failure().message).toMatch(/wengyuan\.yaml/);
  });
  it('refuses a citation without a seed file', () => {
    edit('parameters/xinjiang.yaml', 'file: 001_299b8fb7a515ed1f.txt', 'file: qitai.txt');
    expect(failure().field).toMatch(/reference\.file$/);
  });
  it('refuses a jurisdiction stacking a layer that does not exist', () => {
    edit('jurisdictions/qitai.yaml', 'layers: [national, xinjiang]', 'layers: [national, xinjaing]');
    expect(failure().field).toBe('layers.1');
  });
  it('refuses invalid YAML with the file name', () => {
    writeFileSync(join(dir, 'jurisdictions/qitai.yaml'), 'id: qitai\n  bad: [');
    expect(failure().message).toMatch(/qitai\.yaml.*YAML/);
  });
  it('carries `gap: true` (the seed leaves the value open) to the resolved parameter, and only there', () => {
    // national.yaml marks elderly_age `gap: true` itself (issue 14 item 8).
    const wengyuan = loadRuleBook(dir).jurisdictions.get('wengyuan')!;
    const table = resolveParameters(wengyuan, '2026-11-23');
    expect(table.get('elderly_age')?.gap).toBe(true);
    expect(table.get('minor_age')).toBeDefined();
    expect(table.get('minor_age')?.gap).toBeUndefined();
  });
  it('refuses a gap mark other than true', () => {
    edit(
      'parameters/national.yaml',
      '    gap: true\n    note: >\n      Gap: 002',
      '    gap: false\n    note: >\n      Gap: 002',
    );
    expect(failure().message).toMatch(/national\.yaml.*elderly_age.*gap/);
  });
  it('adds a county from one YAML file, with no code', () => {
    writeFileSync(
      join(dir, 'jurisdictions/zhaosu.yaml'),
      [
        'id: zhaosu',
        'level: county',
        'region: xinjiang',
        'layers: [national, xinjiang]',
        'parameters:',
        '  dibao.standard.rural:',
        '    description: test county value',
        '    unit: yuan_person_month',
        '    reference: { file: 000_7e61b05d1b9914e4.txt, clause: 四, quote: 农村低保A档每月507元/月 }',
        '    values: { 2025-01-01: 520 }',
      ].join('\n'),
    );
    const s = createScreener({ rulesDir: dir });
    const r = s.screen({
      jurisdiction: 'zhaosu',
      date: '2025-06-01',
      area: 'rural',
      members: [{ age: 40, laborCapacity: 'full' }],
      monthlyIncome: 120,
      propertyWithinLimits: true,
    });
    expect(r.ok && r.value.programs.find((p) => p.id === 'dibao')?.monthlyAmount).toBe(400);
  });
});
