/**
 * A page load stores nothing; the first answer stores the conversation, and one address may
 * start only NEW_CONVERSATIONS_PER_HOUR of them (the chat page, the form's results and the API
 * share the budget): beyond it a translated 429 with Retry-After, and nothing stored.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import kkApi from '../../locales/kk/api.json' with { type: 'json' };
import ugWeb from '../../locales/ug/web.json' with { type: 'json' };
import { PageClient } from '../helpers/browser-session.ts';
import { type Started, startServer } from '../helpers/start-server.ts';
import { storedSessions as decryptedSessions } from '../helpers/stored-referrals.ts';

let server: Started;
const dataDir = mkdtempSync(join(tmpdir(), 'new-conversations-'));

beforeAll(async () => {
  server = await startServer('server/main.ts', {
    PORT: '0',
    DATA_DIR: dataDir,
    NEW_CONVERSATIONS_PER_HOUR: '3',
  });
}, 60_000);
afterAll(async () => {
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Sessions as they are on disk, after the coalesced write (at most a second). */
async function storedSessions(): Promise<Record<string, { answers: Record<string, unknown> }>> {
  await new Promise((r) => setTimeout(r, 1500));
  // Decrypted with the data directory's key, as the server reads them (answers are encrypted).
  return decryptedSessions(dataDir) as Record<string, { answers: Record<string, unknown> }>;
}

describe('new conversations', () => {
  it("are stored at the first answer, not at a page load, and keep a poster link's place", async () => {
    const pages = Array.from({ length: 5 }, () => new PageClient(server.base));
    for (const page of pages) expect((await page.get('/zh/chat')).status).toBe(200);
    expect(Object.keys(await storedSessions())).toHaveLength(0);

    const poster = new PageClient(server.base);
    await poster.get('/zh/chat?county=tekes&township=karadala');
    expect(poster.last).toContain('城市户还是农村户');
    const first = await poster.post('/zh/chat', {
      quick: '2',
      at: '',
      county: 'tekes',
      township: 'karadala',
    });
    expect(first.status).toBe(200);
    expect(poster.last).toContain('您家有几口人一起生活');
    const stored = Object.values(await storedSessions());
    expect(stored).toHaveLength(1);
    expect(stored[0]!.answers).toMatchObject({ jurisdiction: 'tekes', township: 'karadala', area: 'rural' });

    // A post from an older page whose session is gone is not taken as an answer to question one.
    const stale = new PageClient(server.base);
    await stale.get('/zh/chat');
    await stale.post('/zh/chat', { quick: '1', at: '2026-11-23T10:00:00.000Z' });
    expect(stale.last).toContain('您家住在哪个县');
    expect(Object.keys(await storedSessions())).toHaveLength(1);
  });

  it('are limited per address across the chat and the API, with a translated 429', async () => {
    // One conversation is already stored from this address (above); two more are allowed.
    const a = new PageClient(server.base);
    await a.get('/ug/chat');
    expect((await a.post('/ug/chat', { quick: '1', at: '' })).status).toBe(200);
    const api = await fetch(`${server.base}/api/v1/conversations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'accept-language': 'kk' },
      body: JSON.stringify({ text: 'سالەمەتسىز بە' }),
    });
    expect(api.status).toBe(201);

    const refusedPage = new PageClient(server.base);
    await refusedPage.get('/ug/chat');
    const res = await refusedPage.post('/ug/chat', { quick: '1', at: '' });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(60);
    expect(refusedPage.last).toContain(ugWeb.error_page.too_many_conversations);
    const refusedApi = await fetch(`${server.base}/api/v1/conversations?lang=kk`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'سالەمەتسىز بە' }),
    });
    expect(refusedApi.status).toBe(429);
    expect(await refusedApi.json()).toEqual({
      error: { code: 'too_many_conversations', message: kkApi.errors.too_many_conversations },
    });
    expect(Object.keys(await storedSessions())).toHaveLength(3);
    // Page loads and the conversations already started go on.
    expect((await new PageClient(server.base).get('/kk/chat')).status).toBe(200);
    expect(
      (await a.post('/ug/chat', { quick: '1', at: /name="at" value="([^"]*)"/.exec(a.last)![1]! })).status,
    ).toBe(200);
  });
});
