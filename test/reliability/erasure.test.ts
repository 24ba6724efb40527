/**
 * A resident's deletion request against a really started server (PIPL Art. 47), and who may
 * make it. After "delete my data" on the status page, not a byte of the person's name, phone,
 * ID number or village is left in any file of the data directory (conversations, referrals,
 * notice queues, anything), and the township webhook that was failing gets no further retry
 * carrying the village. Guessing a reference's four digits from many addresses is stopped per
 * reference (the caseworker sees a note), deletion needs the whole phone number, and a
 * conversation id alone cannot withdraw a referral over the JSON API.
 */
import { once } from 'node:events';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PageClient, textOf } from '../helpers/browser-session.ts';
import { PageFromAddress } from '../helpers/page-from-address.ts';
import { coupleReferral } from '../helpers/resident-referral.ts';
import { signInAdmin } from '../helpers/staff-sign-in.ts';
import { type Started, startServer } from '../helpers/start-server.ts';
import { coupleZh } from '../helpers/transcripts.ts';
import zhChat from '../../locales/zh/chat.json' with { type: 'json' };
import zhStaff from '../../locales/zh/staff.json' with { type: 'json' };
import zhWeb from '../../locales/zh/web.json' with { type: 'json' };

const dataDir = mkdtempSync(join(tmpdir(), 'erasure-'));
let server: Started;
let admin: PageClient;
/** What the failing township webhook received, and when. */
const hooks: { at: number; body: string }[] = [];
const receiver = createServer((req, res) => {
  let body = '';
  req.on('data', (c) => {
    body += c;
  });
  req.on('end', () => {
    hooks.push({ at: Date.now(), body });
    res.statusCode = 500; // the township's system is down: the notice stays queued, retried
    res.end();
  });
});

/** An 18-digit ID number with its check character (GB 11643), so the form accepts it. */
function idNumber(first17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * weights[i]!, 0);
  return first17 + '10X98765432'[sum % 11]!;
}

/** A resident's referral through the web form; returns its reference. */
const referral = (contact: { name: string; phone: string; id_number?: string; village?: string }) =>
  coupleReferral(server.base, contact);

/** Every file under a directory, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

beforeAll(async () => {
  receiver.listen(0, '127.0.0.1');
  await once(receiver, 'listening');
  server = await startServer('server/main.ts', {
    PORT: '0',
    DATA_DIR: dataDir,
    LOGINS_PER_MINUTE: '100',
    NOTICE_RETRY_BASE_MS: '200',
  });
  const password = /One-time password: (\S+)/.exec(server.output())![1]!;
  admin = (await signInAdmin(server.base, 'admin', password)).page;
  await admin.get('/staff/notices');
  const webhook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  await admin.post('/staff/notices', { township: 'karadala', webhook });
  expect(admin.last).toMatch(/id="secret">/);
}, 120_000);

afterAll(async () => {
  await server?.stop();
  receiver.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('status lookups are limited per reference, whatever the address', () => {
  it('after five wrong tries from five addresses even the right digits wait, and the case says so', async () => {
    const phone = '13655501234';
    const reference = await referral({ name: '猜测测试', phone });
    const tries: number[] = [];
    for (const [i, digits] of ['0000', '1111', '2222', '3333', '4444'].entries()) {
      const page = new PageFromAddress(server.base, `127.0.0.${i + 2}`);
      await page.get('/zh/status');
      await page.post('/zh/status', { reference, digits });
      tries.push(page.status);
    }
    expect(tries.slice(0, 4)).toEqual([404, 404, 404, 404]);
    const owner = new PageFromAddress(server.base, '127.0.0.9');
    await owner.get('/zh/status');
    await owner.post('/zh/status', { reference, digits: '1234' });
    expect(owner.status).toBe(429);
    expect(textOf(owner.last)).toContain(zhWeb.status.locked.replace('{{minutes}}', '15'));
    expect(owner.last).not.toContain('data-status');
    // Deletion is refused too while it waits, even with the whole phone number.
    await owner.post('/zh/status/delete', { reference, digits: '1234', confirm: 'yes', phone });
    expect(owner.status).toBe(429);
    // The caseworker's history of the case has a note, without any address or digits.
    await admin.get(`/staff/referrals/${reference}`);
    const page = textOf(admin.last);
    expect(page).toContain(zhStaff.history.lookup_locked);
    expect(page).not.toMatch(/127\.0\.0\.\d|0000|4444/);
    expect(admin.last).toContain('data-status="new"');
  });

  it('deletion needs the whole phone number, not the four digits', async () => {
    const phone = '13655505678';
    const reference = await referral({ name: '四位测试', phone });
    const page = new PageFromAddress(server.base, '127.0.0.10');
    await page.get('/zh/status');
    await page.post('/zh/status', { reference, digits: '5678' });
    expect(page.status).toBe(200);
    await page.post('/zh/status/delete', { reference, digits: '5678', confirm: 'yes' });
    expect(page.status).toBe(400);
    expect(textOf(page.last)).toContain(zhWeb.status.delete_phone_needed);
    expect(textOf(page.last)).not.toContain(zhWeb.status.deleted.split('。')[0]!);
    await page.post('/zh/status/delete', { reference, digits: '5678', confirm: 'yes', phone: '13655515678' });
    expect(page.status).toBe(403);
    expect(textOf(page.last)).toContain(zhWeb.status.delete_phone_wrong);
    await admin.get(`/staff/referrals/${reference}`);
    expect(admin.last).toContain('data-status="new"');
    expect(textOf(admin.last)).toContain('四位测试');
    await page.post('/zh/status/delete', { reference, digits: '5678', confirm: 'yes', phone });
    expect(page.status).toBe(200);
    expect(textOf(page.last)).toContain(zhWeb.status.deleted.replace('{{reference}}', reference));
    await admin.get(`/staff/referrals/${reference}`);
    expect(admin.last).toContain('data-status="withdrawn"');
  });
});

describe('a conversation id alone cannot withdraw a referral (JSON API)', () => {
  it('"delete" asks for the phone, withdraws nothing and does not say the reference', async () => {
    const send = async (path: string, text: string) => {
      const res = await fetch(server.base + path, {
        method: 'POST',
        body: JSON.stringify({ text }),
        headers: { 'content-type': 'application/json' },
      });
      return (await res.json()) as { id: string; replies: string[]; phase: string };
    };
    const first = await send('/api/v1/conversations', coupleZh[0]!);
    const path = `/api/v1/conversations/${first.id}/messages`;
    let last = first;
    for (const text of [...coupleZh.slice(1), '1', '1', '阿依努尔', '13655509999', '跳过', '1'])
      last = await send(path, text);
    const reference = /[A-Z]{2}-[0-9A-Z]{8}/.exec(last.replies.join('\n'))![0];
    // Someone else holding only the conversation id:
    const asked = await send(path, 'delete');
    expect(asked.phase).not.toBe('deleted');
    expect(asked.replies.join('\n')).not.toContain(reference);
    expect(asked.replies.join('\n')).toContain(zhChat.commands.delete_ask_phone);
    const wrong = await send(path, '13655500000');
    expect(wrong.phase).not.toBe('deleted');
    expect(wrong.replies.join('\n')).not.toContain(reference);
    await admin.get(`/staff/referrals/${reference}`);
    expect(admin.last).toContain('data-status="new"');
    expect(textOf(admin.last)).toContain('阿依努尔');
    // The resident, with the whole number, can.
    await send(path, '删除');
    const done = await send(path, '13655509999');
    expect(done.phase).toBe('deleted');
    await admin.get(`/staff/referrals/${reference}`);
    expect(admin.last).toContain('data-status="withdrawn"');
    expect(textOf(admin.last)).not.toContain('阿依努尔');
  });
});

describe('deleting my data from the status page', () => {
  it('leaves no byte of the name, phone, ID or village in the data directory, and no webhook retry', async () => {
    const person = {
      name: '帕提古丽删除',
      phone: '13655507777',
      id_number: idNumber('65402319800707777'),
      village: '库尔喀拉乌苏八队',
    };
    const reference = await referral(person);
    // The township's webhook is failing: the notice, with the village, is retried.
    await expect
      .poll(() => hooks.filter((h) => h.body.includes(person.village)).length, { timeout: 10_000 })
      .toBeGreaterThanOrEqual(2);

    const page = new PageClient(server.base);
    await page.get('/zh/status');
    await page.post('/zh/status', { reference, digits: '7777' });
    await page.post('/zh/status/delete', { reference, digits: '7777', confirm: 'yes', phone: person.phone });
    expect(textOf(page.last)).toContain(zhWeb.status.deleted.replace('{{reference}}', reference));
    // A retry already under way may still arrive; none may start after it.
    const deletedAt = Date.now() + 1_000;
    await new Promise((r) => setTimeout(r, 5_000));
    const retried = hooks.filter((h) => h.at > deletedAt && h.body.includes(person.village)).length;

    await server.stop(); // SIGTERM: everything pending is written
    const left: string[] = [];
    for (const file of filesUnder(dataDir)) {
      const bytes = readFileSync(file);
      for (const [what, value] of Object.entries(person))
        if (bytes.includes(Buffer.from(value, 'utf8'))) left.push(`${what} in ${file.slice(dataDir.length)}`);
    }
    expect({ retried, left }).toEqual({ retried: 0, left: [] });
  }, 60_000);
});
