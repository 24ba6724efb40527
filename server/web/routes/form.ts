/**
 * The one-page form (no JavaScript needed): base facts first, optional sections folded. When
 * the rules say a folded section would still decide a program, the form comes back with those
 * sections opened and marked; a second "show results" shows them as they stand. Results are
 * kept as a session (random id), so the referral form that follows can use them.
 */
import { randomUUID } from 'node:crypto';
import Router from '@koa/router';
import type { Context } from 'koa';
import { toHousehold } from '../../../bot/dialog/answers.ts';
import { newSession } from '../../../bot/dialog/session.ts';
import type { Language } from '../../../locales/i18n.ts';
import { translator } from '../../../locales/i18n.ts';
import { resultView } from '../../../rules/explain/result-view.ts';
import { programIds } from '../../../rules/engine/household-values.ts';
import {
  capacities,
  consequences,
  defaultRows,
  disabilityKinds,
  emergencyKinds,
  type FormErrors,
  type FormValues,
  formValues,
  grades,
  maxRows,
  neededSections,
  readHouseholdForm,
  rowCount,
  type Section,
  schoolings,
  seenSections,
  supporters,
} from '../household-form.ts';
import { pageLanguage, renderPage } from '../page.ts';
import { pageOffice } from '../office-view.ts';
import { placeFromQuery, type WebDeps } from '../web-deps.ts';

export function formRoutes(deps: WebDeps): Router {
  const router = new Router();
  const ctxSteps = deps.dialog.steps;

  const showForm = (
    ctx: Context,
    lang: Language,
    values: FormValues,
    o: { errors?: FormErrors; open?: Section[]; notice?: string; status?: number } = {},
  ) => {
    const t = translator(lang);
    const rows = rowCount(values);
    const seen = seenSections(values);
    for (const s of o.open ?? []) seen.add(s);
    renderPage(
      ctx,
      'form',
      lang,
      {
        v: values,
        current: ([] as string[]).concat(values.current ?? []),
        errors: o.errors ?? {},
        errorCount: Object.keys(o.errors ?? {}).length,
        rows: Array.from({ length: rows }, (_, i) => i),
        rowCount: rows,
        canAddRows: rows < maxRows,
        open: o.open ?? [],
        seen: [...seen],
        notice: o.notice,
        counties: ctxSteps.counties.map((id) => ({
          id,
          name: t(`chat.options.county_${id}`),
          townships: ctxSteps.townships(id).map((tw) => ({ id: tw.id, name: tw.name[lang] })),
          propertyRules: ctxSteps.propertyRules(id)?.[lang],
        })),
        options: {
          capacities,
          grades,
          disabilityKinds,
          schoolings,
          emergencyKinds,
          consequences,
          supporters,
          programs: programIds,
        },
      },
      o.status,
    );
  };

  router.get('/:lang/form', (ctx, next) => {
    const lang = pageLanguage(ctx);
    if (!lang) return next();
    const place = placeFromQuery(ctx.query, deps);
    showForm(ctx, lang, {
      county: place.county ?? '',
      township: place.township ?? '',
      rows: String(defaultRows),
    });
  });

  router.post('/:lang/form', (ctx, next) => {
    const lang = pageLanguage(ctx);
    if (!lang) return next();
    const t = translator(lang);
    const values = formValues(ctx.request.body);
    if (!ctx.state.csrfOk) return showForm(ctx, lang, values, { notice: t('web.form.expired'), status: 403 });
    if (values.action === 'edit') return showForm(ctx, lang, values);
    if (values.action === 'add_rows') {
      return showForm(ctx, lang, { ...values, rows: String(Math.min(rowCount(values) + 3, maxRows)) });
    }
    const parsed = readHouseholdForm(values, ctxSteps);
    if (!parsed.answers)
      return showForm(ctx, lang, { ...values, ...parsed.corrected }, { errors: parsed.errors, status: 400 });

    const household = toHousehold(parsed.answers, deps.dialog.date);
    const screened = household && deps.screener.screen(household);
    if (!screened?.ok) throw new Error('the form produced an invalid household');
    const result = screened.value;
    const open = neededSections(result).filter((s) => !parsed.known.has(s));
    if (open.length && values.action !== 'results') {
      return showForm(ctx, lang, values, { open, notice: t('web.form.needed') });
    }
    // The results are kept as a new session: counted per address like any new conversation.
    deps.newConversation(ctx);
    const now = deps.dialog.now();
    const session = {
      ...newSession(randomUUID(), lang, now),
      phase: 'results' as const,
      answers: parsed.answers,
    };
    deps.sessions.set(session.id, session);
    renderPage(ctx, 'results', lang, {
      view: resultView(t, result, lang),
      session: session.id,
      form: values,
      office: pageOffice(deps, lang, parsed.answers.jurisdiction, parsed.answers.township),
    });
  });
  return router;
}
