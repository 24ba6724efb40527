/**
 * The API against a really started server (a child process on a random port, its own data
 * directory): health, screening with the CLI's contract, translated errors, limits, headers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Started, startServer } from '../helpers/start-server.ts';
import { storedReferrals } from '../helpers/stored-referrals.ts';
import { coupleTapped, referralTapped } from '../helpers/transcripts.ts';
import { exampleHousehold } from '../../server/api-example.ts';

let server: Started;
let base: string;
const dataDir = mkdtempSync(join(tmpdir(), 'api-'));
const logs = () => server.output();

beforeAll(async () => {
  server = await startServer('server/main.ts', { PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir });
  base = server.base;
});
afterAll(async () => {
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** The API page's own example, on a fixed date. */
const couple = { ...exampleHousehold, date: '2026-11-23' };
/** Response bodies are read loosely in these tests: what matters is checked field by field. */
// biome-ignore lint/suspicious/noExplicitAny: JSON read back from the server under test
const json = async (r: Response): Promise<any> => r.json();
const post = (
  path: string,
  body: string,
  headers: Record<string, string> = { 'content-type': 'application/json' },
) => fetch(base + path, { method: 'POST', body, headers });

describe('the server', () => {
  it('answers /healthz and /readyz', async () => {
    expect(await json(await fetch(`${base}/healthz`))).toEqual({ status: 'ok' });
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect((await json(ready)).status).toBe('ready');
  });

  it('screens a household with the CLI contract', async () => {
    const res = await post('/api/v1/screen', JSON.stringify(couple));
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.programs.find((p: { id: string }) => p.id === 'dibao')).toMatchObject({
      verdict: 'likely',
      tier: 'C',
      monthlyAmount: 668,
    });
  });

  it('screens an array in the same order', async () => {
    const body = await json(
      await post('/api/v1/screen', JSON.stringify([couple, { ...couple, monthlyIncome: 5000 }])),
    );
    expect(body.map((r: { programs: { id: string; verdict: string }[] }) => r.programs[0]!.verdict)).toEqual([
      'likely',
      'unlikely',
    ]);
  });

  it("explains invalid input field by field, in the caller's language", async () => {
    const res = await post('/api/v1/screen?lang=ug', JSON.stringify({ ...couple, monthlyIncome: -1 }));
    expect(res.status).toBe(400);
    const { error } = await json(res);
    expect(error.code).toBe('invalid_input');
    expect(error.issues[0]).toMatchObject({ path: 'monthlyIncome', code: 'too_small' });
    expect(error.message).toMatch(/[\u0600-\u06ff]/);
    const zh = await json(
      await post('/api/v1/screen', JSON.stringify({ ...couple, area: 'town' }), {
        'content-type': 'application/json',
        'accept-language': 'zh-CN',
      }),
    );
    expect(zh.error.issues[0].message).toContain('城市或农村');
  });

  it('refuses malformed JSON, bodies over the limit, other media types and unknown paths, with stable codes', async () => {
    expect((await json(await post('/api/v1/screen', '{ "area": '))).error.code).toBe('malformed_json');
    const big = await post('/api/v1/screen', JSON.stringify({ ...couple, id: 'x'.repeat(200_000) }));
    expect(big.status).toBe(413);
    expect((await json(big)).error.code).toBe('too_large');
    const form = await post('/api/v1/screen', 'a=1', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(form.status).toBeGreaterThanOrEqual(400);
    const missing = await fetch(`${base}/api/v1/nowhere`);
    expect(missing.status).toBe(404);
    expect((await json(missing)).error.code).toBe('not_found');
    // Outside the API a person gets a page in their language, not JSON.
    const page = await fetch(`${base}/ug/nowhere`);
    expect(page.status).toBe(404);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('dir="rtl"');
  });

  it('refuses a prototype-polluting body and keeps serving', async () => {
    const res = await post('/api/v1/screen', '{"__proto__":{"admin":true},"jurisdiction":"tekes"}');
    expect(res.status).toBe(400);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it('sends security headers', async () => {
    const res = await fetch(`${base}/healthz`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toBeTruthy();
  });

  it('logs requests without bodies or personal data', async () => {
    await post('/api/v1/screen', JSON.stringify({ ...couple, id: '13912345678' }));
    expect(logs()).toContain('"path":"/api/v1/screen"');
    expect(logs()).not.toContain('13912345678');
  });
});

describe('conversations over HTTP', () => {
  const say = async (id: string, text: string) =>
    json(await post(`/api/v1/conversations/${id}/messages`, JSON.stringify({ text })));

  it('runs the questionnaire to results and a referral stored on disk', async () => {
    const start = await post('/api/v1/conversations', JSON.stringify({ text: '你好，我想问低保' }));
    expect(start.status).toBe(201);
    const first = await json(start);
    expect(first.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.replies.at(-1)).toContain('您家住在哪个县');
    let last = first;
    for (const text of [...coupleTapped('1'), ...referralTapped('张三', '13912345678')]) {
      last = await say(first.id, text);
    }
    const reference = /转介编号：(TE-[0-9A-Z]{8})/.exec(last.replies.join('\n'))?.[1];
    expect(reference).toBeDefined();
    expect(last.phase).toBe('done');
    expect(storedReferrals(dataDir)[reference!]).toMatchObject({
      name: '张三',
      channel: 'web',
      status: 'new',
    });
  });

  it('answers 404 for an unknown or guessed conversation id', async () => {
    const res = await post(
      '/api/v1/conversations/00000000-0000-4000-8000-000000000000/messages',
      JSON.stringify({ text: '1' }),
    );
    expect(res.status).toBe(404);
    expect((await json(res)).error.code).toBe('conversation_not_found');
    expect(
      (await post('/api/v1/conversations/..%2F..%2Fetc/messages', JSON.stringify({ text: '1' }))).status,
    ).toBe(404);
  });

  it('refuses a message without text, naming the field', async () => {
    const res = await post('/api/v1/conversations', JSON.stringify({ txt: 'hi' }));
    expect(res.status).toBe(400);
    expect((await json(res)).error.issues.map((i: { path: string }) => i.path)).toContain('text');
  });
});

describe('rules behind the results', () => {
  it('lists jurisdictions and programs', async () => {
    const list = await json(await fetch(`${base}/api/v1/jurisdictions`));
    expect(list.map((j: { id: string }) => j.id).sort()).toEqual(['jilin', 'qitai', 'tekes', 'wengyuan']);
    const programs = await json(await fetch(`${base}/api/v1/programs`));
    expect(programs.find((p: { id: string }) => p.id === 'medical')).toMatchObject({
      department: 'healthcare_security',
    });
  });
  it("shows a county's values in force with their sources, and what is not configured", async () => {
    const tekes = await json(await fetch(`${base}/api/v1/jurisdictions/tekes?date=2026-11-23`));
    expect(tekes.parameters['dibao.standard.rural']).toMatchObject({
      value: 507,
      from: '2024-07-01',
      source: { file: '000_7e61b05d1b9914e4.txt', clause: '四' },
    });
    expect(tekes.notConfigured).toContain('local.minimum_wage_monthly');
    const qitai = await json(await fetch(`${base}/api/v1/jurisdictions/qitai`));
    expect(qitai.notConfigured).toEqual(
      expect.arrayContaining(['dibao.standard.rural', 'dibao.standard.urban']),
    );
    expect((await fetch(`${base}/api/v1/jurisdictions/tekes?date=2025-02-30`)).status).toBe(400);
    expect((await fetch(`${base}/api/v1/jurisdictions/atlantis`)).status).toBe(404);
  });
});

describe('the API description', () => {
  it('serves an OpenAPI 3.1 document generated from the schemas', async () => {
    const doc = await json(await fetch(`${base}/api/v1/openapi.json`));
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.schemas.Household.required).toEqual(
      expect.arrayContaining(['jurisdiction', 'area', 'members', 'monthlyIncome', 'propertyWithinLimits']),
    );
    expect(doc.components.schemas.ScreenResult.properties.programs).toBeDefined();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/v1/screen', '/api/v1/conversations/{id}/messages']),
    );
  });
});
