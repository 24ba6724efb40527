/**
 * Where does my referral stand? The reference number plus the last four digits of the phone
 * the resident gave: both must match, and a wrong pair gets the same answer as an unknown
 * number (nothing is disclosed on a reference alone). Lookups are rate-limited per client, and
 * wrong tries are counted per reference too (contact-proof.ts): several addresses guessing at
 * one reference are stopped after a few tries, and the resident is told to wait. Deletion,
 * which cannot be undone, asks for the whole phone number, not just the four digits, and a
 * ticked "I understand" box.
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import ratelimit from 'koa-ratelimit';
import { limiterMemory } from '../../limits/address-windows.ts';
import type { ProofResult } from '../../../bot/referral/contact-proof.ts';
import { readPhone } from '../../../bot/referral/contact.ts';
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

/** The reference and phone digits of a lookup that succeeded, for the page it redirects to. */
const lookupCookie = 'status';
/** The reference just deleted, for the page that says so. */
const deletedCookie = 'status_deleted';
const lookupCookieOptions = {
  signed: true,
  httpOnly: true,
  sameSite: 'strict',
  overwrite: true,
  maxAge: 15 * 60_000,
} as const;

export function statusRoutes(deps: WebDeps): Router {
  const router = new Router();
  const limit = ratelimit({
    driver: 'memory',
    db: limiterMemory(),
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

  const text = (v: Record<string, unknown>, k: string) => (typeof v[k] === 'string' ? (v[k] as string) : '');

  /** The reference and phone digits as posted, or the page that says what is wrong with them. */
  const readLookup = (ctx: Context) => {
    const lang = pageLanguage(ctx)!;
    const t = translator(lang);
    const v = formValues(ctx.request.body);
    if (!ctx.state.csrfOk) {
      renderPage(ctx, 'status', lang, { v, errors: {}, notice: t('web.form.expired') }, 403);
      return undefined;
    }
    const reference = readReference(text(v, 'reference'));
    const digits = normalizeAnswer(text(v, 'digits')).replace(/\s/g, '');
    const errors: Record<string, { key: string }> = {};
    if (!reference) errors.reference = { key: 'web.status.bad_reference' };
    if (!/^\d{4}$/.test(digits)) errors.digits = { key: 'web.status.bad_digits' };
    if (Object.keys(errors).length) {
      renderPage(ctx, 'status', lang, { v, errors }, 400);
      return undefined;
    }
    return { v, reference: reference!, digits };
  };

  /** A failed proof: "not found" (unknown and wrong look the same), or "wait N minutes". */
  const refused = (ctx: Context, v: Record<string, unknown>, proof: ProofResult) => {
    const lang = pageLanguage(ctx)!;
    if (proof.ok) return;
    if (proof.locked)
      return renderPage(
        ctx,
        'status',
        lang,
        { v: {}, errors: {}, notice: translator(lang)('web.status.locked', { minutes: proof.minutes }) },
        429,
      );
    renderPage(ctx, 'status', lang, { v, errors: {}, notFound: true }, 404);
  };

  /** The referral for a posted reference and phone digits, or the page that says why not. */
  const lookup = async (ctx: Context) => {
    const posted = readLookup(ctx);
    if (!posted) return undefined;
    const proof = await deps.proof.digits(posted.reference, posted.digits);
    if (!proof.ok) return refused(ctx, posted.v, proof);
    return { found: proof.record, digits: posted.digits };
  };

  const showReferral = (
    ctx: Context,
    found: ReferralRecord,
    digits: string,
    errors: Record<string, { key: string }> = {},
    status = 200,
  ) => {
    const lang = pageLanguage(ctx)!;
    const t = translator(lang);
    renderPage(
      ctx,
      'status',
      lang,
      {
        v: {},
        errors,
        referral: {
          reference: found.reference,
          digits,
          received: formatDate(found.createdAt, lang),
          // A case merged into the person's other one is not "withdrawn" to them (duplicates.ts).
          status: found.mergedInto ? 'merged' : found.status,
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
      },
      status,
    );
  };

  // Post → redirect → get: a found referral is shown at /:lang/status/referral, the pair that
  // found it kept in a signed, httpOnly cookie of this browser for a few minutes (never in the
  // address), so Back and reload show the page again without "confirm form resubmission".
  router.post('/:lang/status', limit, async (ctx, next) => {
    const lang = pageLanguage(ctx);
    if (!lang) return next();
    const hit = await lookup(ctx);
    if (!hit) return;
    ctx.cookies.set(lookupCookie, `${hit.found.reference} ${hit.digits}`, lookupCookieOptions);
    ctx.status = 303;
    ctx.redirect(`/${lang}/status/referral`);
  });

  // Not counted against the lookup limit: the pair comes from our own signed cookie, set only
  // after a lookup that was counted and succeeded, so it cannot be used to guess.
  router.get('/:lang/status/referral', async (ctx, next) => {
    const lang = pageLanguage(ctx);
    if (!lang) return next();
    const [reference, digits] = (ctx.cookies.get(lookupCookie, { signed: true }) ?? '').split(' ');
    if (!reference || !digits) return ctx.redirect(`/${lang}/status`);
    const proof = await deps.proof.digits(reference, digits);
    if (!proof.ok) {
      ctx.cookies.set(lookupCookie, null);
      return refused(ctx, { reference }, proof);
    }
    showReferral(ctx, proof.record, digits);
  });

  // After a deletion: what was deleted, said once (a short cookie), then the plain status page.
  router.get('/:lang/status/deleted', (ctx, next) => {
    const lang = pageLanguage(ctx);
    if (!lang) return next();
    const reference = readReference(ctx.cookies.get(deletedCookie, { signed: true }) ?? '');
    if (!reference) return ctx.redirect(`/${lang}/status`);
    renderPage(ctx, 'status', lang, {
      v: {},
      errors: {},
      notice: translator(lang)('web.status.deleted', { reference }),
    });
  });

  // Irreversible, so the four digits are not enough: the whole phone number, checked in
  // constant time and counted against the same per-reference limit as the lookups.
  router.post('/:lang/status/delete', limit, async (ctx, next) => {
    const lang = pageLanguage(ctx);
    if (!lang) return next();
    const posted = readLookup(ctx);
    if (!posted || !deps.dialog.requestDeletion) return;
    // One tap must not delete: the box "I understand this cannot be undone" is ticked too
    // (a plain checkbox, so the step works without JavaScript). Unticked, nothing is checked
    // or counted, and the page asks again.
    const confirmed = text(posted.v, 'confirm') === 'yes';
    const phone = readPhone(text(posted.v, 'phone'));
    // An empty or malformed number is a slip, not a guess: not counted, asked again.
    const proof = phone && confirmed ? await deps.proof.phone(posted.reference, phone) : undefined;
    if (!proof?.ok) {
      // Someone who knows the digits: their referral again, the phone field marked.
      const shown = proof?.locked ? proof : await deps.proof.digits(posted.reference, posted.digits);
      if (!shown.ok) return refused(ctx, posted.v, shown);
      const errors: Record<string, { key: string }> = {};
      if (!confirmed) errors.confirm = { key: 'web.status.delete_confirm_needed' };
      if (!phone) errors.phone = { key: 'web.status.delete_phone_needed' };
      else if (proof) errors.phone = { key: 'web.status.delete_phone_wrong' };
      return showReferral(ctx, shown.record, posted.digits, errors, proof ? 403 : 400);
    }
    await deps.dialog.requestDeletion(proof.record.reference);
    ctx.cookies.set(lookupCookie, null);
    ctx.cookies.set(deletedCookie, proof.record.reference, { ...lookupCookieOptions, maxAge: 5 * 60_000 });
    ctx.status = 303;
    ctx.redirect(`/${lang}/status/deleted`);
  });
  return router;
}
