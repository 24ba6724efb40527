/**
 * The web chat's conversation so far, kept in the session (encrypted at rest with the answers)
 * so a reloaded page shows the questions and the resident's answers, not only the last question.
 * Bounded: a long conversation keeps its newest turns. Results and the referral summary are not
 * kept (the page builds them again from the answers); a name, phone or ID number typed is not
 * kept either, only that one was given.
 */
import type { Reply } from '../../bot/dialog/replies.ts';
import type { Phase, Session, Turn } from '../../bot/dialog/session.ts';
import type { Language } from '../../locales/i18n.ts';
import { type TurnView, turnView } from './reply-view.ts';

export const maxTurns = 40;

/** Phases whose answer is personal data the session keeps elsewhere (or must not keep at all). */
const privateAnswers = new Set<Phase>([
  'referral_name',
  'referral_phone',
  'referral_id',
  'delete_phone',
  'person_name',
  'person_phone',
]);

const kept = (replies: Reply[]) =>
  replies.filter(
    (r) => r.kind === 'text' || r.kind === 'question' || r.kind === 'choose' || r.kind === 'office',
  );

/**
 * The session after one exchange, with the exchange added. `before` is the phase the answer was
 * given in; a session the dialog started afresh ("start over") carries no earlier turns.
 */
export function withTurn(
  session: Session,
  turn: { lang: Language; said?: string; replies: Reply[] },
  before?: Phase,
): Session {
  const entry: Turn = { lang: turn.lang, replies: kept(turn.replies) };
  if (turn.said !== undefined) {
    if (before && privateAnswers.has(before)) entry.hidden = true;
    else entry.said = turn.said;
  }
  return { ...session, transcript: [...(session.transcript ?? []), entry].slice(-maxTurns) };
}

/** Earlier turns as shown above the current one. */
export function history(session: Session | null | undefined, skipLast: boolean): TurnView[] {
  const turns = Array.isArray(session?.transcript) ? session.transcript : [];
  return (skipLast ? turns.slice(0, -1) : turns).map((t) => turnView(t));
}

/**
 * A reloaded page: every turn, the last one without its replies (the page asks the current
 * question again, in the page's language, below it).
 */
export function historyBeforePrompt(session: Session): TurnView[] {
  const turns = Array.isArray(session.transcript) ? session.transcript : [];
  return turns.map((t, i) => turnView(t, i < turns.length - 1));
}
