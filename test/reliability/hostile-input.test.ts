/**
 * Hostile input against a really started server (issue 8): oversized, malformed, deeply
 * nested and prototype-polluting bodies, path traversal, script and template injection, bidi
 * overrides and zero-width characters — refused or shown escaped and isolated, never executed,
 * and the server keeps serving.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCaseworker } from '../helpers/admin-cli.ts';
import { newReference } from '../../bot/referral/reference.ts';
import { gzipSync } from 'node:zlib';
import { exampleHousehold } from '../../server/api-example.ts';
import ugApi from '../../locales/ug/api.json' with { type: 'json' };
import kkApi from '../../locales/kk/api.json' with { type: 'json' };
import ugWeb from '../../locales/ug/web.json' with { type: 'json' };
import { PageClient, textOf } from '../helpers/browser-session.ts';
import { residentWithResults, sendReferral } from '../helpers/resident-referral.ts';
import { signIn } from '../helpers/staff-sign-in.ts';
import { type Started, startServer } from '../helpers/start-server.ts';

let server: Started;
let dataDir: string;
let staff: PageClient;
let hostile2Password = '';
let hostile3Password = '';

const json = (path: string, body: string) =>
  fetch(server.base + path, { method: 'POST', body, headers: { 'content-type': 'application/json' } });

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'hostile-'));
  const password = addCaseworker(dataDir, 'hostile1');
  hostile2Password = addCaseworker(dataDir, 'hostile2', 'tekes_town');
  hostile3Password = addCaseworker(dataDir, 'hostile3');
  server = await startServer('server/main.ts', {
    PORT: '0',
    DATA_DIR: dataDir,
    RATE_LIMIT_PER_MINUTE: '10000',
    NEW_CONVERSATIONS_PER_HOUR: '1000000',
    LOGINS_PER_MINUTE: '1000',
  });
  staff = await signIn(server.base, 'hostile1', password);
}, 60_000); // a loaded machine can take more than the default 10 s to start a server
afterAll(async () => {
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/**
 * A request with the path exactly as written: fetch would tidy "/staff/./x" and "\\" away, a
 * hand-made client or a lenient proxy does not.
 */
function raw(
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: Buffer | string } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  const url = new URL(server.base);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, path, method: options.method ?? 'GET', headers: options.headers },
      (res) => {
        let text = '';
        res.on('data', (c) => {
          text += c;
        });
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

const alive = async () => expect((await fetch(`${server.base}/healthz`)).status).toBe(200);

describe('hostile bodies on the API', () => {
  it('refuses oversized, malformed, mistyped, huge, deep and polluting bodies, and keeps serving', async () => {
    expect((await json('/api/v1/screen', `{"x":"${'a'.repeat(200_000)}"}`)).status).toBe(413);
    expect((await json('/api/v1/screen', '{"jurisdiction": tekes')).status).toBe(400);
    expect((await json('/api/v1/screen', JSON.stringify({ jurisdiction: 42, members: 'many' }))).status).toBe(
      400,
    );
    // More households than one request may screen: refused as too large, before any is screened.
    expect(
      (await json('/api/v1/screen', JSON.stringify(Array.from({ length: 5000 }, () => ({}))))).status,
    ).toBe(413);
    const deep = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
    expect([400, 413]).toContain((await json('/api/v1/screen', deep)).status);
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      const res = await json('/api/v1/screen', `{"${key}":{"polluted":true},"jurisdiction":"tekes"}`);
      expect(res.status).toBe(400);
    }
    const conversation = await json(
      '/api/v1/conversations',
      JSON.stringify({ text: { __proto__: { a: 1 } } }),
    );
    expect(conversation.status).toBe(400);
    await alive();
    // Nothing leaked into the process: a later, clean request still behaves.
    const ok = await json('/api/v1/screen', JSON.stringify(exampleHousehold));
    expect(ok.status).toBe(200);
  });

  it("answers a body that does not decompress with 400 in the caller's language, never 500", async () => {
    const garbage = Buffer.from('this is not compressed at all');
    for (const encoding of ['gzip', 'deflate', 'br']) {
      for (const [lang, api] of [
        ['ug', ugApi],
        ['kk', kkApi],
      ] as const) {
        const res = await raw(`/api/v1/screen?lang=${lang}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-encoding': encoding },
          body: garbage,
        });
        expect(res.status, `${encoding} ${lang}`).toBe(400);
        expect(JSON.parse(res.text).error).toEqual({
          code: 'malformed_body',
          message: api.errors.malformed_body,
        });
      }
      // Accept-Language alone picks the language too.
      const byHeader = await raw('/api/v1/screen', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-encoding': encoding,
          'accept-language': 'kk',
        },
        body: garbage,
      });
      expect(JSON.parse(byHeader.text).error.message).toBe(kkApi.errors.malformed_body);
      // A form page: an error page in the page's language.
      const form = await raw('/ug/form', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-encoding': encoding },
        body: garbage,
      });
      expect(form.status, `form ${encoding}`).toBe(400);
      expect(form.text).toContain('<html lang="ug-Arab-CN" dir="rtl">');
      expect(textOf(form.text)).toContain(ugWeb.error_page.malformed_body);
    }
    // An encoding nobody supports: 415, said as such.
    for (const path of ['/api/v1/screen?lang=ug', '/ug/form']) {
      const res = await raw(path, {
        method: 'POST',
        headers: {
          'content-type': path.startsWith('/api') ? 'application/json' : 'application/x-www-form-urlencoded',
          'content-encoding': 'x-unheard-of',
        },
        body: garbage,
      });
      expect(res.status, path).toBe(415);
      if (path.startsWith('/api'))
        expect(JSON.parse(res.text).error.message).toBe(ugApi.errors.unsupported_encoding);
    }
    // A well-formed gzip body is still read.
    const zipped = await raw('/api/v1/screen', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: gzipSync(JSON.stringify(exampleHousehold)),
    });
    expect(zipped.status).toBe(200);
    expect(server.output()).not.toContain('"request failed"');
    await alive();
  });

  it('finds no file outside its folders, whatever the path says', async () => {
    for (const path of [
      '/static/..%2f..%2fpackage.json',
      '/static/..%2F..%2Fdata%2Freferrals-0.json',
      '/poster/..%2f..%2fetc/passwd',
      '/api/v1/jurisdictions/..%2f..%2fpackage',
      '/zh/referral/..%2f..%2fcookie-keys',
      '/staff/referrals/..%2f..%2faudit.jsonl',
    ]) {
      const res = await fetch(server.base + path, { redirect: 'manual' });
      expect([302, 404], path).toContain(res.status);
      expect(await res.text()).not.toMatch(/"dependencies"|root:x:|"records"/);
    }
    await alive();
  });

  it('does not find a conversation by guessing its id', async () => {
    const res = await json(
      '/api/v1/conversations/00000000-0000-4000-8000-000000000000/messages',
      JSON.stringify({ text: '1' }),
    );
    expect(res.status).toBe(404);
  });

  it('gives out random ids, and a near guess of a real one finds nothing', async () => {
    const v4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    const opened = await Promise.all(
      [1, 2, 3].map(
        async () =>
          ((await (await json('/api/v1/conversations', '{"text":"你好"}')).json()) as { id: string }).id,
      ),
    );
    expect(opened.every((id) => v4.test(id))).toBe(true); // 122 random bits each
    expect(new Set(opened).size).toBe(3);
    const nearby = (id: string) => id.slice(0, -1) + (id.endsWith('0') ? '1' : '0');
    for (const id of opened) {
      const res = await json(`/api/v1/conversations/${nearby(id)}/messages`, '{"text":"1"}');
      expect(res.status).toBe(404);
    }
    // A resident's referral page: one character off shows only "expired", none of their answers.
    const resident = (await residentWithResults(server.base, 11))!;
    const page = new PageClient(server.base);
    const res = await page.get(nearby(resident.link));
    expect(res.status).toBe(404);
    expect(page.last).not.toContain('name="consent"');
    // Reference numbers: 40 random bits from crypto, no order to walk, every symbol used everywhere.
    const drawn = Array.from({ length: 4000 }, () => newReference('tekes').slice(3));
    expect(new Set(drawn).size).toBe(drawn.length);
    for (let position = 0; position < 8; position++)
      expect(new Set(drawn.map((r) => r[position])).size, `position ${position}`).toBe(32);
    const sharedPrefix = drawn.slice(1).filter((r, i) => r.slice(0, 4) === drawn[i]!.slice(0, 4));
    expect(sharedPrefix.length).toBeLessThan(5); // consecutive numbers are unrelated (expected ≈ 0.004)
  });
});

describe('script, template and bidi tricks in what residents and staff type', () => {
  // Villages are kept to 60 characters, so the tricks come first.
  const village = '{{7*7}}\u202E<script>alert(1)</script>"><img src=x onerror=alert(2)>\u200B村';
  let reference = '';

  beforeAll(async () => {
    const resident = (await residentWithResults(server.base, 1))!;
    reference = (await sendReferral({ ...resident, name: '阿依古丽', phone: '13912340000' }, { village }))!;
    await staff.get(`/staff/referrals/${reference}`);
    await staff.post(`/staff/referrals/${reference}/note`, {
      note: '<script>alert(3)</script>{{ 7*7 }}\u202Egnp.exe',
    });
  });

  const safe = (html: string) => {
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('\u202E');
    expect(html).not.toContain('\u200B');
    // Template syntax typed by a person stays text, never evaluated.
    expect(textOf(html)).toContain('{{7*7}}');
  };

  it('is shown escaped on the inbox, the referral page and the printout', async () => {
    for (const path of ['/staff', `/staff/referrals/${reference}`, `/staff/referrals/${reference}/print`]) {
      await staff.get(path);
      safe(staff.last);
      expect(staff.last).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    }
    await staff.get(`/staff/referrals/${reference}`);
    expect(staff.last).toContain('&lt;script&gt;alert(3)&lt;/script&gt;{{ 7*7 }}');
    expect(textOf(staff.last)).toContain('{{7*7}}');
  });

  it('keeps = + - @ at the start of a cell as text in the CSV and XLSX ledgers', async () => {
    const formulas = ['=HYPERLINK("http://x.example","点")', '+1+1', '-2+3', '@SUM(A1:A9)'];
    for (const [i, village] of formulas.entries()) {
      const resident = (await residentWithResults(server.base, 100 + i))!;
      expect(await sendReferral(resident, { village })).toMatch(/^TE-/);
    }
    const csv = await (await staff.get('/staff/export.csv')).text();
    for (const f of formulas) expect(csv).toContain(`'${f.replaceAll('"', '""')}`);
    const res = await fetch(`${server.base}/staff/export.xlsx`, {
      headers: { cookie: staff.cookieHeader() },
    });
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(await res.arrayBuffer());
    const cells: unknown[] = [];
    book.worksheets[0]!.eachRow((row) => row.eachCell((cell) => cells.push(cell.value)));
    for (const f of formulas) expect(cells).toContain(`'${f}`);
    // No cell is a formula, and none starts with a formula character.
    expect(cells.filter((v) => typeof v === 'object' && v !== null && 'formula' in v)).toEqual([]);
    expect(cells.filter((v) => typeof v === 'string' && /^[=+\-@]/.test(v))).toEqual([]);
  });

  it('stays text in the CSV export', async () => {
    const csv = await (await staff.get('/staff/export.csv')).text();
    expect(csv).toContain('<script>alert(1)</script>');
    expect(csv).not.toContain('\u202E');
  });
});

describe('staff routes under attack', () => {
  /** Every staff route, read from the route files, so a route added later is attacked too. */
  const staffRoutes = () =>
    readdirSync('server/staff/routes')
      .flatMap((f) => [
        ...readFileSync(join('server/staff/routes', f), 'utf8').matchAll(/router\.(get|post)\('([^']+)'/g),
      ])
      .map((m) => ({ method: m[1]!.toUpperCase(), path: `/staff${m[2] === '/' ? '' : m[2]}` }))
      // Signing in, and choosing the language of the sign-in page, need no session.
      .filter((r) => !['/staff/login', '/staff/lang'].includes(r.path));

  let reference = '';
  beforeAll(async () => {
    reference = [...(await (await staff.get('/staff/export.csv')).text()).matchAll(/TE-[0-9A-Z]{8}/g)][0]![0];
  });
  const concrete = (path: string) =>
    path
      .replace(':ref', reference)
      .replace(':action', path.includes('users') ? 'disable' : 'status')
      .replace(':format', 'csv');
  const statusNow = async () => {
    await staff.get(`/staff/referrals/${reference}`);
    return /data-status="([a-z_]+)"/.exec(staff.last)?.[1];
  };

  it('refuse every route without a session, with a forged one, and with a stale one', async () => {
    const routes = staffRoutes();
    expect(routes.length).toBeGreaterThanOrEqual(20);
    // A real session, then logged out: its cookie is stale.
    const leaver = await signIn(server.base, 'hostile3', hostile3Password);
    const stale = leaver.cookieHeader();
    await leaver.get('/staff');
    await leaver.post('/staff/logout', {});
    const cookies = { none: '', forged: 'staff=AAAA; staff.sig=BBBB', stale };
    for (const { method, path } of routes) {
      for (const [kind, cookie] of Object.entries(cookies)) {
        const res = await fetch(server.base + concrete(path), {
          method,
          redirect: 'manual',
          headers: {
            ...(cookie ? { cookie } : {}),
            ...(method === 'POST'
              ? { 'content-type': 'application/x-www-form-urlencoded', origin: server.base }
              : {}),
          },
          ...(method === 'POST' ? { body: 'to=contacted&note=x' } : {}),
        });
        const body = await res.text();
        expect([302, 403], `${kind} ${method} ${path}`).toContain(res.status);
        if (res.status === 302)
          expect(res.headers.get('location'), `${kind} ${path}`).toMatch(/^\/staff\/login/);
        expect(body, `${kind} ${path}`).not.toContain(reference);
      }
    }
    expect(await statusNow()).toBe('new');
  });

  /** Ways of spelling a staff path that a case-insensitive router or a lenient proxy may accept. */
  const spellings: Record<string, (path: string) => string> = {
    upper: (p) => p.toUpperCase(),
    capitalised: (p) => p.replace('/staff', '/Staff'),
    'upper prefix': (p) => p.replace('/staff', '/STAFF'),
    'percent-encoded': (p) => p.replace('/staff', '/%73taff'),
    'percent-encoded upper': (p) => p.replace('/staff', '/%53%54AFF'),
    'encoded slash': (p) => p.replace('/staff/', '/staff%2f'),
    'double slash before': (p) => `/${p}`,
    'double slash inside': (p) => p.replace('/staff', '/staff/'),
    'trailing slash': (p) => `${p}/`,
    'dot segment': (p) => p.replace('/staff', '/staff/.'),
    'dot-dot segment': (p) => p.replace('/staff', '/x/../staff'),
    backslash: (p) => p.replace('/staff/', '/staff\\'),
  };

  it('refuse every spelling of every route alike without a session: a real reference and an unknown one look the same', async () => {
    const unknown = reference.slice(0, 3) + [...reference.slice(3)].reverse().join('');
    expect(unknown).not.toBe(reference);
    for (const { method, path } of staffRoutes()) {
      for (const [name, spell] of Object.entries(spellings)) {
        const answers = [];
        for (const ref of [reference, unknown]) {
          const res = await raw(
            spell(path.replace(':ref', ref).replace(':action', 'status').replace(':format', 'csv')),
            {
              method,
              headers:
                method === 'POST'
                  ? { 'content-type': 'application/x-www-form-urlencoded', origin: server.base }
                  : {},
              ...(method === 'POST' ? { body: 'to=contacted&note=x' } : {}),
            },
          );
          expect(res.status, `${name} ${method} ${path}`).not.toBe(500);
          expect(textOf(res.text), `${name} ${path}`).not.toMatch(/居民|阿依古丽|139/);
          answers.push(`${res.status} ${res.headers.location ?? ''}`);
        }
        expect(answers[0], `${name} ${method} ${path}`).toBe(answers[1]);
        // The same answer as any bad path under /staff: the login page.
        expect(answers[0], `${name} ${method} ${path}`).toMatch(/^302 \/staff\/login/);
      }
    }
    expect(await statusNow()).toBe('new');
  });

  it('with a session, serve only the exact spelling: any other is not found, never a 500', async () => {
    const cookie = staff.cookieHeader();
    for (const [name, spell] of Object.entries(spellings)) {
      if (name === 'trailing slash') continue; // the same page, as routers have always allowed
      for (const path of [`/staff/referrals/${reference}`, `/staff/referrals/${reference}/print`, '/staff']) {
        // A spelling that leaves the path as it is (or adds only a final slash) is the page itself.
        if (spell(path).replace(/\/$/, '') === path) continue;
        const res = await raw(spell(path), { headers: { cookie } });
        expect([302, 404], `${name} ${path}`).toContain(res.status);
        expect(textOf(res.text), `${name} ${path}`).not.toMatch(/居民|阿依古丽|139/);
      }
      await staff.get(`/staff/referrals/${reference}`);
      const change = await raw(spell(`/staff/referrals/${reference}/status`), {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', origin: server.base },
        body: new URLSearchParams({ to: 'contacted', _csrf: staff.token() }).toString(),
      });
      expect([302, 404], `${name} status change`).toContain(change.status);
      expect(await statusNow(), name).toBe('new');
    }
    expect(server.output()).not.toContain('"request failed"');
  });

  it("refuse another township's caseworker on every referral route", async () => {
    const other = await signIn(server.base, 'hostile2', hostile2Password); // tekes_town, not karadala
    for (const path of ['/staff/referrals/:ref', '/staff/referrals/:ref/print']) {
      const res = await other.get(concrete(path));
      expect(res.status, path).toBe(404);
      // Every resident in this file is named 居民… or 阿依古丽, with a phone starting 139.
      expect(textOf(other.last)).not.toMatch(/居民|阿依古丽|139/);
    }
    await other.get('/staff');
    for (const action of ['status', 'note', 'assign', 'outcome']) {
      const res = await other.post(`/staff/referrals/${reference}/${action}`, { to: 'contacted', note: 'x' });
      expect(res.status, action).toBe(404);
    }
    expect(await (await other.get('/staff/export.csv')).text()).not.toContain(reference);
    expect(await statusNow()).toBe('new');
  });

  it('refuse a status change without the form token', async () => {
    await staff.get(`/staff/referrals/${reference}`);
    const noToken = await staff.post(`/staff/referrals/${reference}/status`, { to: 'contacted' }, false);
    expect(noToken.status).toBe(403);
    expect(await statusNow()).toBe('new');
  });
});
