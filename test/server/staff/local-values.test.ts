/**
 * Issue 16 item 11 against a really started server (a temp copy of rules/ as RULES_DIR): the
 * county admin's local values page speaks in words and units; a value added with its date and
 * source is checked by the rule cases, versioned, audited and used by the very next screening
 * (resident API), without a restart; a future-dated value is listed but not used; a bad value
 * is refused with nothing saved; a township caseworker is refused; the values survive a
 * restart; a borrowed value gets its local source.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chinaToday } from '../../../rules/engine/screen.ts';
import { PageClient, textOf } from '../../helpers/browser-session.ts';
import { saveLocalValue, testWageSource } from '../../helpers/local-value-form.ts';
import { coupleForm } from '../../helpers/resident-referral.ts';
import { type Started, startServer } from '../../helpers/start-server.ts';
import { signIn, signInAdmin } from '../../helpers/staff-sign-in.ts';
import { rulesWithOffices } from '../../helpers/test-rules.ts';

let server: Started;
let dataDir: string;
let rulesDir: string;
let admin: PageClient;
let worker: PageClient;
const env = () => ({ PORT: '0', DATA_DIR: dataDir, RULES_DIR: rulesDir, LOGINS_PER_MINUTE: '100' });

/** A 70-year-old alone with no income: 特困, whose care amount needs the local minimum wage. */
const widow = {
  jurisdiction: 'tekes',
  area: 'rural',
  monthlyIncome: 0,
  propertyWithinLimits: true,
  legalSupporter: 'none',
  members: [{ age: 70, laborCapacity: 'none', selfCare: 'partial' }],
};
/** A rural couple with 550 yuan each: above Tekes's 507, below a standard of 600. */
const couple = (date?: string) => ({
  jurisdiction: 'tekes',
  ...(date ? { date } : {}),
  area: 'rural',
  monthlyIncome: 1100,
  propertyWithinLimits: true,
  members: [
    { age: 45, laborCapacity: 'full' },
    { age: 43, laborCapacity: 'full' },
  ],
});

async function screen(household: object, program: string) {
  const res = await fetch(`${server.base}/api/v1/screen`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(household),
  });
  expect(res.status).toBe(200);
  const body = (await res.json()) as {
    programs: {
      id: string;
      verdict: string;
      monthlyAmount?: number;
      reasons: { key: string; source?: { file: string } }[];
    }[];
  };
  return body.programs.find((p) => p.id === program)!;
}

const source = testWageSource;
const addValue = (fields: { parameter: string } & Record<string, string>) => saveLocalValue(admin, fields);

/** The row of the values table (not the form's choices) that names this parameter. */
const rowOf = (html: string, name: string) =>
  textOf(
    html
      .slice(html.indexOf('id="local-values"'))
      .split('<tr')
      .find((r) => r.includes(name)) ?? '',
  );

/** The same couple through the resident's one-page web form: the results page's text. */
async function formResults() {
  const page = new PageClient(server.base);
  await page.get('/zh/form');
  const fields = coupleForm().map(([k, v]): [string, string] => [k, k === 'income' ? '1100' : v]);
  await page.post('/zh/form', [...fields, ['action', 'results']]);
  expect(page.status).toBe(200);
  return textOf(page.last);
}

const localRecords = () =>
  Object.values(
    (JSON.parse(readFileSync(join(dataDir, 'local-values.json'), 'utf8')) as { records: object }).records,
  );

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'local-values-'));
  rulesDir = rulesWithOffices();
  server = await startServer('server/main.ts', env());
  const password = /One-time password: (\S+)/.exec(server.output())![1]!;
  admin = (await signInAdmin(server.base, 'admin', password)).page;
  await admin.get('/staff/users');
  await admin.post('/staff/users/add', {
    username: 'township.worker',
    display_name: '乡镇干部',
    role: 'caseworker',
    township: 'karadala',
  });
  const first = /一次性密码：([A-Za-z0-9]{16})/.exec(textOf(admin.last))![1]!;
  worker = await signIn(server.base, 'township.worker', first);
}, 240_000);

afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(rulesDir, { recursive: true, force: true });
});

describe('the local values page', () => {
  it('shows every value in words and units with its date and source, and 未配置 for what is missing', async () => {
    expect((await admin.get('/staff/local-values')).status).toBe(200);
    const text = textOf(admin.last);
    expect(text).toContain('每人每月 678 元');
    expect(text).toContain('每人每月 507 元');
    expect(text).toContain('1/6');
    expect(text).toContain('按档定额发放');
    expect(text).toContain('2024-07-01');
    // The minimum wage's row names it and says it is not configured.
    expect(rowOf(admin.last, '当地上年度最低工资标准')).toContain('未配置');
    // No raw keys, JSON or long decimals.
    expect(text).not.toMatch(/0\.1666|\{"|dibao\.tiers|tekun\.care_shares|local\.minimum/);
    // A value from another place's document is marked, with a link to give the local source.
    expect(text).toContain('参照外地文件');
    expect(admin.last).toContain('/staff/local-values/source?parameter=');
  });

  it('is the same in Uyghur and Kazakh: words and units, no raw keys', async () => {
    for (const [lang, unit] of [
      ['ug', 'ھەر ئادەمگە ئايدا 678 يۈەن'],
      ['kk', 'ءار ادامعا ايىنا 678 يۋان'],
    ] as const) {
      await admin.post('/staff/lang', { lang, back: '/staff/local-values' });
      await admin.get('/staff/local-values');
      expect(textOf(admin.last)).toContain(unit);
      expect(textOf(admin.last)).toContain(lang === 'ug' ? 'سەپلەنمىگەن' : 'باپتالماعان');
      expect(textOf(admin.last)).not.toMatch(/0\.1666|\{"|dibao\.tiers/);
    }
    await admin.post('/staff/lang', { lang: 'zh', back: '/staff/local-values' });
  });

  it('is refused to a township caseworker (403), reading and adding', async () => {
    expect((await worker.get('/staff/local-values')).status).toBe(403);
    expect((await worker.get('/staff/local-values/new?parameter=local.minimum_wage_monthly')).status).toBe(
      403,
    );
    await worker.get('/staff');
    const res = await worker.post('/staff/local-values', {
      parameter: 'local.minimum_wage_monthly',
      value: '1900',
      from: chinaToday(),
      ...source,
    });
    expect(res.status).toBe(403);
  });
});

describe('adding a value', () => {
  it('refuses a bad value with a translated error, the form still filled, and saves nothing', async () => {
    for (const value of ['abc', '1e309', '-5', '', '0x10']) {
      await admin.get('/staff/local-values/new?parameter=local.minimum_wage_monthly');
      const res = await admin.post('/staff/local-values', {
        parameter: 'local.minimum_wage_monthly',
        value,
        from: chinaToday(),
        ...source,
      });
      expect(res.status, value).toBe(400);
      expect(textOf(admin.last)).toContain('请填写大于 0 的金额');
      expect(admin.last).toContain(`value="${source.title}"`);
    }
    // A good value without its source is refused too.
    await admin.get('/staff/local-values/new?parameter=local.minimum_wage_monthly');
    const res = await admin.post('/staff/local-values', {
      parameter: 'local.minimum_wage_monthly',
      value: '1900',
      from: chinaToday(),
      ...source,
      quote: '',
    });
    expect(res.status).toBe(400);
    expect(textOf(admin.last)).toContain('这一项必须填写');
    expect(admin.last).toContain('value="1900"');
    // Nothing stored, nothing changed for residents.
    await admin.get('/staff/local-values');
    expect(textOf(admin.last)).toContain('还没有在这里添加过数值');
    expect((await screen(widow, 'tekun')).reasons.map((r) => r.key)).toContain('tekun.care_not_configured');
  });

  it('a minimum wage effective today is used by the next screening, without a restart', async () => {
    const before = await screen(widow, 'tekun');
    expect(before.reasons.map((r) => r.key)).toContain('tekun.care_not_configured');
    const res = await addValue({
      parameter: 'local.minimum_wage_monthly',
      value: '1900',
      from: chinaToday(),
    });
    expect(res.status).toBe(303);
    expect(textOf(admin.last)).toContain('已保存并生效');
    const after = await screen(widow, 'tekun');
    // 1.3 × 507 = 659.10, plus semi-care 1900 / 6 = 316.67 (national care shares).
    expect(after.monthlyAmount).toBeCloseTo(975.77, 2);
    expect(after.reasons.map((r) => r.key)).toContain('tekun.care_partial');
    // The page shows it in words, with its source, and the history who/when/previous.
    const row = rowOf(admin.last, '当地上年度最低工资标准');
    expect(row).toContain('每月 1900 元');
    expect(row).toContain(source.title);
    const history = admin.last.slice(admin.last.indexOf('id="local-history"'));
    expect(textOf(history)).toContain('每月 1900 元');
    expect(textOf(history)).toContain('未配置');
    expect(textOf(history)).toContain('admin');
  });

  it('a new dibao standard asks to confirm the rule cases it changes, naming them, then is used', async () => {
    expect((await screen(couple(), 'dibao')).verdict).toBe('unlikely');
    // Tier C for two: 2 × 334 = 668 a month, which the form's results show only once eligible.
    expect(await formResults()).not.toContain('668');
    await admin.get('/staff/local-values/new?parameter=dibao.standard.rural');
    const fields = { parameter: 'dibao.standard.rural', value: '600', from: chinaToday(), ...source };
    const asked = await admin.post('/staff/local-values', fields);
    expect(asked.status).toBe(200);
    expect(admin.last).toContain('id="changed-cases"');
    expect(textOf(admin.last)).toContain(
      'Tekes: per-capita income exactly at the rural standard 507 is not below it: unlikely',
    );
    // Not saved until confirmed.
    expect((await screen(couple(), 'dibao')).verdict).toBe('unlikely');
    const saved = await admin.post('/staff/local-values', { ...fields, confirm: 'yes' });
    expect(saved.status).toBe(303);
    const now = await screen(couple(), 'dibao');
    expect(now.verdict).toBe('likely');
    expect(now.monthlyAmount).toBe(668);
    expect(await formResults()).toContain('668');
  });

  it('a value dated in the future is listed but not used until its date', async () => {
    const res = await addValue({ parameter: 'dibao.standard.urban', value: '900', from: '2099-01-01' });
    expect(res.status).toBe(303);
    const upcoming = admin.last.slice(
      admin.last.indexOf('id="upcoming"'),
      admin.last.indexOf('id="local-history"'),
    );
    expect(textOf(upcoming)).toContain('每人每月 900 元');
    expect(textOf(upcoming)).toContain('2099-01-01');
    // Today the urban standard is still 678.
    expect(rowOf(admin.last, '城市低保标准')).toContain('每人每月 678 元');
    const urban = { ...couple(), area: 'urban', monthlyIncome: 1500 }; // 750 each: above 678, below 900
    expect((await screen(urban, 'dibao')).verdict).toBe('unlikely');
    expect((await screen({ ...urban, date: '2099-02-01' }, 'dibao')).verdict).toBe('likely');
  });

  it('every change is audited', async () => {
    await admin.get('/staff/audit?action=local_value_add');
    // Only the log's table: the page's action filter also names 添加本地标准 in its menu.
    const table = admin.last.slice(admin.last.indexOf('<table'), admin.last.indexOf('</table>'));
    const text = textOf(table);
    expect(text.match(/添加本地标准/g)?.length).toBe(3);
    expect(text).toContain('1900');
  });
});

describe('a borrowed value', () => {
  it('gets its local source: the page stops calling it borrowed and results cite the county', async () => {
    await admin.get('/staff/local-values/source?parameter=tekun.care_shares');
    expect(admin.status).toBe(200);
    expect(textOf(admin.last)).toContain('参照外地文件');
    const res = await admin.post('/staff/local-values/source', {
      parameter: 'tekun.care_shares',
      title: '特克斯县特困人员照料护理标准（测试）',
      issuer: '特克斯县民政局（测试）',
      clause: '第三条',
      quote: '半护理按最低工资标准的六分之一（测试）',
    });
    expect(res.status).toBe(303);
    const row = rowOf(admin.last, '特困人员照料护理标准（占');
    expect(row).toContain('特克斯县特困人员照料护理标准（测试）');
    expect(row).not.toContain('参照外地文件');
    expect(row).toContain('1/6');
    const care = (await screen(widow, 'tekun')).reasons.find((r) => r.key === 'tekun.care_partial')!;
    expect(care.source?.file).toMatch(/^local:/);
    expect(localRecords()).toHaveLength(4);
  });
});

describe('after a restart', () => {
  it('keeps every value, its history, and uses them', async () => {
    // 1.3 × the new rural standard 600 = 780, plus semi-care 1900 / 6 = 316.67.
    expect((await screen(widow, 'tekun')).monthlyAmount).toBeCloseTo(1096.67, 2);
    await server.stop();
    server = await startServer('server/main.ts', env());
    expect((await screen(widow, 'tekun')).monthlyAmount).toBeCloseTo(1096.67, 2);
    expect((await screen(couple(), 'dibao')).verdict).toBe('likely');
    expect(localRecords()).toHaveLength(4);
  }, 120_000);
});
