/**
 * Behind the TLS reverse proxy the README recommends (TRUST_PROXY), against really started
 * servers: each client named by the proxy gets its own rate-limit budget, cookies carry Secure
 * and HSTS is sent when the proxy says https, and a post's Origin must match scheme and host.
 * From a peer that is not the proxy (a second local address, 127.0.0.2) or with TRUST_PROXY
 * unset, X-Forwarded-For and X-Forwarded-Proto change nothing. API answers are never cached.
 */
import { request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Started, startServer } from '../helpers/start-server.ts';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  cookies: string[];
}

/** One request from a chosen local address (to the server, a different peer), headers as given. */
function call(
  base: string,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string; from?: string } = {},
): Promise<Answer> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path,
        method: options.method ?? 'GET',
        headers: options.headers,
        localAddress: options.from ?? '127.0.0.1',
        agent: false,
      },
      (res) => {
        let text = '';
        res.on('data', (c) => {
          text += c;
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode!,
            headers: res.headers,
            text,
            cookies: res.headers['set-cookie'] ?? [],
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

const perMinute = 4;
const dirs: string[] = [];
const start = (env: Record<string, string>) => {
  const dir = mkdtempSync(join(tmpdir(), 'proxy-'));
  dirs.push(dir);
  return startServer('server/main.ts', {
    PORT: '0',
    DATA_DIR: dir,
    RATE_LIMIT_PER_MINUTE: String(perMinute),
    LOGINS_PER_MINUTE: '2',
    ...env,
  });
};
let behindProxy: Started;
let direct: Started;
beforeAll(async () => {
  [behindProxy, direct] = await Promise.all([start({ TRUST_PROXY: '127.0.0.1,::1' }), start({})]);
}, 120_000);
afterAll(async () => {
  await Promise.all([behindProxy?.stop(), direct?.stop()]);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** API statuses of n requests, each with these X-Forwarded-For values in turn. */
async function apiStatuses(server: Started, forwardedFor: string[], from?: string) {
  const statuses: number[] = [];
  for (const xff of forwardedFor)
    statuses.push(
      (await call(server.base, '/api/v1/jurisdictions', { headers: { 'x-forwarded-for': xff }, from }))
        .status,
    );
  return statuses;
}

const secure = (cookies: string[]) => cookies.map((c) => /;\s*secure(?:;|$)/i.test(c));
const hsts = (a: Answer) => a.headers['strict-transport-security'];

/** The login page's CSRF cookies and token, then a login post with this Origin. */
async function loginWith(
  server: Started,
  origin: string,
  headers: Record<string, string>,
  password = 'x',
  from = '127.0.0.1',
) {
  const page = await call(server.base, '/staff/login', { headers, from });
  const cookie = page.cookies.map((c) => c.split(';')[0]).join('; ');
  const token = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
  return call(server.base, '/staff/login', {
    method: 'POST',
    headers: { ...headers, cookie, origin, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username: 'admin', password, _csrf: token }).toString(),
    from,
  });
}

describe('TRUST_PROXY=127.0.0.1: requests the proxy forwards', () => {
  it('give each client named in X-Forwarded-For its own budget, by the right-most address', async () => {
    const one = Array.from({ length: perMinute + 1 }, () => '10.0.0.1');
    expect(await apiStatuses(behindProxy, one)).toEqual([...Array(perMinute).fill(200), 429]);
    // Another client behind the same proxy is untouched by the first one's flood.
    expect(await apiStatuses(behindProxy, ['10.0.0.2'])).toEqual([200]);
    // A client writing its own X-Forwarded-For: the proxy appends the real address on the right.
    expect(await apiStatuses(behindProxy, ['10.0.0.9, 10.0.0.1', '10.0.0.1, 127.0.0.1'])).toEqual([429, 429]);
  });

  it('give each client its own login budget too', async () => {
    const login = (xff: string) =>
      call(behindProxy.base, '/staff/login', {
        method: 'POST',
        headers: { 'x-forwarded-for': xff, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'username=a&password=b',
      });
    const first = [];
    for (let i = 0; i < 3; i++) first.push((await login('10.0.1.1')).status);
    expect(first[2]).toBe(429);
    expect((await login('10.0.1.2')).status).not.toBe(429);
  });

  it('set Secure on every cookie and send HSTS when the proxy says https, not otherwise', async () => {
    const https = await call(behindProxy.base, '/zh/form', {
      headers: { 'x-forwarded-for': '10.0.0.3', 'x-forwarded-proto': 'https' },
    });
    expect(https.cookies.length).toBeGreaterThan(0);
    expect(secure(https.cookies).every(Boolean)).toBe(true);
    expect(hsts(https)).toMatch(/max-age=\d+/);
    const http = await call(behindProxy.base, '/zh/form', { headers: { 'x-forwarded-for': '10.0.0.3' } });
    expect(secure(http.cookies).some(Boolean)).toBe(false);
    expect(hsts(http)).toBeUndefined();
  });

  it("accepts a staff login posted from the site's https origin only, and its session cookie is Secure", async () => {
    const https = { 'x-forwarded-for': '10.0.2.1', 'x-forwarded-proto': 'https' };
    const host = new URL(behindProxy.base).host;
    // Same host, other scheme: the CSRF origin check refuses it before any password is checked.
    expect((await loginWith(behindProxy, `http://${host}`, https)).status).toBe(403);
    const password = /One-time password: (\S+)/.exec(behindProxy.output())![1]!;
    const ok = await loginWith(
      behindProxy,
      `https://${host}`,
      { ...https, 'x-forwarded-for': '10.0.2.2' },
      password,
    );
    expect(ok.status).toBe(302);
    const staff = ok.cookies.filter((c) => c.startsWith('staff'));
    expect(staff.length).toBeGreaterThan(0);
    expect(secure(staff).every(Boolean)).toBe(true);
  });
});

describe('X-Forwarded-* from anyone else', () => {
  it('are ignored from a peer that is not the proxy: one budget, plain http', async () => {
    const spoofed = Array.from({ length: perMinute + 1 }, (_, i) => `10.0.3.${i + 1}`);
    expect(await apiStatuses(behindProxy, spoofed, '127.0.0.2')).toEqual([
      ...Array(perMinute).fill(200),
      429,
    ]);
    const page = await call(behindProxy.base, '/zh/form', {
      headers: { 'x-forwarded-proto': 'https', 'x-forwarded-for': '10.0.3.99' },
      from: '127.0.0.2',
    });
    expect(secure(page.cookies).some(Boolean)).toBe(false);
    expect(hsts(page)).toBeUndefined();
  });

  it('are ignored without TRUST_PROXY, and an https Origin is not this plain-http site', async () => {
    const spoofed = Array.from({ length: perMinute + 1 }, (_, i) => `10.0.4.${i + 1}`);
    expect(await apiStatuses(direct, spoofed)).toEqual([...Array(perMinute).fill(200), 429]);
    const page = await call(direct.base, '/zh/form', {
      headers: { 'x-forwarded-proto': 'https' },
      from: '127.0.0.3',
    });
    expect(secure(page.cookies).some(Boolean)).toBe(false);
    expect(hsts(page)).toBeUndefined();
    const host = new URL(direct.base).host;
    const other = { 'x-forwarded-proto': 'https' };
    expect((await loginWith(direct, `https://${host}`, other, 'x', '127.0.0.5')).status).toBe(403);
    // The same post from the site's own origin reaches the password check (401: wrong password).
    expect((await loginWith(direct, `http://${host}`, other, 'x', '127.0.0.5')).status).toBe(401);
  });
});

describe('API answers', () => {
  it('are never stored by a cache, whatever their status', async () => {
    for (const [path, method] of [
      ['/api/v1/jurisdictions', 'GET'],
      ['/api/v1/nothing-here', 'GET'],
      ['/api/v1/screen', 'POST'],
    ] as const) {
      const res = await call(direct.base, path, {
        method,
        from: '127.0.0.4',
        headers: { 'content-type': 'application/json' },
        body: method === 'POST' ? '{}' : undefined,
      });
      expect(res.headers['cache-control'], `${method} ${path} ${res.status}`).toBe('no-store');
    }
  });
});
