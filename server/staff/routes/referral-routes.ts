/**
 * The inbox, one referral, and what caseworkers do to it. Every read and change goes through
 * canSee (access.ts) and is written to the audit log; a referral outside the user's township
 * is "not found", the same as one that does not exist.
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import type { Answers } from '../../../bot/dialog/answers.ts';
import { closedStatuses, nextStatuses, referralStatuses } from '../../../bot/referral/referral-record.ts';
import { translator } from '../../../locales/i18n.ts';
import { programIds } from '../../../rules/engine/household-values.ts';
import { formatAmount } from '../../../rules/explain/result-view.ts';
import { formatDate } from '../../web/format-date.ts';
import { formValues } from '../../web/household-form.ts';
import { canSee } from '../access.ts';
import { duplicateBox, duplicateHistoryText, inboxDuplicateFlags } from '../duplicates-view.ts';
import {
  householdResult,
  householdTranslator,
  outcomeLines,
  paperIds,
  papersNeeded,
  receivedPapersSchema,
  takeCaseSchema,
} from '../case-view.ts';
import { inboxPage, readFilter } from '../inbox-query.ts';
import { inboxExtras, rowClock } from '../inbox-view.ts';
import {
  answerLines,
  chinaDateTime,
  contactView,
  listRow,
  papersToCollect,
  referralResult,
  staffName,
  townshipName,
} from '../referral-view.ts';
import type { StaffState } from '../staff-auth.ts';
import type { StaffDeps } from '../staff-deps.ts';
import { countyStaff } from '../staff-directory.ts';
import { visibleCase } from '../visible-case.ts';
import { renderStaff, staffLanguage } from '../staff-page.ts';
import { memberRows, visitSheetCss } from '../visit-sheet.ts';
import { applyChange, type Change, cleanText } from '../workflow.ts';

export function referralRoutes(deps: StaffDeps): Router {
  const router = new Router({ prefix: '/staff', sensitive: true });
  const audit = deps.staff.audit;
  const me = (ctx: Context) => (ctx.state.staff as StaffState).user;

  const visible = (ctx: Context) => visibleCase(deps, ctx);

  router.get('/', async (ctx) => {
    const user = me(ctx);
    const lang = staffLanguage(ctx);
    const filter = readFilter(ctx.query);
    const [page, staff] = await Promise.all([
      inboxPage(deps.referrals, user, filter, (id) => townshipName(deps, user.county, id, lang)),
      countyStaff(deps, user.county),
    ]);
    const t = translator(lang);
    const now = deps.now();
    renderStaff(ctx, deps, 'inbox', {
      notice: ctx.query.changed ? 'staff.password.changed' : undefined,
      filter,
      query: new URLSearchParams(
        Object.entries(filter)
          .filter(([k]) => k !== 'page')
          .map(([k, v]): [string, string] => [k, String(v)]),
      ).toString(),
      rows: page.items.map((r) => ({ ...listRow(deps, staff, r, lang), ...rowClock(deps, r, now) })),
      duplicates: await inboxDuplicateFlags(deps, page.items, user),
      ...inboxExtras(deps, staff, user, filter, lang),
      assigned:
        typeof ctx.query.assigned === 'string' ? Number.parseInt(ctx.query.assigned, 10) || 0 : undefined,
      total: page.total,
      unreturnable: page.unreturnable,
      page: page.page,
      pages: page.pages,
      counts: referralStatuses.map((s) => ({ id: s, name: t(`staff.statuses.${s}`), count: page.counts[s] })),
      statuses: referralStatuses.map((s) => ({ id: s, name: t(`staff.statuses.${s}`) })),
      programs: programIds.map((p) => ({ id: p, name: t(`programs.${p}`) })),
      townships:
        user.role === 'county_admin'
          ? deps.townships(user.county).map((tw) => ({ id: tw.id, name: tw.name[lang] }))
          : [],
    });
  });

  router.get('/referrals/:ref', async (ctx) => {
    const r = await visible(ctx);
    if (!r) return;
    const user = me(ctx);
    const lang = staffLanguage(ctx);
    const t = translator(lang);
    await audit.append(user, 'view', r.reference);
    const staff = await countyStaff(deps, r.jurisdiction);
    const staffHere = [...staff.values()].filter(
      (u) =>
        !u.disabled &&
        u.county === r.jurisdiction &&
        (u.role === 'county_admin' || u.township === r.township),
    );
    const papers = r.kind === 'referral' ? papersNeeded(deps, r, lang) : [];
    renderStaff(ctx, deps, 'referral', {
      r,
      row: listRow(deps, staff, r, lang),
      visitAt: r.visitAt ? chinaDateTime(r.visitAt) : undefined,
      contact: contactView(r, user),
      answers: {
        // Row labels in the staff member's language; the values in Chinese and the resident's.
        labels: answerLines(r.answers, lang).map((l) => l.label),
        zh: answerLines(r.answers, 'zh'),
        resident: r.lang !== 'zh' ? answerLines(r.answers, r.lang) : undefined,
        residentLang: r.lang,
        residentDir: r.lang === 'zh' ? 'ltr' : 'rtl',
      },
      // Worded about the household (该户), not to the resident (您家): staff.household.* in staff.json.
      view: r.kind !== 'callback' ? householdResult(deps, r, lang) : undefined,
      ht: householdTranslator(lang),
      outcomes: outcomeLines(staff, r, lang),
      papersNeeded: papers,
      papersMissing: papers.filter((p) => !p.received).length,
      // Someone changing the status of a case that is not theirs is offered to take it.
      takeOffer: r.assignee !== user.id,
      history: r.history.map((h) => ({
        at: chinaDateTime(h.at),
        by: staffName(staff, h.by, t),
        text:
          duplicateHistoryText(h, t) ??
          (h.action === 'status'
            ? t('staff.history.status', {
                from: t(`staff.statuses.${h.from}`),
                to: t(`staff.statuses.${h.to}`),
              })
            : h.action === 'assigned'
              ? t('staff.history.assigned', { to: staffName(staff, h.to, t) })
              : h.action === 'outcome'
                ? t('staff.history.outcome', {
                    to: `${t(`programs.${h.from}`)} · ${t(`staff.referral.${h.to}`)}`,
                  })
                : // A visit says when (its old time, if moved, stays in the earlier entry).
                  t(
                    `staff.history.${h.action}`,
                    h.action === 'visit' && h.to ? { at: chinaDateTime(h.to) } : {},
                  )),
        note: h.action === 'created' ? undefined : h.note,
        linked: h.action === 'created' ? h.note : undefined,
      })),
      next: nextStatuses[r.status].map((s) => ({ id: s, name: t(`staff.statuses.${s}`) })),
      staffHere: staffHere.map((u) => ({ id: u.id, name: u.displayName })),
      closed: closedStatuses.has(r.status),
      deletion: r.deletionRequestedAt ? formatDate(r.deletionRequestedAt, lang) : undefined,
      anonymised: r.anonymisedAt ? formatDate(r.anonymisedAt, lang) : undefined,
      township: townshipName(deps, r.jurisdiction, r.township, lang),
      duplicates: r.kind === 'referral' ? await duplicateBox(deps, staff, r, user, lang) : undefined,
      notice:
        typeof ctx.query.saved === 'string'
          ? `staff.referral.${ctx.query.saved === 'notified' ? 'notified' : 'saved'}`
          : undefined,
    });
  });

  router.post('/referrals/:ref/:action', async (ctx) => {
    const r = await visible(ctx);
    if (!r) return;
    const user = me(ctx);
    const v = formValues(ctx.request.body);
    const text = (k: string) => (typeof v[k] === 'string' ? (v[k] as string) : '');
    const back = (saved: string) => ctx.redirect(`/staff/referrals/${r.reference}?saved=${saved}`);
    if (!ctx.state.csrfOk) return renderStaff(ctx, deps, 'error', { message: 'staff.errors.expired' }, 403);
    let change: Change | undefined;
    switch (ctx.params.action) {
      case 'status': {
        const to = referralStatuses.find((s) => s === text('to'));
        if (to)
          change = { kind: 'status', to, ...(text('note').trim() ? { note: cleanText(text('note')) } : {}) };
        break;
      }
      case 'papers': {
        const ticked = receivedPapersSchema.safeParse(v.received);
        // Only papers this case's programs ask for: a forged id is dropped, not stored.
        const known = paperIds(deps, r);
        if (ticked.success && r.kind === 'referral')
          change = { kind: 'papers', received: ticked.data.filter((id) => known.has(id)) };
        break;
      }
      case 'assign': {
        const to = await deps.staff.users.get(text('to'));
        if (to && canSee(to, r)) change = { kind: 'assign', to: to.id };
        break;
      }
      case 'note':
        if (text('note').trim()) change = { kind: 'note', note: cleanText(text('note')) };
        break;
      case 'outcome': {
        const decision =
          text('decision') === 'approved'
            ? 'approved'
            : text('decision') === 'declined'
              ? 'declined'
              : undefined;
        const amount = Number(text('amount'));
        if (decision)
          change = {
            kind: 'outcome',
            program: text('program'),
            outcome: {
              decision,
              ...(text('tier').trim() ? { tier: cleanText(text('tier'), 20) } : {}),
              ...(text('amount').trim() && Number.isFinite(amount) && amount >= 0
                ? { monthlyAmount: amount }
                : {}),
              ...(text('reason').trim() ? { reason: cleanText(text('reason'), 500) } : {}),
            },
          };
        break;
      }
    }
    if (!change) return renderStaff(ctx, deps, 'error', { message: 'staff.errors.forbidden' }, 400);
    const result = await applyChange(deps.referrals, r.reference, user, change, deps.now());
    if (!result.ok) {
      const t = translator(staffLanguage(ctx));
      const message =
        result.error === 'bad_transition'
          ? t('staff.referral.bad_transition', {
              from: t(`staff.statuses.${r.status}`),
              to: t(`staff.statuses.${text('to')}`, { defaultValue: text('to') }),
            })
          : t('staff.errors.forbidden');
      return renderStaff(ctx, deps, 'error', { text: message }, 409);
    }
    const detail =
      change.kind === 'status'
        ? // From the status the change was made on (another caseworker may have moved it since the page was read).
          `${result.record.history.at(-1)?.from ?? r.status} -> ${change.to}`
        : change.kind === 'outcome'
          ? `${change.program}: ${change.outcome.decision}`
          : change.kind === 'papers'
            ? change.received.join(',')
            : undefined;
    await audit.append(user, change.kind, r.reference, detail);
    // "Also assign this case to me", ticked beside the status change: the change is made first, then the case taken.
    const take = takeCaseSchema.safeParse(v.take);
    if (change.kind === 'status' && take.success && take.data && result.record.assignee !== user.id) {
      const taken = await applyChange(
        deps.referrals,
        r.reference,
        user,
        { kind: 'assign', to: user.id },
        deps.now(),
      );
      if (taken.ok) await audit.append(user, 'assign', r.reference);
    }
    if (result.notifyResident) deps.onStatusChange(result.record);
    back(result.notifyResident ? 'notified' : 'saved');
  });

  router.get('/referrals/:ref/print', async (ctx) => {
    const r = await visible(ctx);
    if (!r) return;
    const user = me(ctx);
    const lang = staffLanguage(ctx);
    const t = translator(lang);
    const answers = r.answers as Answers;
    await audit.append(user, 'print', r.reference);
    const view = r.kind !== 'callback' ? referralResult(deps, r, lang) : undefined;
    const papers = papersToCollect(deps, r, lang);
    renderStaff(ctx, deps, 'print', {
      r,
      contact: contactView(r, user),
      answers: answerLines(r.answers, lang),
      view,
      papers,
      township: townshipName(deps, r.jurisdiction, r.township, lang),
      created: chinaDateTime(r.createdAt),
      members: memberRows(answers, lang),
      income:
        answers.monthlyIncome !== undefined
          ? t('staff.referral.per_month', { amount: formatAmount(answers.monthlyIncome, lang) })
          : t('staff.referral.unknown'),
    });
  });

  /** The sheet's @page CSS: the reference and page numbers on every printed page (visit-sheet.ts). */
  router.get('/referrals/:ref/print.css', async (ctx) => {
    const r = await visible(ctx);
    if (!r) return;
    ctx.type = 'text/css; charset=utf-8';
    ctx.body = visitSheetCss(r.reference, staffLanguage(ctx));
  });
  return router;
}
