/**
 * The one session loop every channel runs: load the resident's session → handle the message →
 * save it, or delete it when the resident deleted their data → hand back the replies as data,
 * with the language to render them in. The JSON API, the web chat, WeChat and the terminal all
 * call `turn`; what stays in a channel is only its own: guards (a rate limit, a CSRF check, a
 * stale post), transport (a cookie, an outbox) and rendering (chat lines, a page, JSON).
 *
 * Before there was one loop there were four copies, and they drifted (the language a reply to a
 * deletion was rendered in, an idle conversation's "continue or start over?" on the terminal).
 */
import type { Language } from '../../locales/i18n.ts';
import type { ContactProof } from '../referral/contact-proof.ts';
import type { Collection } from '../store/collection-store.ts';
import type { Reply } from './replies.ts';
import { loadSession, type Session } from './session.ts';
import { defaultLifetime, type SessionLifetime, sessionForMessage } from './session-lifecycle.ts';
import { statusLookup } from './status-lookup.ts';
import { type DialogDeps, handle, type Outcome, startIn } from './transition.ts';

export interface SessionLoopDeps {
  sessions: Collection<Session>;
  dialog: DialogDeps;
  /**
   * "Reference + last four digits" answered before the dialog (status-lookup.ts). Given by the
   * channels where a resident asks by message (WeChat); the web has its status page instead.
   */
  proof?: ContactProof;
  lifetime?: SessionLifetime;
  now?: () => Date;
}

export interface TurnInput {
  /** The resident's conversation: its store key, and the id of a conversation started here. */
  who: string;
  /** What the resident sent; '' only with `start` (just the greeting and the first question). */
  text: string;
  /**
   * The channel's language (the page's, the API caller's, zh on WeChat): replies are rendered in
   * it when there is no session to say otherwise (the conversation was just deleted).
   */
  lang: Language;
  /**
   * With no stored conversation, start one in `lang` (chosen on a page or in the API), with what
   * a poster's link knew, instead of guessing the language from the text; the text, if any, is
   * then the answer to the first question.
   */
  start?: { answers?: Session['answers'] };
  /** A missing or expired conversation is not started afresh: the outcome says `missing` (404). */
  existingOnly?: boolean;
  /** The channel's address for the resident (a WeChat contact id), kept for status notices. */
  contact?: string;
  /**
   * Channel state saved with the session (the web chat's transcript): applied to the session the
   * turn leads to just before it is stored. `started`: the greeting of a conversation begun here.
   */
  keep?: (next: Session, turn: { replies: Reply[]; started?: Reply[] }) => Session;
}

export type TurnOutcome =
  | { missing: true }
  | {
      missing?: false;
      /** The session as stored after the turn; null when the resident's data was deleted. */
      session: Session | null;
      replies: Reply[];
      /** The language to render the replies in. */
      lang: Language;
      /** The greeting of a conversation started in a chosen language (before `replies`). */
      started?: Reply[];
    };

/** What one turn leaves in the store: the session, nothing changed, or the conversation gone. */
type Stored = { save?: Session; remove?: true };

export function sessionLoop(deps: SessionLoopDeps) {
  const { sessions, dialog } = deps;
  const now = deps.now ?? (() => new Date());
  const lifetime = deps.lifetime ?? defaultLifetime;

  async function step(input: TurnInput, stored: Session | undefined): Promise<[TurnOutcome, Stored]> {
    const { who } = input;
    const lang = stored?.lang ?? input.lang;
    // A status question changes nothing: the session is neither touched nor created.
    if (deps.proof) {
      const status = await statusLookup(input.text, deps.proof);
      if (status) return [{ session: stored ?? null, replies: [status], lang }, {}];
    }
    const { session, greeting } = sessionForMessage(stored, now(), lifetime);
    if (greeting?.session) {
      // Back after a long pause: ask "continue or start over?" before taking any answer.
      const next = input.keep
        ? input.keep(greeting.session, { replies: greeting.replies })
        : greeting.session;
      return [{ session: next, replies: greeting.replies, lang: next.lang }, { save: next }];
    }
    if (!session && input.existingOnly) return [{ missing: true }, {}];
    // A conversation begun here gets the resident's id: the store key and the session agree. A
    // deletion asked for here leaves this conversation to the turn, which holds it.
    const requestDeletion = dialog.requestDeletion;
    const withId: DialogDeps = {
      ...dialog,
      newId: () => who,
      ...(requestDeletion
        ? { requestDeletion: (reference: string) => requestDeletion(reference, { conversation: who }) }
        : {}),
    };
    let started: Outcome | undefined;
    let current = session && input.contact ? { ...session, contact: input.contact } : session;
    if (!current && input.start) {
      started = startIn(input.lang, withId, input.start.answers);
      current = started.session!;
    }
    const out: Outcome = started && !input.text ? started : await handle(current, input.text, withId);
    const startedReplies = started && input.text ? started.replies : undefined;
    if (!out.session) {
      const gone = {
        session: null,
        replies: out.replies,
        lang,
        ...(startedReplies ? { started: startedReplies } : {}),
      };
      return [gone, { remove: true }];
    }
    let next = input.contact ? { ...out.session, contact: input.contact } : out.session;
    if (input.keep) next = input.keep(next, { replies: out.replies, started: startedReplies });
    const outcome = {
      session: next,
      replies: out.replies,
      lang: next.lang,
      ...(startedReplies ? { started: startedReplies } : {}),
    };
    return [outcome, { save: next }];
  }

  async function turn(input: TurnInput): Promise<TurnOutcome> {
    let result: [TurnOutcome, Stored] | undefined;
    // Load, handle and save as one change of the conversation: two posts at once (a double tap,
    // two instances behind a proxy) run one after the other, the second seeing the first's
    // answer; with a load here and a save there, one of them was lost.
    await sessions.update(input.who, async (stored) => {
      result = await step(input, loadSession(stored));
      return result[1].save;
    });
    const [outcome, stored] = result!;
    // Deleted after the change, outside it: a delete inside would wait on the change's own lock
    // (PostgreSQL). Durably: the resident is told their conversation is gone.
    if (stored.remove) await sessions.deleteDurably(input.who);
    return outcome;
  }

  return {
    turn,
    /** The stored session as it is, for a channel's guards (a stale post) and its own words. */
    peek: async (who: string): Promise<Session | undefined> => loadSession(await sessions.get(who)),
  };
}
export type SessionLoop = ReturnType<typeof sessionLoop>;
