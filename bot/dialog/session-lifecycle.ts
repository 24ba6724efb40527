/**
 * How long a conversation lives. A resident who pauses briefly just goes on; one who returns
 * after a while is asked "continue or start over?"; an idle session is deleted: answers about
 * health and income are not kept longer than the screening needs (PIPL Art. 19).
 */
import type { Collection } from '../store/collection-store.ts';
import { loadSession, type Session } from './session.ts';
import { type Outcome, welcomeBack } from './transition.ts';

export interface SessionLifetime {
  /** After this long without a message the resident is asked whether to continue. */
  welcomeBackAfterMs: number;
  /** After this long without a message the session is deleted. */
  expireAfterMs: number;
}

export const defaultLifetime: SessionLifetime = {
  welcomeBackAfterMs: 30 * 60 * 1000,
  expireAfterMs: 7 * 24 * 60 * 60 * 1000,
};

const idleMs = (s: Session, now: Date) => now.getTime() - new Date(s.updatedAt).getTime();

/**
 * The stored session for this resident as the next message should see it: none if missing,
 * of another version or expired; otherwise as stored. `greeting` holds the "continue or start
 * over?" exchange to send first when the resident has been away a while.
 */
export function sessionForMessage(
  stored: Session | undefined,
  now: Date,
  life: SessionLifetime = defaultLifetime,
): { session?: Session; greeting?: Outcome } {
  const session = loadSession(stored);
  if (!session || idleMs(session, now) > life.expireAfterMs) return {};
  if (
    idleMs(session, now) > life.welcomeBackAfterMs &&
    session.phase !== 'done' &&
    session.phase !== 'resume'
  ) {
    return { greeting: welcomeBack(session) };
  }
  return { session };
}

/** Deletes idle sessions; run periodically and at start-up. Returns how many were removed. */
export function expireSessions(
  sessions: Collection<Session>,
  now: Date,
  life: SessionLifetime = defaultLifetime,
): number {
  const expired: string[] = [];
  for (const [key, s] of sessions.entries()) {
    if (!loadSession(s) || idleMs(s, now) > life.expireAfterMs) expired.push(key);
  }
  for (const key of expired) sessions.delete(key);
  return expired.length;
}
