/**
 * Where does my referral stand? The reference number plus the last four digits of the phone
 * the resident gave: both must match, and a wrong pair gets the same answer as an unknown
 * number (nothing is disclosed on a reference alone). Lookups are rate-limited per client.
 */
import { timingSafeEqual } from 'node:crypto';
import Router from '@koa/router';
import ratelimit from 'koa-ratelimit';
import type { ReferralRecord } from '../../../bot/referral/referral-record.ts';
import { normalizeAnswer } from '../../../bot/parse/normalize.ts';
import { translator } from '../../../locales/i18n.ts';
import { formatDate } from '../format-date.ts';
import { formValues } from '../household-form.ts';
import { pageLanguage, renderPage } from '../page.ts';
import type { WebDeps } from '../web-deps.ts';

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

  router.post('/:lang/status', limit, (ctx, next) => {
    const lang = pageLanguage(ctx);
    if (!lang) return next();
    const t = translator(lang);
    const v = formValues(ctx.request.body);
    if (!ctx.state.csrfOk)
      return renderPage(ctx, 'status', lang, { v, errors: {}, notice: t('web.form.expired') }, 403);
    const text = (k: string) => (typeof v[k] === 'string' ? (v[k] as string) : '');
    const reference = readReference(text('reference'));
    const digits = normalizeAnswer(text('digits')).replace(/\s/g, '');
    const errors: Record<string, { key: string }> = {};
    if (!reference) errors.reference = { key: 'web.status.bad_reference' };
    if (!/^\d{4}$/.test(digits)) errors.digits = { key: 'web.status.bad_digits' };
    if (Object.keys(errors).length) return renderPage(ctx, 'status', lang, { v, errors }, 400);

    const found: ReferralRecord | undefined = deps.referrals.get(reference!);
    const matches = found !== undefined && sameDigits(found.phone.slice(-4), digits);
    if (!matches) return renderPage(ctx, 'status', lang, { v, errors: {}, notFound: true }, 404);
    renderPage(ctx, 'status', lang, {
      v: {},
      errors: {},
      referral: {
        reference: found.reference,
        received: formatDate(found.createdAt, lang),
        status: found.status,
        updated: formatDate(found.createdAt, lang),
        programs: found.programs
          .filter((p) => p.verdict !== 'unlikely')
          .map((p) => t(`programs.${p.id}`))
          .join(t('cli.listSeparator')),
      },
    });
  });
  return router;
}
