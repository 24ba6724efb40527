/** How long a conversation lives: continue after a pause, "continue?" after a while, deleted when idle. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defaultLifetime, expireSessions, sessionForMessage } from '../../../bot/dialog/session-lifecycle.ts';
import { newSession, type Session } from '../../../bot/dialog/session.ts';
import { openMemoryStore } from '../../../bot/store/collection-store.ts';
import { collect } from '../../helpers/collect.ts';

const at = (iso: string) => ({
  ...newSession('s1', 'ug', iso),
  phase: 'questions' as const,
  current: { step: 'area' as const },
});
const now = new Date('2026-11-23T12:00:00Z');

describe('sessionForMessage', () => {
  it('goes on after a short pause', () => {
    expect(sessionForMessage(at('2026-11-23T11:50:00Z'), now).session?.id).toBe('s1');
  });
  it('asks "continue or start over?" after a longer pause, in the resident\'s language', () => {
    const r = sessionForMessage(at('2026-11-23T10:00:00Z'), now);
    expect(r.session).toBeUndefined();
    expect(r.greeting?.session?.phase).toBe('resume');
    expect(r.greeting?.replies).toEqual([{ kind: 'text', key: 'chat.resume.ask' }]);
  });
  it('starts afresh after the expiry time, or for a session of another version', () => {
    expect(sessionForMessage(at('2026-11-01T10:00:00Z'), now)).toEqual({});
    expect(sessionForMessage({ ...at('2026-11-23T11:59:00Z'), v: 0 } as unknown as Session, now)).toEqual({});
  });
});

describe('expireSessions', () => {
  it('deletes a results page at its own end, whether or not it was used since', async () => {
    const sessions = await (await openMemoryStore()).collection('sessions', z.custom<Session>());
    const page = (updatedAt: string, expiresAt: string) => ({
      ...newSession('r', 'kk', '2026-11-01T00:00:00Z'),
      phase: 'results' as const,
      updatedAt,
      expiresAt,
    });
    // Looked at a minute ago, but its end has passed: gone, as the page promised.
    await sessions.set('ended', page('2026-11-23T11:59:00Z', '2026-11-23T11:00:00Z'));
    // Not touched for 22 days (past the 7-day idle limit), but kept for 30: stays until then.
    await sessions.set('kept', page('2026-11-01T00:00:00Z', '2026-12-01T00:00:00Z'));
    expect(await expireSessions(sessions, now)).toBe(1);
    expect((await collect(sessions.entries())).map(([k]) => k)).toEqual(['kept']);
  });
  it('deletes idle sessions and keeps the others; the limit is configurable', async () => {
    const sessions = await (await openMemoryStore()).collection('sessions', z.custom<Session>());
    await sessions.set('old', at('2026-11-10T00:00:00Z'));
    await sessions.set('recent', at('2026-11-23T11:00:00Z'));
    expect(await expireSessions(sessions, now)).toBe(1);
    expect((await collect(sessions.entries())).map(([k]) => k)).toEqual(['recent']);
    expect(await expireSessions(sessions, now, { ...defaultLifetime, expireAfterMs: 30 * 60 * 1000 })).toBe(
      1,
    );
    expect(await sessions.count()).toBe(0);
  });
});

describe('expireSessions for never-answered conversations', () => {
  it('removes one that took no answer within hours, keeps an answered one for days', async () => {
    const sessions = await (await openMemoryStore()).collection('sessions', z.custom<Session>());
    await sessions.set('greeted', at('2026-11-23T09:00:00Z'));
    await sessions.set('language', { ...at('2026-11-23T09:00:00Z'), phase: 'language' });
    await sessions.set('answered', {
      ...at('2026-11-23T09:00:00Z'),
      asked: 1,
      answers: { jurisdiction: 'tekes' },
    });
    await sessions.set('fresh', at('2026-11-23T11:30:00Z'));
    expect(await expireSessions(sessions, now)).toBe(2);
    expect((await collect(sessions.entries())).map(([k]) => k).sort()).toEqual(['answered', 'fresh']);
    // The same rule when the resident comes back: a never-answered chat starts afresh.
    expect(sessionForMessage(at('2026-11-23T09:00:00Z'), now)).toEqual({});
  });
});
