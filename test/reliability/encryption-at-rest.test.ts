/**
 * Personal data encrypted at rest (PIPL Art. 51), against the really started server: a resident's
 * referral (name, phone, ID number, village, answers) and call-back, and a caseworker's note,
 * appear nowhere in clear under DATA_DIR — not as UTF-8, not as JSON \uXXXX escapes — after a
 * SIGTERM flush. The server restarted on the same data shows them; staff find the case by the
 * whole phone or ID number (keyed hash index); a key rotation re-encrypts everything and the
 * old key can be retired; a missing, wrong or altered key stops start-up with a clear message.
 */
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { valuesPerKey } from '../../bot/store/data-keys.ts';
import { addCaseworker } from '../helpers/admin-cli.ts';
import { PageClient, textOf } from '../helpers/browser-session.ts';
import { residentWithResults, sendReferral } from '../helpers/resident-referral.ts';
import { signIn } from '../helpers/staff-sign-in.ts';
import { type Started, startServer } from '../helpers/start-server.ts';
import { storedReferrals } from '../helpers/stored-referrals.ts';

/** A valid 18-character ID number (GB 11643 check character) from 17 digits. */
const withCheck = (d17: string) => {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  return d17 + '10X98765432'[w.reduce((a, x, i) => a + x * Number(d17[i]), 0) % 11];
};

const resident = {
  name: '阿依古丽·买买提',
  phone: '13987654321',
  idNumber: withCheck('65402319850312771'),
  village: '阔克苏村三组东头',
};
const note = '邻居王大妈说他家去年遭了冰雹';
/** What must never be on disk in clear: the values, and the answers' field names. */
const secrets = [...Object.values(resident), note, '"monthlyIncome"', '"members"'];

const dataDir = mkdtempSync(join(tmpdir(), 'encrypted-'));
const keyFile = join(dataDir, 'keys', 'data.key');
let server: Started | undefined;
let password = '';
const refs: { web?: string; chat?: string; other?: string; callback?: string } = {};

/** Every file under the data directory, recursively, as raw bytes. */
function allFiles(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[])
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile());
}
const escaped = (s: string, upper: boolean) =>
  [...s]
    .map((c) => {
      const hex = c.charCodeAt(0).toString(16).padStart(4, '0');
      return c.charCodeAt(0) > 0x7e ? `\\u${upper ? hex.toUpperCase() : hex}` : c;
    })
    .join('');
/** Each secret found in clear: "value in file". */
function inClear(): string[] {
  const found: string[] = [];
  for (const file of allFiles(dataDir)) {
    const bytes = readFileSync(file);
    for (const s of secrets)
      for (const form of new Set([s, escaped(s, false), escaped(s, true)]))
        if (bytes.includes(Buffer.from(form, 'utf8'))) found.push(`${form} in ${file}`);
  }
  return found;
}

const stopServer = async () => {
  await server?.stop();
  server = undefined;
};
const start = (env: Record<string, string> = {}) =>
  startServer('server/main.ts', { PORT: '0', DATA_DIR: dataDir, ...env });

async function staffLogin(base: string): Promise<PageClient> {
  const page = new PageClient(base);
  await page.get('/staff/login');
  await page.post('/staff/login', { username: 'enc.worker', password });
  await page.get('/staff');
  if (page.status !== 200) throw new Error(`no staff session (${page.status})`);
  return page;
}

/** The case as a caseworker sees it, and what search by whole phone and ID number finds. */
async function staffSees(base: string) {
  const me = await staffLogin(base);
  await me.get(`/staff/referrals/${refs.web}`);
  const page = textOf(me.last);
  await me.get(`/staff/referrals/${refs.callback}`);
  const callback = textOf(me.last);
  const found = async (q: string) => {
    await me.get(`/staff?q=${encodeURIComponent(q)}`);
    return Object.values(refs).filter((r) => r && me.last.includes(r));
  };
  return { page, callback, byPhone: await found(resident.phone), byId: await found(resident.idNumber) };
}

const chat = async (base: string, texts: string[]) => {
  const post = (path: string, text: string) =>
    fetch(`${base}/api/v1/conversations${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text }),
    }).then((r) => r.json() as Promise<{ id: string; replies: string[] }>);
  const first = await post('', '你好，我想问低保');
  const replies: string[] = [];
  for (const text of texts) replies.push(...(await post(`/${first.id}/messages`, text)).replies);
  return replies.join('\n');
};

beforeAll(async () => {
  password = addCaseworker(dataDir, 'enc.worker');
  server = await start();
  // On the web form: everything, the village included.
  const web = (await residentWithResults(server.base, 1))!;
  refs.web = await sendReferral(
    { ...web, name: resident.name, phone: resident.phone },
    { id_number: resident.idNumber, village: resident.village },
  );
  refs.other = await sendReferral((await residentWithResults(server.base, 2))!);
  // In the chat: a referral with the ID number, then "talk to a person" (a call-back with name and phone).
  const said = await chat(server.base, [
    ...['1', '3', '农村', '2', '45 43', '1', '1', '600', '是', '没有', '否', '没有', '没有', '1', '1'],
    ...[resident.name, resident.phone, resident.idNumber, '1', '人工'],
  ]);
  refs.chat = /转介编号：(TE-[0-9A-Z]{8})/.exec(said)?.[1];
  const me = await signIn(server.base, 'enc.worker', password);
  password = 'enc.worker new password';
  await me.get('/staff?kind=callback');
  refs.callback = /\/staff\/referrals\/(TE-[0-9A-Z]{8})/.exec(me.last)?.[1];
  await me.get(`/staff/referrals/${refs.web}`);
  await me.post(`/staff/referrals/${refs.web}/note`, { note });
  await server.stop(); // SIGTERM: everything pending is flushed
  server = undefined;
}, 120_000);

afterAll(async () => {
  await stopServer();
  rmSync(dataDir, { recursive: true, force: true });
});

const stored = (reference: string) => storedReferrals(dataDir)[reference]!;

describe('personal data at rest', () => {
  it('made a referral, a second one, a chat referral and a call-back', () => {
    expect(refs.web).toMatch(/^TE-/);
    expect(refs.other).toMatch(/^TE-/);
    expect(refs.chat).toMatch(/^TE-/);
    expect(refs.callback).toMatch(/^TE-/);
    // Decrypted with the key, the records hold what was sent (the test is not vacuous).
    const stored = storedReferrals(dataDir);
    expect(stored[refs.web!]).toMatchObject({ ...resident, status: 'new' });
    expect(stored[refs.callback!]).toMatchObject({
      kind: 'callback',
      name: resident.name,
      phone: resident.phone,
    });
    expect(JSON.stringify(stored[refs.web!]!.history)).toContain(note);
  });

  it('is nowhere under DATA_DIR in clear after a SIGTERM flush (UTF-8 or \\u escapes)', () => {
    expect(inClear()).toEqual([]);
    // ... while what the inbox filters on stays readable.
    const raw = allFiles(dataDir)
      .filter((f) => /referrals-\d+\.json$/.test(f))
      .map((f) => readFileSync(f, 'utf8'))
      .join('');
    expect(raw).toContain('"township":"karadala"');
    expect(raw).toContain('"status":"new"');
    expect(raw).toMatch(/"name":"enc:v1:[0-9a-f]{12}:[A-Za-z0-9+/=]+"/);
    expect(raw).toContain('"searchIndex":{"key":');
    // The double-tap fingerprint hashes name, phone and ID without a key: stored encrypted too.
    const key = stored(refs.web!).idempotencyKey;
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(raw).not.toContain(key);
    expect(raw).toMatch(/"idempotencyKey":"enc:v1:/);
  });

  it('keeps the key file to its owner (file 0600, directory 0700)', () => {
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(statSync(join(dataDir, 'keys')).mode & 0o777).toBe(0o700);
  });

  it('shows everything again after a restart, and finds the case by the whole phone or ID number', async () => {
    server = await start();
    const seen = await staffSees(server.base).finally(stopServer);
    for (const v of [resident.name, resident.phone, resident.village, note]) expect(seen.page).toContain(v);
    expect(seen.page).toContain(`${resident.idNumber.slice(0, 6)}********${resident.idNumber.slice(-4)}`);
    expect(seen.callback).toContain(resident.name);
    expect(seen.byPhone.sort()).toEqual([refs.web, refs.chat, refs.callback].sort());
    expect(seen.byId.sort()).toEqual([refs.web, refs.chat].sort());
  }, 90_000);

  it('re-encrypts everything with a new key on rotation; the old key can then be retired', async () => {
    const oldKey = readFileSync(keyFile, 'utf8');
    const before = [...valuesPerKey(dataDir).keys()];
    expect(before).toHaveLength(1);
    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', 'server/admin-cli.ts', 'keys', 'rotate', '--data', dataDir],
      { env: { ...process.env, NODE_ENV: 'production' } },
    ).toString();
    expect(out).toMatch(/records re-encrypted with data key [0-9a-f]{12}/);
    const after = valuesPerKey(dataDir);
    expect([...after.keys()]).toHaveLength(1);
    expect(after.has(before[0]!)).toBe(false); // nothing left under the old key
    expect(inClear()).toEqual([]);
    // Retire the old key: only the new first line stays.
    const lines = readFileSync(keyFile, 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'));
    expect(lines).toHaveLength(2);
    expect(oldKey).toContain(lines[1]!);
    writeFileSync(keyFile, `${lines[0]}\n`, { mode: 0o600 });
    server = await start();
    const seen = await staffSees(server.base).finally(stopServer);
    for (const v of [resident.name, resident.phone, resident.village, note]) expect(seen.page).toContain(v);
    expect(seen.byPhone.sort()).toEqual([refs.web, refs.chat, refs.callback].sort());
    expect(seen.byId.sort()).toEqual([refs.web, refs.chat].sort());
  }, 90_000);

  it.each([
    [
      'a wrong DATA_KEY',
      () => ({ DATA_KEY: Buffer.alloc(32, 7).toString('base64') }),
      /is encrypted with data key [0-9a-f]{12}, which is not configured/,
    ],
    [
      'a missing key file',
      () => {
        renameSync(keyFile, `${keyFile}.away`);
        return {};
      },
      /holds encrypted personal data, but DATA_KEY is not set and .*data\.key is missing/,
    ],
    [
      'another key in the key file',
      () => {
        writeFileSync(keyFile, `${Buffer.alloc(32, 9).toString('base64')}\n`, { mode: 0o600 });
        return {};
      },
      /which is not configured/,
    ],
  ])(
    'refuses to start with %s, saying why, and leaves the data as it was',
    async (_what, arrange, reason) => {
      const good = readFileSync(keyFile, 'utf8');
      const files = Object.fromEntries(
        allFiles(dataDir)
          .filter((f) => f.endsWith('.json'))
          .map((f) => [f, readFileSync(f, 'utf8')]),
      );
      const env = arrange();
      const refused = await start(env).catch((e: Error) => e);
      expect(refused).toBeInstanceOf(Error);
      const message = String(refused);
      expect(message).toMatch(reason);
      expect(message).toContain('will not start without the right data key');
      expect(message).not.toContain(resident.phone);
      for (const [f, content] of Object.entries(files)) expect(readFileSync(f, 'utf8')).toBe(content);
      expect(existsSync(join(dataDir, '.lock'))).toBe(false);
      if (existsSync(`${keyFile}.away`)) renameSync(`${keyFile}.away`, keyFile);
      writeFileSync(keyFile, good, { mode: 0o600 });
    },
    90_000,
  );

  it('refuses a value altered on disk (GCM authentication), naming the file', async () => {
    const shard = allFiles(dataDir).find(
      (f) => readFileSync(f, 'utf8').includes(`"${refs.web}"`) && /referrals-/.test(f),
    )!;
    const good = readFileSync(shard, 'utf8');
    const at = good.indexOf('"name":"enc:v1:') + 40;
    writeFileSync(shard, good.slice(0, at) + (good[at] === 'A' ? 'B' : 'A') + good.slice(at + 1));
    const refused = await start().catch((e: Error) => e);
    expect(String(refused)).toContain(shard);
    expect(String(refused)).toMatch(/does not decrypt with data key/);
    writeFileSync(shard, good);
    server = await start();
    const ready = await fetch(`${server.base}/readyz`).finally(stopServer);
    expect(ready.status).toBe(200);
  }, 90_000);
});
