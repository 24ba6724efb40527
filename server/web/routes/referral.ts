/**
 * From results to a referral on the web: separate consent (its own checkbox, with what is
 * stored and who sees it), a name, a phone and an optional ID number. Post → redirect → page,
 * and a session that already has a reference shows it again: a double tap, a retry or a reload
 * makes one referral, and the number is shown only after the referral is on disk. After
 * sending, the same address shows the sent page (so Back lands there, never on a re-post),
 * with the papers to bring and a link back to the results.
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import { screenAnswers } from '../../../bot/dialog/next-question.ts';
import { loadSession, type Session } from '../../../bot/dialog/session.ts';
import { readIdNumber, readName, readPhone } from '../../../bot/referral/contact.ts';
import { StoreWriteError } from '../../../bot/store/store-errors.ts';
import { type Language, translator } from '../../../locales/i18n.ts';
import { formValues } from '../household-form.ts';
import { isReferred } from '../../../rules/explain/result-view.ts';
import { pageOffice } from '../office-view.ts';
import { pageLanguage, renderPage } from '../page.ts';
import { findResults } from '../results-store.ts';
import type { WebDeps } from '../web-deps.ts';
import { resultsOf } from './results.ts';

const idPattern = /^[0-9a-f-]{36}$/;

export function referralRoutes(deps: WebDeps): Router {
  const router = new Router();

  const find = async (
    ctx: Context,
  ): Promise<{ lang: Language; session: Session | undefined } | undefined> => {
    const lang = pageLanguage(ctx);
    if (!lang) return undefined;
    const id = ctx.params.id ?? '';
    // A results page's token; or a session id from before results had their own address.
    if (idPattern.test(id)) return { lang, session: loadSession(await deps.sessions.get(id)) };
    const found = await findResults(deps, id);
    return { lang, session: found === 'gone' ? undefined : found };
  };
  const expired = (ctx: Context, lang: Language) =>
    renderPage(ctx, 'referral', lang, { expired: true, v: {}, errors: {} }, 404);
  /** The sent page: the number again, the papers to bring per program, and the results' address. */
  const sent = (ctx: Context, lang: Language, session: Session, reference: string) => {
    const view = resultsOf(deps, session, lang);
    renderPage(ctx, 'referral-sent', lang, {
      reference,
      programs: view.programs.filter((p) => isReferred(p.verdict)),
      results: session.expiresAt ? `/${lang}/results/${session.id}` : undefined,
      keptUntil: session.expiresAt,
      office: pageOffice(deps, lang, session.answers.jurisdiction, session.answers.township),
    });
  };

  router.get('/:lang/referral/:id', async (ctx, next) => {
    const found = await find(ctx);
    if (!found) return next();
    const { lang, session } = found;
    if (!session || !['results', 'done'].includes(session.phase)) return expired(ctx, lang);
    const reference = session.referral?.reference;
    if (reference) return sent(ctx, lang, session, reference);
    renderPage(ctx, 'referral', lang, { session: session.id, v: {}, errors: {} });
  });

  router.post('/:lang/referral/:id', async (ctx, next) => {
    const found = await find(ctx);
    if (!found) return next();
    const { lang, session } = found;
    if (!session || !['results', 'done'].includes(session.phase)) return expired(ctx, lang);
    const go = () => ctx.redirect(`/${lang}/referral/${session.id}`);
    ctx.status = 303;
    if (session.referral?.reference) return go();
    const v = formValues(ctx.request.body);
    const errors: Record<string, { key: string }> = {};
    if (!ctx.state.csrfOk) {
      const notice = translator(lang)('web.form.expired');
      return renderPage(ctx, 'referral', lang, { session: session.id, v, errors, notice }, 403);
    }
    const text = (k: string) => (typeof v[k] === 'string' ? (v[k] as string) : '');
    const consent = text('consent') === 'yes';
    const name = readName(text('name'));
    const phone = readPhone(text('phone'));
    const idNumber = text('id_number').trim() ? readIdNumber(text('id_number')) : undefined;
    if (!consent) errors.consent = { key: 'web.referral.consent_required' };
    if (!name) errors.name = { key: 'chat.hints.bad_name' };
    if (!phone) errors.phone = { key: 'chat.hints.bad_phone' };
    if (text('id_number').trim() && !idNumber) errors.id_number = { key: 'chat.hints.bad_id' };
    if (Object.keys(errors).length)
      return renderPage(ctx, 'referral', lang, { session: session.id, v, errors }, 400);

    // Free text, kept short and stripped of control and bidi-override characters.
    const village = text('village')
      .normalize('NFC')
      .replace(/[\p{Cc}\p{Cf}]/gu, '')
      .trim()
      .slice(0, 60);
    const withContact: Session = {
      ...session,
      referral: {
        consent,
        name: name!,
        phone: phone!,
        ...(idNumber ? { idNumber } : {}),
        ...(village ? { village } : {}),
      },
    };
    const result = screenAnswers(withContact.answers, {
      screener: deps.screener,
      steps: deps.dialog.steps,
      ...(deps.dialog.date ? { date: deps.dialog.date } : {}),
    });
    // Durable (fsync) inside submitReferral before the number is stored in the session and shown.
    // Idempotent: two taps arriving together get the same referral (see dialog-storage.ts).
    let reference: string;
    try {
      reference = await deps.dialog.submitReferral(withContact, result);
    } catch (e) {
      if (!(e instanceof StoreWriteError)) throw e;
      // Disk full or failing: nothing was stored. The form comes back filled in, to send again later.
      const notice = translator(lang)('web.referral.not_saved');
      return renderPage(ctx, 'referral', lang, { session: session.id, v, errors, notice }, 503);
    }
    // Onto the session as it is now (another tap, on this or another instance, may have stored
    // the same reference meanwhile); a session deleted meanwhile stays deleted.
    await deps.sessions.update(session.id, (current) => {
      const now = loadSession(current);
      return now
        ? {
            ...now,
            phase: 'done',
            referral: { ...withContact.referral!, reference },
            updatedAt: deps.dialog.now(),
          }
        : undefined;
    });
    go();
  });
  return router;
}
