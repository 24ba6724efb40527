/**
 * Conversations over HTTP: the same dialog as the terminal and WeChat.
 *   POST /api/v1/conversations                 { text }  → { id, lang, phase, replies }
 *   POST /api/v1/conversations/:id/messages    { text }  → { id, lang, phase, replies }
 * Ids are random UUIDs (unguessable); a conversation deleted by its resident is gone (404).
 */
import { randomUUID } from 'node:crypto';
import Router from '@koa/router';
import { z } from 'zod';
import { renderReplies } from '../../bot/dialog/render.ts';
import type { Session } from '../../bot/dialog/session.ts';
import { sessionForMessage } from '../../bot/dialog/session-lifecycle.ts';
import { type DialogDeps, handle } from '../../bot/dialog/transition.ts';
import type { Collection } from '../../bot/store/collection-store.ts';
import { toInputIssue } from '../../rules/engine/household.ts';
import { AppError } from '../errors.ts';
import type { NewConversation } from '../limits/new-conversations.ts';

const messageSchema = z.strictObject({ text: z.string().min(1).max(2000) });
const idPattern = /^[0-9a-f-]{36}$/;

export function conversationRoutes(
  sessions: Collection<Session>,
  dialog: DialogDeps,
  newConversation: NewConversation,
): Router {
  const router = new Router({ prefix: '/api/v1/conversations', sensitive: true });

  const reply = (
    id: string,
    session: Session | null,
    replies: Parameters<typeof renderReplies>[0],
    fallbackLang: Session['lang'],
  ) => {
    const lang = session?.lang ?? fallbackLang;
    return { id, lang, phase: session?.phase ?? 'deleted', replies: renderReplies(replies, lang) };
  };

  const readText = (body: unknown) => {
    const parsed = messageSchema.safeParse(body);
    if (!parsed.success) throw new AppError(400, 'invalid_input', parsed.error.issues.map(toInputIssue));
    return parsed.data.text;
  };

  router.post('/', async (ctx) => {
    const text = readText(ctx.request.body);
    // Each new conversation is stored: counted per address (429 beyond the hourly budget).
    newConversation(ctx);
    const id = randomUUID();
    const out = await handle(undefined, text, { ...dialog, newId: () => id });
    if (out.session) sessions.set(id, out.session);
    ctx.status = 201;
    ctx.body = reply(id, out.session, out.replies, ctx.state.lang);
  });

  router.post('/:id/messages', async (ctx) => {
    const id = ctx.params.id ?? '';
    if (!idPattern.test(id)) throw new AppError(404, 'conversation_not_found');
    const text = readText(ctx.request.body);
    const { session, greeting } = sessionForMessage(sessions.get(id), new Date());
    if (greeting?.session) {
      // Back after a long pause: ask "continue or start over?" before taking any answer.
      sessions.set(id, greeting.session);
      ctx.body = reply(id, greeting.session, greeting.replies, ctx.state.lang);
      return;
    }
    if (!session) throw new AppError(404, 'conversation_not_found');
    const out = await handle(session, text, dialog);
    if (out.session) sessions.set(id, out.session);
    else await sessions.deleteDurably(id);
    ctx.body = reply(id, out.session, out.replies, session.lang);
  });

  return router;
}
