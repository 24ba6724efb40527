/**
 * The resident pages against a really started server (random port, its own data directory):
 * no JavaScript involved, exactly what a phone without scripts gets.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PageClient, textOf } from '../helpers/browser-session.ts';
import { coupleForm } from '../helpers/resident-referral.ts';
import { type Started, startServer } from '../helpers/start-server.ts';
import { storedReferrals } from '../helpers/stored-referrals.ts';

let server: Started;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'pages-'));
  server = await startServer('server/main.ts', {
    PORT: '0',
    DATA_DIR: dataDir,
    STATUS_LOOKUPS_PER_MINUTE: '6',
    PUBLIC_URL: 'https://jiuzhu.example.cn',
  });
});
afterAll(async () => {
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const base = coupleForm();

const referrals = (): Record<string, unknown> => {
  try {
    return storedReferrals(dataDir);
  } catch {
    return {}; // nothing stored yet
  }
};

/** The form to results: first post opens the sections that matter, the second answers them. */
async function formToResults(page: PageClient, lang: string, extra: [string, string][] = []) {
  await page.get(`/${lang}/form`);
  const first = await page.post(`/${lang}/form`, [...base, ...extra, ['action', 'submit']]);
  expect(first.status).toBe(200);
  const seen = [...page.last.matchAll(/name="seen" value="([a-z]+)"/g)].map((m) => m[1]!);
  expect(seen.length).toBeGreaterThan(0);
  const answers: [string, string][] = [
    ...base,
    ...extra,
    ...seen.map((s): [string, string] => ['seen', s]),
    ['emergency', 'none'],
    ['housing', 'no'],
    ['action', 'submit'],
  ];
  // Post → redirect → get: the results have their own address, a token and nothing else.
  const results = await page.post(`/${lang}/form`, answers);
  expect(results.status).toBe(303);
  expect(page.seeOther).toMatch(new RegExp(`^/${lang}/results/[A-Za-z0-9_-]{43}$`));
  expect(page.status).toBe(200);
  return page.last;
}

describe('language and direction', () => {
  it('offers the three languages, each in its own script and direction', async () => {
    const page = new PageClient(server.base);
    await page.get('/');
    expect(page.last).toContain('lang="ug-Arab-CN" dir="rtl"');
    expect(page.last).toContain('lang="kk-Arab-CN" dir="rtl"');
    expect(page.last).toMatch(/href="\/ug"/);
  });
  it('sets dir and lang for each page language', async () => {
    const page = new PageClient(server.base);
    for (const [lang, tag, dir] of [
      ['zh', 'zh-CN', 'ltr'],
      ['ug', 'ug-Arab-CN', 'rtl'],
      ['kk', 'kk-Arab-CN', 'rtl'],
    ]) {
      await page.get(`/${lang}/form`);
      expect(page.last).toContain(`<html lang="${tag}" dir="${dir}">`);
    }
  });
});

describe('the one-page form without JavaScript', () => {
  it('opens only the sections that decide something, then shows results with amounts and clauses', async () => {
    const page = new PageClient(server.base);
    await page.get('/zh/form');
    await page.post('/zh/form', [...base, ['action', 'submit']]);
    expect(page.last).toContain('已经为您展开');
    expect(page.last).toMatch(/<details class="section needed"[^>]* open/);
    const html = await formToResults(page, 'zh');
    const text = textOf(html);
    expect(text).toContain('最低生活保障（低保）');
    expect(text).toContain('估计每月：668 元');
    expect(text).toContain('特克斯县城乡低保分类分档救助实施方案');
    // Dates as residents write them: 2026年11月24日 in Chinese; 24.11.2026 in Uyghur and Kazakh.
    expect(text).toMatch(/在 \d{4}年\d{1,2}月\d{1,2}日 执行的标准/);
    const ug = await formToResults(new PageClient(server.base), 'ug');
    expect(ug).toMatch(/<bdi>\d{2}\.\d{2}\.\d{4}<\/bdi>/);
    expect(html).toMatch(/href="\/zh\/referral\/[A-Za-z0-9_-]{43}"/);
  });

  it('keeps everything typed when an answer is wrong, with the error in the page language', async () => {
    const page = new PageClient(server.base);
    await page.get('/ug/form');
    const res = await page.post('/ug/form', [
      ...base.filter(([k]) => k !== 'income' && k !== 'work_1'),
      ['income', 'abc'],
      ['action', 'submit'],
    ]);
    expect(res.status).toBe(400);
    expect(page.last).toContain('name="age_1" value="43"');
    expect(page.last).toContain('aria-invalid="true" aria-describedby="err-income"');
    const errors = [...page.last.matchAll(/<p class="error" id="err-(\w+)">(.*?)<\/p>/g)];
    expect(errors.map((e) => e[1]).sort()).toEqual(['income', 'work_1']);
    for (const [, , message] of errors) expect(message).not.toMatch(/[\u4e00-\u9fff]/);
  });

  it('refuses a post without a valid CSRF token but shows the form back as typed', async () => {
    const page = new PageClient(server.base);
    await page.get('/zh/form');
    const res = await page.post('/zh/form', [...base, ['action', 'submit']], false);
    expect(res.status).toBe(403);
    expect(page.last).toContain('页面停留太久已过期');
    expect(page.last).toContain('name="age_0" value="45"');
    expect(page.last).not.toContain('最低生活保障（低保）');
  });

  it('refuses a post from another site even with a valid token and cookie', async () => {
    const page = new PageClient(server.base);
    await page.get('/zh/form');
    const post = (origin: string) =>
      fetch(`${server.base}/zh/form`, {
        method: 'POST',
        body: new URLSearchParams([...base, ['action', 'submit'], ['_csrf', page.token()]]),
        headers: { origin, cookie: page.cookieHeader() },
      });
    expect((await post('https://evil.example')).status).toBe(403);
    expect((await post('null')).status).toBe(403);
    expect((await post(server.base)).status).toBe(200);
  });

  it('adds rows for a bigger household', async () => {
    const page = new PageClient(server.base);
    await page.get('/zh/form');
    await page.post('/zh/form', [...base, ['action', 'add_rows']]);
    expect(page.last).toContain('name="age_6"');
    expect(page.last).toContain('name="age_1" value="43"');
  });
});

describe('the referral from the form', () => {
  it('needs separate consent, stores one referral durably, and shows its number', async () => {
    const page = new PageClient(server.base);
    const html = await formToResults(page, 'zh');
    const link = /href="(\/zh\/referral\/[A-Za-z0-9_-]{43})"/.exec(html)![1]!;
    await page.get(link);
    const refused = await page.post(link, { name: '阿依古丽·买买提', phone: '139 1234 5678' });
    expect(refused.status).toBe(400);
    expect(page.last).toContain('需要您勾选同意');
    expect(page.last).toContain('value="阿依古丽·买买提"');

    const before = Object.keys(referrals()).length;
    const token = page.token();
    const fields = { consent: 'yes', name: '阿依古丽·买买提', phone: '139 1234 5678', _csrf: token };
    // A double tap: two posts at once.
    const [a, b] = await Promise.all([page.post(link, fields, false), page.post(link, fields, false)]);
    expect([a.status, b.status]).toEqual([303, 303]);
    const shown = await page.get(link);
    expect(shown.status).toBe(200);
    const reference = /id="reference">([A-Z]{2}-[0-9A-Z]{8})/.exec(page.last)![1]!;
    const stored = referrals();
    expect(Object.keys(stored).length).toBe(before + 1);
    expect(stored[reference]).toMatchObject({
      name: '阿依古丽·买买提',
      phone: '13912345678',
      channel: 'web',
      township: 'karadala',
      status: 'new',
    });
    // Posting again later still makes no second referral.
    await page.post(link, fields, false);
    expect(Object.keys(referrals()).length).toBe(before + 1);
    // The logs saw the requests, but not who, nor the id that opens the session.
    const logs = server.output();
    expect(logs).toContain('/zh/referral/:id');
    for (const secret of [link.split('/').pop()!, '13912345678', '阿依古丽', reference])
      expect(logs).not.toContain(secret);
  });
});

describe('the chat page without JavaScript', () => {
  it('runs the dialog by form posts, with tap-able answers, to results', async () => {
    const page = new PageClient(server.base);
    await page.get('/zh/chat');
    expect(page.cookieNames()).toContain('chat');
    expect(page.last).toContain('您家住在哪个县');
    const at = () => /name="at" value="([^"]*)"/.exec(page.last)![1]!;
    const say = async (field: 'text' | 'quick', value: string) => {
      const res = await page.post('/zh/chat', { [field]: value, at: at() });
      expect(res.status).toBe(200);
      return page.last;
    };
    expect(await say('quick', '1')).toContain(
      '<button type="submit" name="quick" value="3">喀拉达拉镇</button>',
    );
    // The same post again (a double tap) is not a second answer.
    const token = page.token();
    const staleAt = at();
    await say('quick', '3');
    const repeat = await page.post('/zh/chat', { quick: '1', at: staleAt, _csrf: token }, false);
    expect(repeat.status).toBe(200);
    expect(page.last).toContain('城市户还是农村户');
    for (const [f, v] of [
      ['quick', '2'],
      ['text', '两口人'],
      ['text', '45 43'],
      ['quick', '1'],
      ['quick', '1'],
      ['text', '600'],
      ['quick', '1'],
      ['text', '没有'],
      ['quick', '2'],
      ['text', '没有'],
      ['text', '没有'],
    ] as const) {
      await say(f, v);
    }
    expect(textOf(page.last)).toContain('估计每月：668 元');
    expect(page.last).toContain('需要，请乡镇联系我');
    // The same results at an address of their own, to keep or print, as the form gives.
    const kept =
      /<a class="button secondary" href="(\/zh\/results\/[A-Za-z0-9_-]{43})">查看或打印结果<\/a>/.exec(
        page.last,
      )?.[1];
    expect(kept).toBeDefined();
    await page.get(`${kept}/print`);
    expect(page.status).toBe(200);
    expect(textOf(page.last)).toContain('估计每月：668 元');
    // "Delete" in the chat deletes its results page too.
    await page.get('/zh/chat');
    await say('text', '删除');
    await say('quick', '1'); // yes, delete
    await page.get(kept!);
    expect(page.status).toBe(404);
  });
});

describe('the status page', () => {
  it('shows a referral only for its reference and the phone digits, the same answer otherwise', async () => {
    const page = new PageClient(server.base);
    const html = await formToResults(page, 'kk');
    const link = /href="(\/kk\/referral\/[A-Za-z0-9_-]{43})"/.exec(html)![1]!;
    await page.get(link);
    await page.post(link, { consent: 'yes', name: 'ايگۇل', phone: '13987654321' });
    await page.get(link);
    const reference = /id="reference">([A-Z]{2}-[0-9A-Z]{8})/.exec(page.last)![1]!;

    const lookup = new PageClient(server.base);
    await lookup.get('/kk/status');
    const ok = await lookup.post('/kk/status', { reference: reference.toLowerCase(), digits: '4321' });
    expect(ok.status).toBe(303);
    expect(lookup.seeOther).toBe('/kk/status/referral');
    expect(lookup.status).toBe(200);
    expect(lookup.last).toContain('data-status="new"');
    expect(lookup.last).toContain(`<bdi>${reference}</bdi>`);
    // Everything but the language switch (which names 中文 in Chinese) is in Kazakh.
    const withoutSwitch = lookup.last.replace(/<nav class="langs"[\s\S]*?<\/nav>/, '');
    expect(textOf(withoutSwitch).match(/[\u4e00-\u9fff]+/g)).toBeNull();
    await lookup.get('/kk/status');
    const wrong = await lookup.post('/kk/status', { reference, digits: '4320' });
    const unknown = await lookup.post('/kk/status', { reference: 'TE-00000000', digits: '4321' });
    expect([wrong.status, unknown.status]).toEqual([404, 404]);
    expect(lookup.last).not.toContain('data-status');
  });

  it('slows down guessing: lookups per client are limited', async () => {
    const page = new PageClient(server.base);
    await page.get('/zh/status');
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++)
      statuses.push((await page.post('/zh/status', { reference: 'TE-00000000', digits: '1234' })).status);
    expect(statuses).toContain(429);
    expect(page.last).toContain('操作太频繁');
  });
});

describe('posters, the API page and security headers', () => {
  it('prints a township poster with a QR code to the page for that township', async () => {
    const page = new PageClient(server.base);
    const res = await page.get('/poster/tekes/karadala');
    expect(res.status).toBe(200);
    expect(page.last).toContain('<svg');
    expect(page.last).toContain('https://jiuzhu.example.cn/?county=tekes&amp;township=karadala');
    expect(page.last).toContain('喀拉达拉镇');
    expect(page.last).toContain('قارادالا بازىرى');
    expect(page.last).toContain('قارادالا قالاشىعى');
    expect((await page.get('/poster/tekes/nowhere')).status).toBe(404);
    await page.get('/poster');
    expect(page.last).toContain('href="/poster/tekes/karadala"');
  });
  it('a poster link starts the questionnaire after the county and township', async () => {
    const page = new PageClient(server.base);
    await page.get('/zh/chat?county=tekes&township=karadala');
    expect(page.last).toContain('城市户还是农村户');
  });
  it("documents the API in the reader's language", async () => {
    const page = new PageClient(server.base);
    await page.get('/api?lang=ug');
    expect(page.last).toContain('dir="rtl"');
    for (const path of ['/api/v1/screen', '/api/v1/conversations/{id}/messages', '/api/v1/programs'])
      expect(page.last).toContain(path);
  });
  it('sends security headers and protected cookies', async () => {
    const res = await fetch(`${server.base}/zh/chat`);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const cookies = res.headers.getSetCookie();
    expect(cookies.length).toBeGreaterThan(0);
    for (const c of cookies) expect(c).toMatch(/httponly/i);
    for (const c of cookies) expect(c).toMatch(/samesite=lax/i);
  });
});
