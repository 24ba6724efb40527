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
  /**
   * A session that never took an answer (a greeting, a first message that answered nothing)
   * goes much sooner: it holds nothing worth keeping, and a flood of them must not last days.
   */
  unansweredExpireAfterMs: number;
}

export const defaultLifetime: SessionLifetime = {
  welcomeBackAfterMs: 30 * 60 * 1000,
  expireAfterMs: 7 * 24 * 60 * 60 * 1000,
  unansweredExpireAfterMs: 2 * 60 * 60 * 1000,
};

const idleMs = (s: Session, now: Date) => now.getTime() - new Date(s.updatedAt).getTime();

/** No question answered yet: still choosing a language, at the first question, or asked to resume one. */
export const unanswered = (s: Session) =>
  s.asked === 0 && (s.phase === 'language' || s.phase === 'questions' || s.phase === 'resume');

/** A results page keeps its own fixed end (said on the page); any other session its idle limit. */
export const expired = (s: Session, now: Date, life: SessionLifetime = defaultLifetime) =>
  s.expiresAt
    ? now.getTime() >= new Date(s.expiresAt).getTime()
    : idleMs(s, now) >
      (unanswered(s) ? Math.min(life.unansweredExpireAfterMs, life.expireAfterMs) : life.expireAfterMs);

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
  if (!session || expired(session, now, life)) return {};
  if (
    idleMs(session, now) > life.welcomeBackAfterMs &&
    session.phase !== 'done' &&
    session.phase !== 'resume'
  ) {
    return { greeting: welcomeBack(session) };
  }
  return { session };
}

/** Deletes idle sessions; run periodically and at start-up. Resolves to how many were removed. */
export async function expireSessions(
  sessions: Collection<Session>,
  now: Date,
  life: SessionLifetime = defaultLifetime,
): Promise<number> {
  const gone: string[] = [];
  for await (const [key, s] of sessions.entries()) {
    if (!loadSession(s) || expired(s, now, life)) gone.push(key);
  }
  let removed = 0;
  for (const key of gone) {
    // Read again just before: a resident who wrote since the pass above keeps the conversation.
    const s = await sessions.get(key);
    if (s && loadSession(s) && !expired(s, now, life)) continue;
    if (await sessions.delete(key)) removed++;
  }
  return removed;
}
