/**
 * 政策找人 in the browser, for the county admin only: upload a roster (CSV or XLSX), watch it
 * being screened (a JSON progress endpoint for the page's script; without JavaScript the page
 * refreshes itself), read the flagged households with their reasons, download the results and
 * turn the flagged households into visits in their townships' inboxes. Audited: who, what and
 * how many, never a household's data.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Router from '@koa/router';
import type { Context, Next } from 'koa';
import { translator } from '../../../locales/i18n.ts';
import { openResultsWriter } from '../../../rules/cli/roster/write-results.ts';
import { formTokenValid } from '../../middleware/csrf.ts';
import { isCountyAdmin } from '../access.ts';
import { chinaDateTime, townshipName } from '../referral-view.ts';
import type { StaffState } from '../staff-auth.ts';
import type { StaffDeps } from '../staff-deps.ts';
import { renderStaff, staffLanguage } from '../staff-page.ts';
import { flaggedClauses } from './roster-clauses.ts';
import { defaultRosterSettings, type RosterJob, rosterJobs } from './roster-jobs.ts';
import { readUpload } from './roster-upload.ts';
import { createVisits, type VisitsReport } from './roster-visits.ts';

/** Rows shown on the page; the download has them all. */
const shownRows = 1000;
const jobPattern = /^[A-Za-z0-9_-]{43}$/;

export function rosterRoutes(deps: StaffDeps): Router {
  const router = new Router({ prefix: '/staff/roster', sensitive: true });
  const settings = deps.roster ?? defaultRosterSettings();
  const jobs = rosterJobs(settings, deps.screener, deps.now);
  const reports = new WeakMap<RosterJob, VisitsReport>();
  const audit = deps.staff.audit;
  const me = (ctx: Context) => (ctx.state.staff as StaffState).user;
  const adminOnly = async (ctx: Context, next: Next) => {
    if (isCountyAdmin(me(ctx))) return next();
    await audit.append(me(ctx), 'denied', 'roster');
    renderStaff(ctx, deps, 'error', { message: 'staff.errors.forbidden' }, 403);
  };
  /** This county's job named in the path, or a "not found" page. */
  const jobOf = (ctx: Context): RosterJob | undefined => {
    const id = String(ctx.params.job ?? '');
    const job = jobPattern.test(id) ? jobs.get(id, me(ctx).county) : undefined;
    if (!job) renderStaff(ctx, deps, 'error', { message: 'staff.roster.errors.gone' }, 404);
    return job;
  };
  const percent = (job: RosterJob) =>
    job.state === 'running'
      ? Math.min(99, Math.floor((job.bytesDone / Math.max(1, job.bytesTotal)) * 100))
      : 100;

  const uploadPage = (ctx: Context, extra: Record<string, unknown> = {}, status = 200) =>
    renderStaff(
      ctx,
      deps,
      'roster',
      { maxMb: Math.floor((settings.maxBytes / 1024 / 1024) * 10) / 10, ...extra },
      status,
    );

  router.get('/', adminOnly, (ctx) => uploadPage(ctx));

  router.post('/', adminOnly, async (ctx) => {
    const user = me(ctx);
    const upload = await readUpload(ctx, settings.maxBytes);
    if (!upload.ok)
      return uploadPage(ctx, { error: upload.error, errorArgs: upload.errorArgs }, upload.status);
    if (!formTokenValid(ctx, upload.token)) return uploadPage(ctx, { error: 'staff.errors.expired' }, 403);
    const started = await jobs.start(upload.bytes, upload.kind, user.county, user.id, staffLanguage(ctx));
    if (!started.ok) {
      const status = started.error === 'staff.roster.errors.busy' ? 429 : 400;
      return uploadPage(
        ctx,
        { error: started.error, errorArgs: started.errorArgs, problem: started.message },
        status,
      );
    }
    await audit.append(user, 'roster_upload', 'roster', `${upload.kind} ${upload.bytes.length} bytes`);
    ctx.status = 303;
    ctx.redirect(`/staff/roster/${started.job.id}`);
  });

  router.get('/:job/progress.json', adminOnly, (ctx) => {
    const id = String(ctx.params.job ?? '');
    const job = jobPattern.test(id) ? jobs.get(id, me(ctx).county) : undefined;
    if (!job) {
      ctx.status = 404;
      ctx.body = { state: 'gone' };
      return;
    }
    ctx.body = { state: job.state, percent: percent(job), rows: job.rowsRead };
  });

  router.get('/:job', adminOnly, (ctx) => {
    const job = jobOf(ctx);
    if (!job) return;
    const lang = staffLanguage(ctx);
    const t = translator(lang);
    const flagged = job.rows.filter((r) => r.flag);
    const report = reports.get(job);
    renderStaff(ctx, deps, 'roster', {
      job: {
        id: job.id,
        state: job.state,
        percent: percent(job),
        rows: job.rowsRead,
        households: job.summary?.households ?? 0,
        flaggedCount: flagged.length,
        unflagged: (job.summary?.households ?? 0) - flagged.length,
        errorCount: job.errors.length,
        expires: chinaDateTime(new Date(job.expiresAt).toISOString()),
      },
      flagged: flagged.slice(0, shownRows).map((r) => ({
        householdId: r.household_id,
        township: r.township,
        village: r.village,
        flag: r.flag,
        reason: r.flag_reason,
        clauses: r.detail ? flaggedClauses(r.detail) : [],
      })),
      moreFlagged: Math.max(0, flagged.length - shownRows),
      rowErrors: job.errors.slice(0, shownRows),
      moreErrors: Math.max(0, job.errors.length - shownRows),
      report: report && {
        created: report.created.map((c) => ({
          ...c,
          township: townshipName(deps, me(ctx).county, c.township, lang) || t('staff.inbox.no_township'),
        })),
        duplicates: report.duplicates,
        already: report.already,
        noTownship: report.noTownship,
      },
    });
  });

  router.get('/:job/results.xlsx', adminOnly, async (ctx) => {
    const job = jobOf(ctx);
    if (!job) return;
    const user = me(ctx);
    // The CLI's own writer (same columns, errors sheet, formulas neutralised), to a private file
    // that is read back and deleted at once.
    const file = join(settings.uploadDir, `${job.id}.results.xlsx`);
    try {
      const writer = openResultsWriter(file, translator('zh'));
      for (const r of job.rows) await writer.add(r);
      for (const e of job.errors) writer.addError(e.row, e.message);
      await writer.close();
      ctx.body = readFileSync(file);
    } finally {
      rmSync(file, { force: true });
    }
    await audit.append(user, 'roster_download', 'roster', `${job.rows.length} rows`);
    const stamp = chinaDateTime(deps.now().toISOString()).slice(0, 10);
    ctx.type = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    ctx.set('Content-Disposition', `attachment; filename="roster-results-${user.county}-${stamp}.xlsx"`);
  });

  router.post('/:job/visits', adminOnly, async (ctx) => {
    const job = jobOf(ctx);
    if (!job) return;
    if (!ctx.state.csrfOk || job.state !== 'done') {
      ctx.status = 303;
      return ctx.redirect(`/staff/roster/${job.id}`);
    }
    const user = me(ctx);
    // One press at a time per job: a second press waits for the first, then finds its cases.
    const previous = job.visits ?? Promise.resolve();
    const run = previous.then(() => createVisits(deps, job, user));
    job.visits = run.catch(() => undefined);
    const report = await run;
    reports.set(job, report);
    await audit.append(
      user,
      'roster_visits',
      'roster',
      `${report.created.length} created, ${report.duplicates.length} duplicates, ${report.already} already, ${report.noTownship.length} without township`,
    );
    ctx.status = 303;
    ctx.redirect(`/staff/roster/${job.id}#visits`);
  });

  return router;
}
