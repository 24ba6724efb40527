/**
 * A resident's results at their own address (/:lang/results/<token>), reached by a redirect
 * after the form's post, so Back, reload and a bookmark all work and nothing is posted twice.
 * The page says until when it is kept; after that (or after a deletion) it says the page has
 * expired and offers the form again. The print view (/print) puts programs, reasons, papers to
 * bring and where to go on one A4 page where it can.
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import { screenAnswers } from '../../../bot/dialog/next-question.ts';
import type { Session } from '../../../bot/dialog/session.ts';
import { type Language, translator } from '../../../locales/i18n.ts';
import { resultView } from '../../../rules/explain/result-view.ts';
import { pageOffice } from '../office-view.ts';
import { pageLanguage, renderPage } from '../page.ts';
import { findResults } from '../results-store.ts';
import type { WebDeps } from '../web-deps.ts';

/** The view of a results session, as every page that shows results (or their papers) needs it. */
export function resultsOf(deps: WebDeps, session: Session, lang: Language) {
  const result = screenAnswers(session.answers, {
    screener: deps.screener,
    steps: deps.dialog.steps,
    ...(deps.dialog.date ? { date: deps.dialog.date } : {}),
  });
  return resultView(translator(lang), result, lang);
}

/** "Expired, fill in again": 410 for a page that has passed its end, 404 for one never known. */
export function resultsGone(ctx: Context, lang: Language, gone: boolean): void {
  renderPage(ctx, 'results-gone', lang, {}, gone ? 410 : 404);
}

export function resultsRoutes(deps: WebDeps): Router {
  const router = new Router();

  const show = async (ctx: Context, template: 'results' | 'results-print') => {
    const lang = pageLanguage(ctx);
    if (!lang) return false;
    const found = await findResults(deps, ctx.params.token ?? '');
    if (!found || found === 'gone') {
      resultsGone(ctx, lang, found === 'gone');
      return true;
    }
    renderPage(ctx, template, lang, {
      view: resultsOf(deps, found, lang),
      session: found.id,
      keptUntil: found.expiresAt,
      reference: found.referral?.reference,
      canEdit: found.form !== undefined,
      office: pageOffice(deps, lang, found.answers.jurisdiction, found.answers.township),
    });
    return true;
  };

  router.get('/:lang/results/:token', async (ctx, next) =>
    (await show(ctx, 'results')) ? undefined : next(),
  );
  router.get('/:lang/results/:token/print', async (ctx, next) =>
    (await show(ctx, 'results-print')) ? undefined : next(),
  );
  return router;
}
