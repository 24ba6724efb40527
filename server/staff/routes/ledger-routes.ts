/**
 * The 台账 download. It uses the inbox's own query (readFilter + streamSelected), so it can never
 * hold a case the inbox would not show; whole numbers follow the one rule in ledger-access.ts;
 * every export is audited before a byte is sent (a full one as export_full, with its row count
 * and how many rows carry whole numbers: no personal data in the entry).
 */
import { PassThrough, Readable } from 'node:stream';
import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { readFilter, selectReferrals, streamSelected } from '../inbox-query.ts';
import { showsFullNumbers } from '../ledger-access.ts';
import { ledgerColumns, ledgerPrograms } from '../ledger-columns.ts';
import { ledgerCsvChunks, writeLedgerXlsx } from '../ledger-export.ts';
import { contentDisposition, ledgerFileNames } from '../ledger-file-name.ts';
import type { StaffState } from '../staff-auth.ts';
import type { StaffDeps } from '../staff-deps.ts';
import { countyStaff } from '../staff-directory.ts';

const exportRequest = z.object({
  format: z.enum(['xlsx', 'csv']),
  variant: z.enum(['masked', 'full']),
});

export function ledgerRoutes(deps: StaffDeps): Router {
  const router = new Router({ prefix: '/staff', sensitive: true });
  const audit = deps.staff.audit;
  const me = (ctx: Context) => (ctx.state.staff as StaffState).user;

  router.get('/export.:format', async (ctx) => {
    const parsed = exportRequest.safeParse({
      format: ctx.params.format,
      variant: ctx.query.full === '1' ? 'full' : 'masked',
    });
    if (!parsed.success) return;
    const { format, variant } = parsed.data;
    const user = me(ctx);
    const filter = readFilter(ctx.query);
    // Newest first (the store's order) the rows are read twice as a stream: once to count them
    // for the audit entry and learn the program columns, once to write them, so a county's
    // 台账 never sits in memory. A case stored between the two reads may be in the file and not
    // in the count. Another sort has to see every selected row before the first: those are held.
    const held = filter.sort ? await selectReferrals(deps.referrals, user, filter) : undefined;
    const rows = () => held ?? streamSelected(deps.referrals, user, filter);
    const staff = await countyStaff(deps, user.county);
    const programs = ledgerPrograms();
    let count = 0;
    let whole = 0;
    for await (const r of rows()) {
      count++;
      if (showsFullNumbers(user, r, variant)) whole++;
      programs.add(r);
    }
    const columns = ledgerColumns(
      { townships: deps.townships, staff: { users: staff } },
      user,
      variant,
      programs.list(),
    );
    if (variant === 'full')
      await audit.append(user, 'export_full', format, `${count} rows, ${whole} with full numbers`);
    else await audit.append(user, 'export', format, `${count} rows`);

    // The file covers the caseworker's township, or the one the admin filtered on, or the county.
    const townshipId = user.role === 'caseworker' ? user.township : filter.township;
    const township = deps.townships(user.county).find((tw) => tw.id === townshipId);
    const names = ledgerFileNames(
      { county: user.county, ...(township ? { township: { id: township.id, name: township.name.zh } } : {}) },
      variant,
      format,
      deps.now(),
    );
    ctx.set('Content-Disposition', contentDisposition(names));
    ctx.set('Cache-Control', 'no-store');
    if (format === 'csv') {
      ctx.type = 'text/csv; charset=utf-8';
      ctx.body = Readable.from(ledgerCsvChunks(columns, rows()));
      return;
    }
    ctx.type = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    const out = new PassThrough();
    ctx.body = out;
    // Written while koa sends it; a failure part-way ends the download broken, never silently whole.
    writeLedgerXlsx(out, columns, rows()).catch((err: unknown) => out.destroy(err as Error));
  });
  return router;
}
