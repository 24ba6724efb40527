/**
 * The chat page: the dialog engine behind a plain HTML form. Without JavaScript each answer is
 * a form post and the page shows the newest replies; with it (templates/static/chat.js) the
 * same post is sent in the background and the replies are appended. The conversation id lives
 * in a signed httpOnly cookie; the form carries the session's last-change time, so a double tap
 * or a reloaded post is not taken as a second answer.
 *
 * Loading the page stores nothing: the greeting comes from a fresh session held only for the
 * page, and the conversation is stored with the resident's first answer (counted per address).
 * So a flood of page loads costs no memory or disk, and a never-answered chat leaves no trace.
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { loadSession, type Session } from '../../../bot/dialog/session.ts';
import { sessionLoop } from '../../../bot/dialog/session-loop.ts';
import { type Outcome, promptAgain, startIn } from '../../../bot/dialog/transition.ts';
import type { Reply } from '../../../bot/dialog/replies.ts';
import { type Language, translator } from '../../../locales/i18n.ts';
import { pageLanguage, renderPage } from '../page.ts';
import { echo, pickReplies, quickReplies } from '../chat-choices.ts';
import { history, historyBeforePrompt, withTurn } from '../chat-transcript.ts';
import { replyViews, type TurnView, turnView } from '../reply-view.ts';
import { chatResultsLink, forgetChatResults } from '../results-store.ts';
import { placeFromQuery, type WebDeps } from '../web-deps.ts';

const cookie = 'chat';
const postSchema = z.object({
  text: z.string().max(2000).optional(),
  quick: z.string().max(200).optional(),
  // Toggles picked ("which programs do you receive?"): one value, or several of the same name.
  pick: z.union([z.string().max(10), z.array(z.string().max(10)).max(20)]).optional(),
  action: z.enum(['send', 'restart']).optional(),
  at: z.string().max(40).optional(),
  // A fresh page's poster place (not stored yet): checked against the known places.
  county: z.string().max(40).optional(),
  township: z.string().max(40).optional(),
});
type Posted = z.infer<typeof postSchema>;
type Place = { county?: string; township?: string };

const picked = (posted: Posted) =>
  (Array.isArray(posted.pick) ? posted.pick : posted.pick ? [posted.pick] : [])
    .map((p) => p.trim())
    .filter(Boolean);

/** What the dialog reads: the tapped value, the toggles picked ("1 7"), or the text typed. */
const sentText = (posted: Posted) =>
  (posted.quick ?? (picked(posted).length ? picked(posted).join(' ') : (posted.text ?? ''))).trim();

export function chatRoutes(deps: WebDeps): Router {
  const router = new Router();
  const loop = sessionLoop({ sessions: deps.sessions, dialog: deps.dialog });

  const stored = async (ctx: Context): Promise<Session | undefined> => {
    const id = ctx.cookies.get(cookie, { signed: true });
    return id ? loadSession(await deps.sessions.get(id)) : undefined;
  };
  // A session cookie: gone when the browser closes; the stored session expires on its own.
  const remember = (ctx: Context, id: string) =>
    ctx.cookies.set(cookie, id, { signed: true, httpOnly: true, sameSite: 'lax', overwrite: true });
  /** The greeting of a fresh session, in memory only; its id is the cookie's, if it has one. */
  const start = (ctx: Context, lang: Language, place: Place): Outcome => {
    const id = ctx.cookies.get(cookie, { signed: true });
    const out = startIn(lang, id ? { ...deps.dialog, newId: () => id } : deps.dialog, {
      ...(place.county ? { jurisdiction: place.county } : {}),
      ...(place.township ? { township: place.township } : {}),
    });
    remember(ctx, out.session!.id);
    return out;
  };
  /** How the resident's answer is shown back: the label tapped, in the page's language. */
  const echoOf = (session: Session, lang: Language, posted: Posted, text: string) =>
    echo(session, promptAgain(session, deps.dialog), lang, {
      quick: posted.quick,
      picks: picked(posted),
      text,
    });
  const show = async (
    ctx: Context,
    session: Session | null,
    replies: Reply[],
    lang: Language,
    extra: {
      said?: string;
      /** The language of the page the answer was given on (the dialog may have switched). */
      saidIn?: Language;
      earlier?: TurnView[];
      notice?: string;
      draft?: string;
      status?: number;
      fresh?: Place;
    } = {},
  ) => {
    // Reaching the results by an answer (not a reload): they get an address to keep or print.
    const link = extra.said && session ? await chatResultsLink(deps, ctx, session, replies, lang) : undefined;
    renderPage(
      ctx,
      'chat',
      lang,
      {
        earlier: extra.earlier ?? [],
        // The answer is shown in the language of the page it was given on (before a switch).
        you:
          extra.said === undefined
            ? undefined
            : turnView({ lang: extra.saidIn ?? lang, said: extra.said, replies: [] }).you,
        replies: replyViews(replies, lang, link),
        quick: session ? quickReplies(session, replies, lang) : [],
        picks: session ? pickReplies(session, replies, lang) : undefined,
        // A fresh (unstored) session posts no time: its first post is the first answer.
        at: extra.fresh ? '' : (session?.updatedAt ?? ''),
        place: extra.fresh,
        ended: session === null,
        notice: extra.notice,
        draft: extra.draft ?? '',
      },
      extra.status,
    );
  };

  router.get('/:lang/chat', async (ctx, next) => {
    const lang = pageLanguage(ctx);
    if (!lang) return next();
    let session = await stored(ctx);
    if (!session) {
      const place = placeFromQuery(ctx.query, deps);
      const out = start(ctx, lang, place);
      return show(ctx, out.session, out.replies, lang, { fresh: place });
    }
    // Choosing a language on the page is an answer to "which language?": changed on the session
    // as stored now, so an answer another tab or instance stores meanwhile is not lost.
    if (session.lang !== lang)
      session =
        loadSession(
          await deps.sessions.update(session.id, (current) => {
            const s = loadSession(current);
            if (!s || s.lang === lang) return undefined;
            return { ...s, lang, phase: s.phase === 'language' ? 'questions' : s.phase };
          }),
        ) ?? session;
    remember(ctx, session.id);
    await show(ctx, session, promptAgain(session, deps.dialog), lang, {
      earlier: historyBeforePrompt(session),
    });
  });

  router.post('/:lang/chat', async (ctx, next) => {
    const lang = pageLanguage(ctx);
    if (!lang) return next();
    const body = postSchema.safeParse(ctx.request.body ?? {});
    const posted = body.success ? body.data : {};
    const session = await stored(ctx);
    if (!session) return firstAnswer(ctx, lang, posted);
    const pageLang = session.lang;
    if (!ctx.state.csrfOk) {
      const notice = translator(pageLang)('web.form.expired');
      return show(ctx, session, promptAgain(session, deps.dialog), pageLang, {
        notice,
        draft: posted.text ?? '',
        status: 403,
      });
    }
    const text =
      posted.action === 'restart'
        ? translator(pageLang)('chat.commandWords.restart').split('|')[0]!
        : sentText(posted);
    // Nothing typed, or a post made on an older page (double tap, reload): ask again, change nothing.
    if (!text || posted.at !== session.updatedAt)
      return show(ctx, session, promptAgain(session, deps.dialog), pageLang, {
        earlier: historyBeforePrompt(session),
      });

    const said = posted.action === 'restart' ? text : echoOf(session, pageLang, posted, text);
    // The answer and the replies to it are kept with the session, so a reload shows them again.
    const out = await loop.turn({
      who: session.id,
      text,
      lang: pageLang,
      keep: (next, turn) => withTurn(next, { lang: pageLang, said, replies: turn.replies }, session.phase),
    });
    if (out.missing) return;
    if (!out.session) {
      await forgetChatResults(deps, session.id);
      ctx.cookies.set(cookie, null);
      return show(ctx, null, out.replies, out.lang, { said, saidIn: pageLang });
    }
    remember(ctx, out.session.id);
    await show(ctx, out.session, out.replies, out.lang, {
      said,
      saidIn: pageLang,
      earlier: history(out.session, true),
    });
  });

  /**
   * A post with no stored session. From a fresh page (no time posted) it is the first answer:
   * only now is the conversation stored, counted against the address's budget. From an older
   * page (its session expired) the answer was meant for another question: greet afresh.
   */
  const firstAnswer = async (ctx: Context, lang: Language, posted: Posted) => {
    const place = placeFromQuery(posted, deps);
    const fresh = start(ctx, lang, place);
    const again = (extra: { notice?: string; draft?: string; status?: number } = {}) =>
      show(ctx, fresh.session, fresh.replies, lang, { ...extra, fresh: place });
    if (!ctx.state.csrfOk)
      return again({ notice: translator(lang)('web.form.expired'), draft: posted.text ?? '', status: 403 });
    const text = posted.action === 'restart' ? '' : sentText(posted);
    if (!text || posted.at) return again();
    await deps.newConversation(ctx);
    const said = echoOf(fresh.session!, lang, posted, text);
    // Stored from the first answer on: the greeting and first question it answered, then the answer.
    const out = await loop.turn({
      who: fresh.session!.id,
      text,
      lang,
      start: { answers: fresh.session!.answers },
      keep: (next, turn) =>
        withTurn(
          withTurn(next, { lang, replies: turn.started ?? fresh.replies }),
          { lang, said, replies: turn.replies },
          fresh.session!.phase,
        ),
    });
    if (out.missing) return;
    if (!out.session) {
      ctx.cookies.set(cookie, null);
      return show(ctx, null, out.replies, lang, { said });
    }
    remember(ctx, out.session.id);
    await show(ctx, out.session, out.replies, out.session.lang, {
      said,
      saidIn: lang,
      earlier: history(out.session, true),
    });
  };
  return router;
}
