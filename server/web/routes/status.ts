/**
 * Where does my referral stand? The reference number plus the last four digits of the phone
 * the resident gave: both must match, and a wrong pair gets the same answer as an unknown
 * number (nothing is disclosed on a reference alone). Lookups are rate-limited per client.
 */
import { timingSafeEqual } from 'node:crypto';
import Router from '@koa/router';
import type { Context } from 'koa';
import ratelimit from 'koa-ratelimit';
import type { ReferralRecord } from '../../../bot/referral/referral-record.ts';
import { normalizeAnswer } from '../../../bot/parse/normalize.ts';
import { translator } from '../../../locales/i18n.ts';
import { formatDate } from '../format-date.ts';
import { formValues } from '../household-form.ts';
import { pageLanguage, renderPage } from '../page.ts';
import type { WebDeps } from '../web-deps.ts';
import { isReferred } from '../../../rules/explain/result-view.ts';

/** As typed: lower case, spaces, and the letters Crockford base32 reads as digits (O→0, I/L→1). */
export function readReference(input: string): string | undefined {
  const s = normalizeAnswer(input).toUpperCase().replace(/\s+/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  const m = /^([A-Z]{2})-?([0-9A-HJKMNP-TV-Z]{8})$/.exec(s);
  return m ? `${m[1]}-${m[2]}` : undefined;
}

const sameDigits = (a: string, b: string) =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

export function statusRoutes(deps: WebDeps): Router {
  const router = new Router();
  const limit = ratelimit({
    driver: 'memory',
    db: new Map(),
    duration: 60_000,
    max: deps.statusLookupsPerMinute,
    id: (ctx) => ctx.ip,
    throw: true,
  });

  router.get('/:lang/status', (ctx, next) => {
    const lang = pageLanguage(ctx);
    if (!lang) return next();
    renderPage(ctx, 'status', lang, { v: {}, errors: {} });
  });

  /** The referral for a posted reference and phone digits, or the page that says why not. */
  const lookup = (ctx: Context) => {
    const lang = pageLanguage(ctx)!;
    const t = translator(lang);
    const v = formValues(ctx.request.body);
    if (!ctx.state.csrfOk) {
      renderPage(ctx, 'status', lang, { v, errors: {}, notice: t('web.form.expired') }, 403);
      return undefined;
    }
    const text = (k: string) => (typeof v[k] === 'string' ? (v[k] as string) : '');
    const reference = readReference(text('reference'));
    const digits = normalizeAnswer(text('digits')).replace(/\s/g, '');
    const errors: Record<string, { key: string }> = {};
    if (!reference) errors.reference = { key: 'web.status.bad_reference' };
    if (!/^\d{4}$/.test(digits)) errors.digits = { key: 'web.status.bad_digits' };
    if (Object.keys(errors).length) {
      renderPage(ctx, 'status', lang, { v, errors }, 400);
      return undefined;
    }
    const found = deps.referrals.get(reference!);
    // An anonymised referral has no phone left to match: it is not found, like an unknown one.
    if (!found || !found.phone || !sameDigits(found.phone.slice(-4), digits)) {
      renderPage(ctx, 'status', lang, { v, errors: {}, notFound: true }, 404);
      return undefined;
    }
    return { found, digits };
  };

  const showReferral = (ctx: Context, found: ReferralRecord, digits: string, notice?: string) => {
    const lang = pageLanguage(ctx)!;
    const t = translator(lang);
    renderPage(ctx, 'status', lang, {
      v: {},
      errors: {},
      notice,
      referral: {
        reference: found.reference,
        digits,
        received: formatDate(found.createdAt, lang),
        status: found.status,
        updated: formatDate(found.updatedAt ?? found.createdAt, lang),
        programs: found.programs
          .filter((p) => isReferred(p.verdict))
          .map((p) => t(`programs.${p.id}`))
          .join(t('cli.listSeparator')),
        // The steps so far, in the resident's language (staff notes stay with the staff).
        history: found.history
          .filter((h) => h.action === 'status' && h.to)
          .map((h) => ({ date: formatDate(h.at, lang), state: t(`web.status.states.${h.to}`) })),
      },
    });
  };

  router.post('/:lang/status', limit, (ctx, next) => {
    if (!pageLanguage(ctx)) return next();
    const hit = lookup(ctx);
    if (hit) showReferral(ctx, hit.found, hit.digits);
  });

  router.post('/:lang/status/delete', limit, async (ctx, next) => {
    const lang = pageLanguage(ctx);
    if (!lang) return next();
    const hit = lookup(ctx);
    if (!hit || !deps.dialog.requestDeletion) return;
    await deps.dialog.requestDeletion(hit.found.reference);
    renderPage(ctx, 'status', lang, {
      v: {},
      errors: {},
      notice: translator(lang)('web.status.deleted', { reference: hit.found.reference }),
    });
  });
  return router;
}
