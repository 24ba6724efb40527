/**
 * Conversations over HTTP: the same dialog as the terminal and WeChat, through the one session
 * loop (bot/dialog/session-loop.ts).
 *   POST /api/v1/conversations                 { text?, lang?, county?, township? } → Conversation
 *   POST /api/v1/conversations/:id/messages    { text }         → Conversation
 * A Conversation is { id, lang, phase, replies: string[] (rendered, as before), structured:
 * the same replies as data (conversation-replies.ts), expects: what the next message answers }.
 * Started with `lang` (a language chosen in the client) it greets in that language and asks the
 * first question, a `text` then being the answer to it; with `text` alone the language is
 * guessed from it, as in chat. Ids are random UUIDs (unguessable); a conversation deleted by
 * its resident is gone (404).
 */
import { randomUUID } from 'node:crypto';
import Router from '@koa/router';
import { z } from 'zod';
import { renderReplies } from '../../bot/dialog/render.ts';
import type { Reply } from '../../bot/dialog/replies.ts';
import type { Session } from '../../bot/dialog/session.ts';
import { sessionLoop } from '../../bot/dialog/session-loop.ts';
import type { DialogDeps } from '../../bot/dialog/transition.ts';
import type { Collection } from '../../bot/store/collection-store.ts';
import { type Language, languages } from '../../locales/i18n.ts';
import { type InputIssue, toInputIssue } from '../../rules/engine/household.ts';
import { AppError } from '../errors.ts';
import type { NewConversation } from '../limits/new-conversations.ts';
import { expects, replyData } from './conversation-replies.ts';

const text = z.string().min(1).max(2000);
const messageSchema = z.strictObject({ text });
const placeId = z.string().regex(/^[a-z][a-z0-9_-]{0,40}$/);
export const startSchema = z.strictObject({
  text: text.optional(),
  lang: z.enum(languages).optional(),
  /** Where the resident came from (a poster's mini-program code): asked no more, as on the web. */
  county: placeId.optional(),
  township: placeId.optional(),
});
const idPattern = /^[0-9a-f-]{36}$/;

export function conversationRoutes(
  sessions: Collection<Session>,
  dialog: DialogDeps,
  newConversation: NewConversation,
): Router {
  const router = new Router({ prefix: '/api/v1/conversations', sensitive: true });
  const loop = sessionLoop({ sessions, dialog });

  const reply = (id: string, session: Session | null, replies: Reply[], lang: Language) => ({
    id,
    lang,
    phase: session?.phase ?? 'deleted',
    replies: renderReplies(replies, lang),
    structured: replyData(replies, session, lang),
    expects: expects(replies, session, lang),
  });

  // A place the rules do not know is ignored (an old poster), as the web page's ?county= is.
  const placeAnswers = (p: { county?: string; township?: string }): Session['answers'] => {
    if (!p.county || !dialog.steps.counties.includes(p.county)) return {};
    const known = p.township && dialog.steps.townships(p.county).some((t) => t.id === p.township);
    return known ? { jurisdiction: p.county, township: p.township } : { jurisdiction: p.county };
  };

  const invalid = (issues: InputIssue[]) => new AppError(400, 'invalid_input', issues);
  const readText = (body: unknown) => {
    const parsed = messageSchema.safeParse(body);
    if (!parsed.success) throw invalid(parsed.error.issues.map(toInputIssue));
    return parsed.data.text;
  };
  const readStart = (body: unknown) => {
    const parsed = startSchema.safeParse(body);
    const given = parsed.success ? parsed.data : {};
    // Neither a first message nor a language: the message is what is missing.
    const none = typeof body !== 'object' || body === null || !('text' in body || 'lang' in body);
    const issues = [
      ...(parsed.success ? [] : parsed.error.issues.map(toInputIssue)),
      ...(none ? [{ path: 'text', code: 'required', params: {} }] : []),
    ];
    if (issues.length) throw invalid(issues);
    return given;
  };

  router.post('/', async (ctx) => {
    const start = readStart(ctx.request.body);
    // Each new conversation is stored: counted per address (429 beyond the hourly budget).
    await newConversation(ctx);
    const id = randomUUID();
    const out = await loop.turn({
      who: id,
      text: start.text ?? '',
      lang: start.lang ?? ctx.state.lang,
      ...(start.lang ? { start: { answers: placeAnswers(start) } } : {}),
    });
    if (out.missing) throw new AppError(404, 'conversation_not_found');
    ctx.status = 201;
    ctx.body = reply(id, out.session, [...(out.started ?? []), ...out.replies], out.lang);
  });

  router.post('/:id/messages', async (ctx) => {
    const id = ctx.params.id ?? '';
    if (!idPattern.test(id)) throw new AppError(404, 'conversation_not_found');
    const said = readText(ctx.request.body);
    const out = await loop.turn({ who: id, text: said, lang: ctx.state.lang, existingOnly: true });
    if (out.missing) throw new AppError(404, 'conversation_not_found');
    ctx.body = reply(id, out.session, out.replies, out.lang);
  });

  return router;
}
