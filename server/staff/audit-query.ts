/**
 * The audit page's filters, read from its GET query with zod: who acted (a username, or the
 * system), what they did, which case, and China dates from and to; and the page. A query that
 * does not pass is refused as a whole: the page then says so and shows the log unfiltered.
 * The case searched for is never written to the log (the audit page's own entry names only the
 * page), as with every search of personal data.
 */
import { z } from 'zod';
import type { AuditFilter } from './audit-chain.ts';

/** Rows per page: enough to scan, few enough for a phone. */
export const auditPageSize = 50;

/** The value of the "who" filter that means the system (no username can start with a dash). */
export const systemActor = '-system';

// An empty box in the form arrives as "": the same as not asked.
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema.optional());

const chinaDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  // A real calendar day: 2026-02-30 would otherwise compare as text and pass.
  .refine(
    (d) =>
      !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d),
  );

export const auditQuerySchema = z
  .object({
    by: optional(z.string().regex(/^(-system|[a-z][a-z0-9._-]{2,31})$/)),
    action: optional(z.string().regex(/^[a-z][a-z_]{0,39}$/)),
    // A reference or a part of one, in any case, e.g. "te-7k".
    case: optional(
      z
        .string()
        .trim()
        .regex(/^[A-Za-z0-9-]{1,20}$/)
        .transform((s) => s.toUpperCase()),
    ),
    from: optional(chinaDay),
    to: optional(chinaDay),
    // The log's last entry when the first page was shown (the pager's links carry it).
    upto: optional(
      z
        .string()
        .regex(/^[1-9]\d{0,14}$/)
        .transform(Number),
    ),
    // Not z.coerce.number: it takes "" for 0 and "1e309" for Infinity (RELIABILITY.md).
    page: optional(
      z
        .string()
        .regex(/^[1-9]\d{0,5}$/)
        .transform(Number),
    ),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { path: ['to'] });

export type AuditQuery = z.infer<typeof auditQuerySchema>;

export type ReadAuditQuery = { ok: true; query: AuditQuery } | { ok: false; query: AuditQuery };

/** Unknown query parameters (?lang=, tracking) are ignored; a bad filter refuses them all. */
export function readAuditQuery(raw: Record<string, unknown>): ReadAuditQuery {
  const parsed = auditQuerySchema.safeParse(raw);
  return parsed.success ? { ok: true, query: parsed.data } : { ok: false, query: {} };
}

/**
 * The filters as the store asks them, for a county: `accounts` are the county's (an account
 * keeps its id for life, so all of a username's entries are found; entries from before
 * counties were kept are the county's by these ids). China dates become instants.
 */
export function auditFilter(
  q: AuditQuery,
  county: string,
  accounts: readonly { id: string; username: string }[],
): AuditFilter {
  return {
    county,
    countyIds: accounts.map((u) => u.id),
    ...(q.by === systemActor
      ? { by: { system: true } as const }
      : q.by
        ? { by: { ids: accounts.filter((u) => u.username === q.by).map((u) => u.id) } }
        : {}),
    ...(q.action ? { action: q.action } : {}),
    ...(q.upto ? { uptoSeq: q.upto } : {}),
    ...(q.case ? { targetContains: q.case } : {}),
    ...(q.from ? { from: chinaMidnight(q.from) } : {}),
    ...(q.to ? { before: chinaMidnight(q.to, 1) } : {}),
  };
}

/** The instant a China day (UTC+8) begins, `days` on. */
const chinaMidnight = (day: string, days = 0) =>
  new Date(Date.parse(`${day}T00:00:00+08:00`) + days * 86_400_000).toISOString();

/** Where a page stands among `total` rows: a page past the last shows the last. */
export function auditPageAt(total: number, page = 1): { page: number; pages: number; offset: number } {
  const pages = Math.max(1, Math.ceil(total / auditPageSize));
  const at = Math.min(page, pages);
  return { page: at, pages, offset: (at - 1) * auditPageSize };
}

/**
 * The filters as a query string for the pager's links (the page number added by the template),
 * with the seq the pages are counted up to.
 */
export function auditQueryString(q: AuditQuery, upto: number): string {
  const params = new URLSearchParams();
  for (const key of ['by', 'action', 'case', 'from', 'to'] as const) {
    const v = q[key];
    if (v) params.set(key, v);
  }
  params.set('upto', String(upto));
  return params.toString();
}
