/**
 * The one-page form (no JavaScript needed): base facts first, optional sections folded. When
 * the rules say a folded section would still decide a program, the form comes back with those
 * sections opened and marked; a second "show results" shows them as they stand. Results are
 * kept as a session whose random id is the results page's address (results-store.ts), so the
 * referral form that follows can use them and the resident can come back to them.
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import { toHousehold } from '../../../bot/dialog/answers.ts';
import type { Language } from '../../../locales/i18n.ts';
import { translator } from '../../../locales/i18n.ts';
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
import { findResults, keepResults } from '../results-store.ts';
import { placeFromQuery, type WebDeps } from '../web-deps.ts';
import { resultsGone } from './results.ts';

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

  router.post('/:lang/form', async (ctx, next) => {
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
    // Post → redirect → get: the results get their own address, so Back, reload and a bookmark
    // never post the form again. Kept as a session, counted per address like a new conversation.
    const { action: _, ...typed } = values;
    const token = await keepResults(deps, ctx, lang, { answers: parsed.answers, form: typed });
    ctx.status = 303;
    ctx.redirect(`/${lang}/results/${token}`);
  });

  // "Change answers" on a results page: the form as it was typed, posted again from there.
  router.get('/:lang/results/:token/edit', async (ctx, next) => {
    const lang = pageLanguage(ctx);
    if (!lang) return next();
    const found = await findResults(deps, ctx.params.token ?? '');
    if (!found || found === 'gone') return resultsGone(ctx, lang, found === 'gone');
    showForm(ctx, lang, found.form ?? {});
  });
  return router;
}
