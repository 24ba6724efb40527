/**
 * Results a resident can come back to: a session whose id is a 256-bit random token, used as
 * the page's address (/:lang/results/<token>). The address carries nothing about the person;
 * the answers stay on the server (encrypted at rest) until the page's fixed end, then the
 * sweeper deletes them. Each one is counted against the address's budget of new conversations,
 * so results pages cannot be used to fill the store.
 */
import { randomBytes } from 'node:crypto';
import type { Context } from 'koa';
import type { Answers } from '../../bot/dialog/answers.ts';
import type { Reply } from '../../bot/dialog/replies.ts';
import { loadSession, newSession, type Session } from '../../bot/dialog/session.ts';
import { expired } from '../../bot/dialog/session-lifecycle.ts';
import type { Language } from '../../locales/i18n.ts';
import { AppError } from '../errors.ts';
import type { WebDeps } from './web-deps.ts';

/** 32 random bytes in base64url: 43 characters, far beyond guessing (≥ 128 bits asked). */
export const resultsTokenPattern = /^[A-Za-z0-9_-]{43}$/;

export function newResultsToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Stores the results of a screening as their own page; returns its token. Throws 429 beyond the budget. */
export async function keepResults(
  deps: WebDeps,
  ctx: Context,
  lang: Language,
  keep: { answers: Answers; form?: Record<string, string | string[]>; resultsOf?: string },
): Promise<string> {
  await deps.newConversation(ctx);
  const now = deps.dialog.now();
  const session: Session = {
    ...newSession(newResultsToken(), lang, now),
    phase: 'results',
    answers: keep.answers,
    expiresAt: new Date(new Date(now).getTime() + deps.resultsKeepMs).toISOString(),
    ...(keep.form ? { form: keep.form } : {}),
    ...(keep.resultsOf ? { resultsOf: keep.resultsOf } : {}),
  };
  await deps.sessions.set(session.id, session);
  return session.id;
}

/**
 * The session behind a results address: 'gone' when it has passed its end (deleted now, not
 * at the next sweep), undefined when there is no such page (never made, deleted, or swept).
 */
export async function findResults(deps: WebDeps, token: string): Promise<Session | 'gone' | undefined> {
  if (!resultsTokenPattern.test(token)) return undefined;
  const session = loadSession(await deps.sessions.get(token));
  if (!session || !['results', 'done'].includes(session.phase)) return undefined;
  if (expired(session, new Date(deps.dialog.now()))) {
    await deps.sessions.delete(token);
    return 'gone';
  }
  return session;
}

/**
 * The web chat's results get the same address (to keep or print), made when the chat reaches
 * them: a copy of the answers tied to the chat's session, so deleting that deletes this. Beyond
 * the address's budget the chat simply offers no link (its answer is not lost for it).
 */
export async function chatResultsLink(
  deps: WebDeps,
  ctx: Context,
  session: Session,
  replies: readonly Reply[],
  lang: Language,
): Promise<string | undefined> {
  if (session.phase !== 'results' || !replies.some((r) => r.kind === 'results')) return undefined;
  try {
    return `/${lang}/results/${await keepResults(deps, ctx, lang, { answers: session.answers, resultsOf: session.id })}`;
  } catch (e) {
    if (e instanceof AppError && e.status === 429) return undefined;
    throw e;
  }
}

/** A chat deleted or restarted without a referral takes the results pages made from it along. */
export async function forgetChatResults(deps: WebDeps, chatId: string): Promise<void> {
  const pages: string[] = [];
  for await (const [id, s] of deps.sessions.entries()) if (s.resultsOf === chatId) pages.push(id);
  for (const id of pages) await deps.sessions.deleteDurably(id);
}
