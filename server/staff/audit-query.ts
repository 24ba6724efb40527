/**
 * The audit page's filters, read from its GET query with zod: who acted (a username, or the
 * system), what they did, which case, and China dates from and to; and the page. A query that
 * does not pass is refused as a whole: the page then says so and shows the log unfiltered.
 * The case searched for is never written to the log (the audit page's own entry names only the
 * page), as with every search of personal data.
 */
import { z } from 'zod';
import type { AuditEntry } from './audit-log.ts';
import { chinaDate } from './referral-view.ts';

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
 * Whether an entry passes the filters. `idsOf` gives the staff ids behind a username (an
 * account keeps its id for life, so all of its entries are found).
 */
export function auditMatcher(q: AuditQuery, idsOf: (username: string) => string[]) {
  const ids = q.by && q.by !== systemActor ? new Set(idsOf(q.by)) : undefined;
  return (e: AuditEntry): boolean => {
    if (q.by === systemActor ? e.by !== 'system' : ids && !ids.has(e.by)) return false;
    if (q.action && e.action !== q.action) return false;
    if (q.case && !e.target.toUpperCase().includes(q.case)) return false;
    const day = chinaDate(e.at);
    if (q.from && day < q.from) return false;
    if (q.to && day > q.to) return false;
    return true;
  };
}

/** One page of a list, newest first as given, and where it stands. */
export function auditPage<T>(all: T[], page = 1): { rows: T[]; page: number; pages: number; total: number } {
  const pages = Math.max(1, Math.ceil(all.length / auditPageSize));
  const at = Math.min(page, pages);
  return {
    rows: all.slice((at - 1) * auditPageSize, at * auditPageSize),
    page: at,
    pages,
    total: all.length,
  };
}

/** The filters as a query string for the pager's links (the page number added by the template). */
export function auditQueryString(q: AuditQuery): string {
  const params = new URLSearchParams();
  for (const key of ['by', 'action', 'case', 'from', 'to'] as const) {
    const v = q[key];
    if (v) params.set(key, v);
  }
  return params.toString();
}
