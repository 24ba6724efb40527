/**
 * A disk that fills up under a running server (issue 8): a store write fails with ENOSPC halfway
 * through (faults/disk-full.mjs, loaded into the really started server). The resident is told
 * clearly, in their language, that nothing was sent and that what they typed is still there;
 * nothing stored before is lost; the server keeps serving; /readyz says "degraded" and why; and
 * once space is free the same tap sends the referral, once. A SIGKILL while the disk is full
 * leaves files that parse and a server that starts on them.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PageClient, textOf } from '../helpers/browser-session.ts';
import { residentWithResults, sendReferral } from '../helpers/resident-referral.ts';
import { type Started, startServer } from '../helpers/start-server.ts';
import { storedReferrals } from '../helpers/stored-referrals.ts';
import { coupleZh } from '../helpers/transcripts.ts';
import zhChat from '../../locales/zh/chat.json' with { type: 'json' };
import zhWeb from '../../locales/zh/web.json' with { type: 'json' };

const work = mkdtempSync(join(tmpdir(), 'disk-full-'));
const dataDir = join(work, 'data');
const diskFull = join(work, 'disk-is-full'); // exists = the disk is full
afterAll(() => rmSync(work, { recursive: true, force: true }));

const start = () =>
  startServer('server/main.ts', {
    PORT: '0',
    DATA_DIR: dataDir,
    RATE_LIMIT_PER_MINUTE: '100000',
    NEW_CONVERSATIONS_PER_HOUR: '1000000',
    FAULT_DISK_FULL: diskFull,
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${resolve('test/reliability/faults/disk-full.mjs')}`,
  });
const fillDisk = () => writeFileSync(diskFull, '');
const freeDisk = () => rmSync(diskFull, { force: true });

async function readyz(server: Started) {
  const res = await fetch(`${server.base}/readyz`);
  return {
    status: res.status,
    body: (await res.json()) as { status: string; store: { lastError?: string } },
  };
}

/** A chat over the JSON API, up to the question "send this referral?" (not yet answered). */
async function chatToConfirmation(base: string) {
  const send = async (path: string, text: string) => {
    const res = await fetch(base + path, {
      method: 'POST',
      body: JSON.stringify({ text }),
      headers: { 'content-type': 'application/json' },
    });
    return {
      status: res.status,
      body: (await res.json()) as { id: string; replies: string[]; phase: string },
    };
  };
  const first = await send('/api/v1/conversations', coupleZh[0]!);
  const id = first.body.id;
  let last = first;
  for (const text of [...coupleZh.slice(1), '1', '1', '古丽', '13912340000', '跳过'])
    last = await send(`/api/v1/conversations/${id}/messages`, text);
  expect(last.body.phase).toBe('referral_confirm');
  return { id, answer: (text: string) => send(`/api/v1/conversations/${id}/messages`, text) };
}

describe('the disk fills up while residents submit referrals', () => {
  it('fails the write clearly, keeps everything stored, keeps serving, and recovers', async () => {
    const server = await start();
    try {
      const a = (await residentWithResults(server.base, 1))!;
      const referenceA = (await sendReferral(a))!;
      expect(referenceA).toMatch(/^TE-/);
      const b = (await residentWithResults(server.base, 2))!;
      const chat = await chatToConfirmation(server.base);

      fillDisk();
      // The web form: 503, a clear message, and the form still filled in.
      expect(await sendReferral(b)).toBeUndefined();
      expect(b.page.status).toBe(503);
      expect(textOf(b.page.last)).toContain(zhWeb.referral.not_saved);
      expect(b.page.last).toContain(`value="${b.name}"`);
      expect(b.page.last).toContain(`value="${b.phone}"`);
      // The chat: told it was not saved, and still at the same question with every answer kept.
      const refused = await chat.answer('1');
      expect(refused.status).toBe(200);
      expect(refused.body.replies.join('\n')).toContain(zhChat.hints.not_saved);
      expect(refused.body.phase).toBe('referral_confirm');
      // The operator sees why; the process is alive and serves what it has.
      const degraded = await readyz(server);
      expect(degraded.status).toBe(503);
      expect(degraded.body.status).toBe('degraded');
      expect(degraded.body.store.lastError).toContain('ENOSPC');
      expect((await fetch(`${server.base}/healthz`)).status).toBe(200);
      expect((await fetch(`${server.base}/zh`)).status).toBe(200);
      const c = await residentWithResults(server.base, 3); // a new resident still gets results
      expect(c).toBeDefined();
      const status = new PageClient(server.base);
      await status.get('/zh/status');
      await status.post('/zh/status', { reference: referenceA, digits: a.phone.slice(-4) });
      expect(status.status).toBe(200);
      expect(textOf(status.last)).toContain(referenceA);
      // A deletion that cannot be written is not reported as done, and A's data stays.
      await status.post('/zh/status/delete', {
        reference: referenceA,
        digits: a.phone.slice(-4),
        phone: a.phone,
        confirm: 'yes',
      });
      expect(status.status).toBe(503);
      expect(textOf(status.last)).toContain(zhWeb.error_page.storage_unavailable);
      // Nothing stored before was lost: every file on disk parses and holds A.
      expect(storedReferrals(dataDir)[referenceA]).toMatchObject({ name: a.name, phone: a.phone });

      freeDisk();
      // The same tap now sends B, and the same word sends the chat's referral.
      const referenceB = (await sendReferral(b))!;
      expect(referenceB).toMatch(/^TE-/);
      const sent = await chat.answer('1');
      expect(sent.body.phase).toBe('done');
      expect((await readyz(server)).status).toBe(200);
      await server.stop();
      expect(server.child.exitCode).toBe(0);

      const stored = storedReferrals(dataDir);
      expect(stored[referenceA]).toMatchObject({ name: a.name, phone: a.phone });
      expect(stored[referenceB]).toMatchObject({ name: b.name, phone: b.phone });
      // B once: the failed attempt left no trace.
      expect(Object.values(stored).filter((r) => r.phone === b.phone)).toHaveLength(1);
      expect(Object.keys(stored)).toHaveLength(3);
    } finally {
      freeDisk();
      await server.stop();
    }
  }, 120_000);

  it('survives a SIGKILL while the disk is full: files parse, the server starts, nothing is lost', async () => {
    const before = storedReferrals(dataDir);
    const server = await start();
    fillDisk();
    try {
      // Writes in flight fail halfway: a half-written temp file is left behind.
      const d = (await residentWithResults(server.base, 4))!;
      expect(await sendReferral(d)).toBeUndefined();
      expect(readdirSync(dataDir).some((f) => f.endsWith('.tmp'))).toBe(true);
      server.child.kill('SIGKILL');
      await new Promise((r) => server.child.once('exit', r));
      expect(storedReferrals(dataDir)).toEqual(before);

      // Restarted on the same (still full) disk: it reads, cleans the temp files, and serves.
      const again = await start();
      try {
        expect((await fetch(`${again.base}/healthz`)).status).toBe(200);
        expect(readdirSync(dataDir).filter((f) => /^\.referrals-\d+\.json\.tmp$/.test(f))).toEqual([]);
        const [reference, stored] = Object.entries(before)[0]!;
        const status = new PageClient(again.base);
        await status.get('/zh/status');
        await status.post('/zh/status', { reference, digits: String(stored.phone).slice(-4) });
        expect(status.status).toBe(200);
        // A resident's unfinished screening cannot be written; a SIGTERM now cannot flush it onto
        // the full disk: it says so and exits 1, with the lock released.
        expect(await residentWithResults(again.base, 5)).toBeDefined();
        await again.stop();
        expect(again.child.exitCode).toBe(1);
        expect(again.output()).toContain('stopped without writing the last changes');
        expect(existsSync(join(dataDir, '.lock'))).toBe(false);
      } finally {
        again.child.kill('SIGKILL');
      }
      expect(storedReferrals(dataDir)).toEqual(before);
      expect(existsSync(diskFull)).toBe(true);
    } finally {
      freeDisk();
    }
  }, 120_000);
});
