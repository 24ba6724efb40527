/**
 * The inbox as a query: the filters a caseworker sets (checked with zod), applied to the
 * referrals they may see, newest first, a page at a time, with counts per status. Exports use
 * the same query, so a list, an export and a print can never show more than the inbox.
 * The records come from the store by the user's township or county (seen-referrals.ts); a
 * whole phone or ID number is matched exactly through the store's keyed hash index
 * (`findByHash`: an index lookup on PostgreSQL), never by hashing every record.
 */
import { z } from 'zod';
import { readIdNumber, readPhone } from '../../bot/referral/contact.ts';
import {
  cannotBeReturned,
  inboxScope,
  type ReferralRecord,
  type ReferralStatus,
  referralSortKey,
  referralStatuses,
} from '../../bot/referral/referral-record.ts';
import type { Collection } from '../../bot/store/collection-store.ts';
import { canSee } from './access.ts';
import { newestFirstWindow, sortedWindow } from './inbox-window.ts';
import { streamSeenBy } from './seen-referrals.ts';
import type { StaffUser } from './staff-records.ts';
import { isReferred } from '../../rules/explain/result-view.ts';
import { sortColumns, sortReferrals } from './inbox-sort.ts';

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const blankToUndefined = (v: unknown) => (v === '' || (Array.isArray(v) && v.length === 0) ? undefined : v);

export const inboxFilterSchema = z.object({
  status: z.preprocess(blankToUndefined, z.enum(referralStatuses).optional()),
  program: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^[a-z_]{1,40}$/)
      .optional(),
  ),
  /** "unreturnable": the call-backs stored without a phone (their own list, never in the work). */
  kind: z.preprocess(blankToUndefined, z.enum(['referral', 'callback', 'roster', 'unreturnable']).optional()),
  from: z.preprocess(blankToUndefined, date.optional()),
  to: z.preprocess(blankToUndefined, date.optional()),
  township: z.preprocess(blankToUndefined, z.string().max(60).optional()),
  village: z.preprocess(blankToUndefined, z.string().max(60).optional()),
  q: z.preprocess(blankToUndefined, z.string().max(60).optional()),
  page: z.preprocess(blankToUndefined, z.coerce.number().int().min(1).max(100_000).optional()),
  /** Sorting and "assigned to me" (inbox-sort.ts): plain GET parameters, so links work without JS. */
  sort: z.preprocess(blankToUndefined, z.enum(sortColumns).optional()),
  dir: z.preprocess(blankToUndefined, z.enum(['asc', 'desc']).optional()),
  mine: z.preprocess(blankToUndefined, z.literal('1').optional()),
});
export type InboxFilter = z.infer<typeof inboxFilterSchema>;

/** Query-string values (first of repeated ones); anything malformed is dropped, never an error. */
export function readFilter(query: Record<string, unknown>): InboxFilter {
  const first = Object.fromEntries(Object.entries(query).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
  const out: InboxFilter = {};
  for (const key of Object.keys(inboxFilterSchema.shape) as (keyof InboxFilter)[]) {
    const parsed = inboxFilterSchema.shape[key].safeParse(first[key]);
    if (parsed.success && parsed.data !== undefined) (out as Record<string, unknown>)[key] = parsed.data;
  }
  return out;
}

/** China's calendar day of an ISO instant (what "submitted on 2026-11-24" means to a township). */
const chinaDay = (iso: string) => new Date(new Date(iso).getTime() + 8 * 3600_000).toISOString().slice(0, 10);

/**
 * The references whose stored phone or ID number is the whole number typed (normalised as
 * stored), found through the keyed hash index.
 */
export async function searchHits(
  referrals: Collection<ReferralRecord>,
  q: string | undefined,
): Promise<ReadonlySet<string>> {
  const index = referrals.index;
  const text = q?.trim();
  if (!text || !index) return new Set();
  const phone = readPhone(text);
  const idNumber = readIdNumber(text);
  const found = await Promise.all([
    ...(phone ? [referrals.findByHash('phone', index.hash('phone', phone))] : []),
    ...(idNumber ? [referrals.findByHash('idNumber', index.hash('idNumber', idNumber))] : []),
  ]);
  return new Set(found.flat().map((r) => r.reference));
}

/**
 * A call-back stored with no phone (before call-backs required one): nobody can return it, so
 * it is never counted or listed as work, only in its own list with that said.
 */
export { cannotBeReturned };

/** Part of a reference as typed ("eq701", "TE-EQ7"): letters and digits only, upper case. */
const referenceFragment = (q: string) => {
  const bare = q.toUpperCase().replace(/[\s-]/g, '');
  return /^[0-9A-Z]{4,10}$/.test(bare) ? bare : undefined;
};

function matches(
  r: ReferralRecord,
  f: InboxFilter,
  ignoreStatus = false,
  hits: ReadonlySet<string> = new Set(),
): boolean {
  if (!ignoreStatus && f.status && r.status !== f.status) return false;
  if ((f.kind === 'unreturnable') !== cannotBeReturned(r)) return false;
  if (f.kind && f.kind !== 'unreturnable' && r.kind !== f.kind) return false;
  if (f.program && !r.programs.some((p) => p.id === f.program && isReferred(p.verdict))) return false;
  if (f.township && (r.township ?? '') !== (f.township === '-' ? '' : f.township)) return false;
  if (f.from && chinaDay(r.createdAt) < f.from) return false;
  if (f.to && chinaDay(r.createdAt) > f.to) return false;
  if (f.village && !(r.village ?? '').includes(f.village)) return false;
  if (f.q) {
    const q = f.q.trim();
    const fragment = referenceFragment(q);
    const hit =
      (fragment !== undefined && r.reference.replace('-', '').includes(fragment)) ||
      (q.length >= 1 && r.name.includes(q)) ||
      (/^\d{4}$/.test(q) && r.phone.endsWith(q)) ||
      hits.has(r.reference);
    if (!hit) return false;
  }
  return true;
}

export const pageSize = 50;

export interface InboxPage {
  items: ReferralRecord[];
  total: number;
  page: number;
  pages: number;
  counts: Record<ReferralStatus, number>;
  /** Call-backs this user may see that cannot be returned (no phone): listed apart. */
  unreturnable: number;
}

/**
 * Everything the user may see that the filter selects, in the filter's order: what a 台账 or
 * a print holds. Read as a stream, so only the selection is held, never the county around it.
 */
export async function selectReferrals(
  referrals: Collection<ReferralRecord>,
  user: StaffUser,
  f: InboxFilter,
  townshipName?: (id: string) => string,
): Promise<ReferralRecord[]> {
  const out: ReferralRecord[] = [];
  for await (const r of streamSelected(referrals, user, f)) out.push(r);
  return sortReferrals(out, f.sort, f.dir, townshipName);
}

/**
 * What selectReferrals selects, newest first (the store's order: ignores `sort`), yielded as
 * the store's pages arrive: a caller that writes each row out holds a page at a time.
 */
export async function* streamSelected(
  referrals: Collection<ReferralRecord>,
  user: StaffUser,
  f: InboxFilter,
): AsyncGenerator<ReferralRecord> {
  const hits = await searchHits(referrals, f.q);
  for await (const r of streamSeenBy(referrals, user))
    if ((!f.mine || r.assignee === user.id) && matches(r, f, false, hits)) yield r;
}

/** selectReferrals over records already read (each still checked with canSee). */
export function selectFrom(
  all: Iterable<ReferralRecord>,
  user: StaffUser,
  f: InboxFilter,
  hits: ReadonlySet<string> = new Set(),
  townshipName?: (id: string) => string,
): ReferralRecord[] {
  const out: ReferralRecord[] = [];
  for (const r of all)
    if (canSee(user, r) && (!f.mine || r.assignee === user.id) && matches(r, f, false, hits)) out.push(r);
  return sortReferrals(out, f.sort, f.dir, townshipName);
}

export async function inboxPage(
  referrals: Collection<ReferralRecord>,
  user: StaffUser,
  f: InboxFilter,
  townshipName?: (id: string) => string,
): Promise<InboxPage> {
  const paged = await pagedFromStore(referrals, user, f);
  if (paged) return paged;
  // Read as a stream, newest first: counted as it passes, only the page's window kept.
  const hits = await searchHits(referrals, f.q);
  const counts = Object.fromEntries(referralStatuses.map((s) => [s, 0])) as Record<ReferralStatus, number>;
  const wanted = f.page ?? 1;
  const window = f.sort
    ? sortedWindow(wanted, pageSize, f.sort, f.dir, townshipName)
    : newestFirstWindow(wanted, pageSize);
  let total = 0;
  let unreturnable = 0;
  for await (const r of streamSeenBy(referrals, user)) {
    if (cannotBeReturned(r)) unreturnable++;
    if (f.mine && r.assignee !== user.id) continue;
    if (!matches(r, f, true, hits)) continue;
    counts[r.status]++;
    if (f.status && r.status !== f.status) continue;
    total++;
    window.add(r);
  }
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.min(wanted, pages);
  return { items: window.page(page), total, page, pages, counts, unreturnable };
}

/**
 * The inbox as most visits open it (newest first, all or one status, a page), and with the
 * filters that are plain columns (kind; a county admin's township): asked of the store page by
 * page, with counts by column, so a township of 25,000 cases is never read whole (1,000,000
 * referrals on PostgreSQL: test/bench/STORE-REPORT.md). Any other filter or sort reads the
 * user's township or county and works in memory (inboxPage above): a name or village
 * substring, a program, dates, another sort, "mine" (the assignee is no column: adding one
 * means filling it for every stored row), a caseworker naming a township, "no township".
 */
async function pagedFromStore(
  referrals: Collection<ReferralRecord>,
  user: StaffUser,
  f: InboxFilter,
): Promise<InboxPage | undefined> {
  const byColumn = new Set<string>(['page', 'status', 'kind']);
  if (user.role === 'county_admin' && f.township !== '-') byColumn.add('township');
  if (!Object.keys(f).every((k) => byColumn.has(k))) return undefined;
  if (user.disabled) return undefined;
  const own = user.role === 'county_admin' ? undefined : user.township;
  if (user.role !== 'county_admin' && own === undefined) return undefined;
  // One combined column each (referralColumns: countyStatus, townshipList...), so a count or a
  // page is one index range; a kind is checked beside it.
  const scope = (township: string | undefined, listed: string, status?: string) => ({
    [`${township ? 'township' : 'county'}${status ? 'Status' : 'List'}`]: inboxScope(
      user.county,
      township,
      listed,
      status,
    ),
  });
  const township = own ?? f.township;
  // A call-back without a phone is listed only in its own list ("unreturnable"), never as work.
  const listed = f.kind === 'unreturnable' ? 'no' : 'yes';
  const kind: Record<string, string> = f.kind && f.kind !== 'unreturnable' ? { kind: f.kind } : {};
  const [unreturnable, ...perStatus] = await Promise.all([
    referrals.count(scope(own, 'no')),
    ...referralStatuses.map((s) => referrals.count({ ...scope(township, listed, s), ...kind })),
  ]);
  const counts = Object.fromEntries(referralStatuses.map((s, i) => [s, perStatus[i] ?? 0])) as Record<
    ReferralStatus,
    number
  >;
  const total = f.status ? counts[f.status] : perStatus.reduce((n, k) => n + (k ?? 0), 0);
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.min(f.page ?? 1, pages);
  const where = { ...scope(township, listed, f.status), ...kind };
  let items: ReferralRecord[] = [];
  let after: string | undefined;
  // Keyset pages: a later page walks the ones before it (rare; each step is one index read).
  for (let p = 1; p <= page; p++) {
    items = await referrals.find(where, { limit: pageSize, descending: true, ...(after ? { after } : {}) });
    const last = items.at(-1);
    if (!last) break;
    after = referralSortKey(last);
  }
  return { items: items.filter((r) => canSee(user, r)), total, page, pages, counts, unreturnable };
}
