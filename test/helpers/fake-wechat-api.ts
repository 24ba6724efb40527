/**
 * A fake of WeChat's server API on 127.0.0.1, for tests: the four calls the mini-program's
 * server side makes (stable_token, jscode2session, subscribe/send, getwxacodeunlimit), checked the
 * way WeChat checks them — the AppID and secret, a current token on every send, a known template,
 * data WeChat would accept (each value a non-empty string; thing ≤ 20 characters, phrase ≤ 5
 * Chinese characters), a poster code's scene (≤ 32 of the allowed characters), page (published,
 * when check_path is on) and width — answered with WeChat's error codes otherwise. Tests can expire the tokens or
 * make a template refused (43101), and read every call it received.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeCall {
  path: string;
  query: Record<string, string>;
  body: Record<string, unknown> | undefined;
  /** What the fake answered. */
  errcode: number;
}

export interface FakeWechatOptions {
  appid: string;
  secret: string;
  /** wx.login codes it accepts, and the openid each stands for. */
  codes: Record<string, string>;
  templates: string[];
  /** Seconds a token lasts (WeChat: 7200). */
  expiresIn?: number;
  /** The published version's pages (getwxacodeunlimit with check_path: true answers 41030 for others). */
  pages?: string[];
}

/** A 1×1 PNG: what the fake draws for every mini-program code. */
export const fakeCodePng = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
const sceneChars = /^[0-9A-Za-z!#$&'()*+,/:;=?@\-._~]{1,32}$/;

async function readBody(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  if (!chunks.length) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

const chinese = /^[\u4e00-\u9fff]{1,5}$/;

/** Set by `latinThingsOnly`: thing fields in Arabic script answer 47003 (as WeChat may). */
let latinOnly = false;
const arabicScript = /[\u0600-\u06ff]/;

function dataError(data: unknown): boolean {
  if (!data || typeof data !== 'object') return true;
  for (const [key, v] of Object.entries(data)) {
    const value = (v as { value?: unknown })?.value;
    if (typeof value !== 'string' || !value) return true;
    if (key.startsWith('thing') && [...value].length > 20) return true;
    if (key.startsWith('thing') && latinOnly && arabicScript.test(value)) return true;
    if (key.startsWith('phrase') && !chinese.test(value)) return true;
    if (key.startsWith('time') && !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/.test(value)) return true;
  }
  return false;
}

export async function startFakeWechat(o: FakeWechatOptions) {
  const calls: FakeCall[] = [];
  const valid = new Set<string>();
  const expired = new Set<string>();
  const refused = new Set<string>();
  let issued = 0;
  let down = false;

  const answer = async (req: IncomingMessage): Promise<Record<string, unknown> | Buffer> => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const query = Object.fromEntries(url.searchParams);
    const body = req.method === 'POST' ? await readBody(req) : undefined;
    const record = (errcode: number, extra: Record<string, unknown> = {}) => {
      calls.push({ path: url.pathname, query, body, errcode });
      return errcode ? { errcode, errmsg: `fake error ${errcode}` } : { errcode: 0, errmsg: 'ok', ...extra };
    };
    if (url.pathname === '/cgi-bin/stable_token' && req.method === 'POST') {
      if (body?.grant_type !== 'client_credential') return record(40002);
      if (body.appid !== o.appid || body.secret !== o.secret) return record(40125);
      // force_refresh: every earlier token stops working, as WeChat's does.
      if (body.force_refresh === true) for (const t of valid) expired.add(t);
      const token = `fake-token-${++issued}`;
      valid.add(token);
      return record(0, { access_token: token, expires_in: o.expiresIn ?? 7200 });
    }
    if (url.pathname === '/sns/jscode2session' && req.method === 'GET') {
      if (query.appid !== o.appid || query.secret !== o.secret) return record(40125);
      if (query.grant_type !== 'authorization_code') return record(40002);
      const openid = query.js_code ? o.codes[query.js_code] : undefined;
      if (!openid) return record(40029);
      // A code is good once, as WeChat's are.
      delete o.codes[query.js_code!];
      return record(0, { openid, session_key: 'fake-session-key' });
    }
    if (url.pathname === '/cgi-bin/message/subscribe/send' && req.method === 'POST') {
      const token = query.access_token ?? '';
      if (!valid.has(token)) return record(40001);
      if (expired.has(token)) return record(42001);
      const template = String(body?.template_id ?? '');
      if (!o.templates.includes(template)) return record(40037);
      if (typeof body?.touser !== 'string' || !body.touser) return record(40003);
      if (dataError(body.data)) return record(47003);
      if (refused.has(template)) return record(43101);
      return record(0, { msgid: calls.length + 1 });
    }
    if (url.pathname === '/wxa/getwxacodeunlimit' && req.method === 'POST') {
      const token = query.access_token ?? '';
      if (!valid.has(token)) return record(40001);
      if (expired.has(token)) return record(42001);
      // 40169: the scene is missing, too long or has a character WeChat does not take.
      if (typeof body?.scene !== 'string' || !sceneChars.test(body.scene)) return record(40169);
      const page = body.page;
      if (typeof page !== 'string' || page.startsWith('/') || page.includes('?')) return record(41030);
      if (body.check_path !== false && !(o.pages ?? []).includes(page)) return record(41030);
      const width = body.width ?? 430;
      const env = body.env_version ?? 'release';
      // 40097: arguments WeChat does not accept.
      if (typeof width !== 'number' || width < 280 || width > 1280) return record(40097);
      if (!['release', 'trial', 'develop'].includes(String(env))) return record(40097);
      calls.push({ path: url.pathname, query, body, errcode: 0 });
      return fakeCodePng;
    }
    return record(-1);
  };

  const server = createServer((req, res) => {
    if (down) {
      req.socket.destroy();
      return;
    }
    void answer(req).then((json) => {
      if (Buffer.isBuffer(json)) {
        res.setHeader('content-type', 'image/png');
        res.end(json);
        return;
      }
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(json));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    calls,
    /** Calls to one endpoint ("token", "session", "send", "code"). */
    callsTo(which: 'token' | 'session' | 'send' | 'code') {
      const path = {
        token: '/cgi-bin/stable_token',
        session: '/sns/jscode2session',
        send: '/cgi-bin/message/subscribe/send',
        code: '/wxa/getwxacodeunlimit',
      }[which];
      return calls.filter((c) => c.path === path);
    },
    /** Every token issued so far now answers 42001 (expired). */
    expireTokens() {
      for (const t of valid) expired.add(t);
    },
    /** Sends with this template now answer 43101 (the resident refused / is not subscribed). */
    refuse(template: string) {
      refused.add(template);
    },
    /** Thing fields in Arabic script are refused with 47003 from now on (or again accepted). */
    latinThingsOnly(value: boolean) {
      latinOnly = value;
    },
    /** Connections are dropped (WeChat unreachable) until set back. */
    setDown(value: boolean) {
      down = value;
    },
    /** The published version's pages from now on (a code for any other page answers 41030). */
    setPages(pages: string[]) {
      o.pages = pages;
    },
    addCode(code: string, openid: string) {
      o.codes[code] = openid;
    },
    async stop() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
export type FakeWechat = Awaited<ReturnType<typeof startFakeWechat>>;
