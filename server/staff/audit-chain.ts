/**
 * What makes the audit log tamper-evident, whichever store keeps it (the file: audit-log.ts;
 * PostgreSQL: audit-log-pg.ts): the entry and its HMAC chain, the signed checkpoint (count and
 * last hash), and the check of a chain against both. Someone who can rewrite the entries but
 * not read the key (audit-key.ts) cannot make a rewritten chain verify.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

export const auditEntrySchema = z.strictObject({
  seq: z.number(),
  at: z.string(),
  /** Staff id, or "system". */
  by: z.string(),
  action: z.string(),
  /** A reference number, a user id, an export. */
  target: z.string(),
  /** Short and never personal data (no names, ID or phone numbers). */
  detail: z.string().optional(),
  /**
   * The county whose admins may read the entry; "" for none (a failed login for a name that is
   * no account: no county's business). Absent only in entries written before counties were kept.
   */
  county: z.string().optional(),
  prev: z.string(),
  hash: z.string(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export const checkpointSchema = z.strictObject({
  /** Entries in the log and the hash of the last one. */
  count: z.number().int().min(0),
  head: z.string(),
  /** The entries written before the chain was keyed (plain SHA-256): how many, and the last hash. */
  legacy: z.strictObject({ count: z.number().int().min(1), head: z.string() }).optional(),
  /** The first entry found edited or missing; once set it stays. */
  broken: z.number().int().min(1).optional(),
  mac: z.string(),
});
export type Checkpoint = Omit<z.infer<typeof checkpointSchema>, 'mac'>;

export type Integrity = { ok: true } | { ok: false; seq: number };

/**
 * The audit log as the routes use it. Every method resolves only once what it wrote is durable
 * (fsynced, or committed), so an action is answered only after its entry is kept.
 */
export interface AuditTrail {
  /**
   * Something a staff member did: the entry belongs to their county. Pass the account (its
   * county is read from it); a bare id goes through the `countyOf` the log was opened with.
   */
  append(
    by: string | { id: string; county: string },
    action: string,
    target: string,
    detail?: string,
    now?: Date,
  ): Promise<AuditEntry>;
  /** Something the system saw or did for a county ("": for none, seen by no county's admins). */
  appendSystem(
    county: string,
    action: string,
    target: string,
    detail?: string,
    now?: Date,
  ): Promise<AuditEntry>;
  /**
   * Newest first, optionally only some. With `county`, only that county's entries and those
   * written before counties were kept (the filter decides those): read from an index, not the log.
   */
  list(filter?: (e: AuditEntry) => boolean, limit?: number, county?: string): Promise<AuditEntry[]>;
  /** The log as stored now, against the key and the checkpoint: the first entry out of place. */
  verify(): Promise<Integrity>;
  /** For the start-up log line: an anchor outside the store (count and last hash). */
  readonly head: { count: number; head: string };
  close(): void;
}

export interface AuditLogOptions {
  /** AUDIT_KEY, if set; otherwise DATA_DIR/keys/audit.key. */
  key?: string;
  /** The county of a staff member, for entries they cause. */
  countyOf?: (staffId: string) => string | undefined;
}

/** Who an entry is by, and so its county: an account carries it; a bare id asks `countyOf`. */
export function actor(
  by: string | { id: string; county: string },
  countyOf: (staffId: string) => string | undefined,
): { by: string; county: string } {
  if (typeof by !== 'string') return { by: by.id, county: by.county };
  return { by, county: by === 'system' ? '' : (countyOf(by) ?? '') };
}

/** The next entry after `last` (none: the first), signed. */
export function chainEntry(
  key: Buffer,
  last: { seq: number; hash: string } | undefined,
  fields: {
    by: string;
    county: string;
    action: string;
    target: string;
    detail: string | undefined;
    now: Date;
  },
): AuditEntry {
  const base = {
    seq: (last?.seq ?? 0) + 1,
    at: fields.now.toISOString(),
    by: fields.by,
    action: fields.action,
    target: fields.target,
    ...(fields.detail ? { detail: fields.detail } : {}),
    county: fields.county,
    prev: last?.hash ?? '',
  };
  return { ...base, hash: entryMac(key, base) };
}

const hmac = (key: Buffer, data: unknown[]) =>
  createHmac('sha256', key).update(JSON.stringify(data)).digest('hex');

/** The chain before keys: kept only to check entries written then. */
const legacyDigest = (e: Omit<AuditEntry, 'hash'>) =>
  createHash('sha256')
    .update(JSON.stringify([e.seq, e.at, e.by, e.action, e.target, e.detail ?? '', e.prev]))
    .digest('hex');

// Each MAC names what it signs, so an entry's MAC can never pass for a checkpoint's.
const entryMac = (key: Buffer, e: Omit<AuditEntry, 'hash'>) =>
  hmac(key, ['audit-entry', e.seq, e.at, e.by, e.action, e.target, e.detail ?? '', e.county ?? '', e.prev]);

export const checkpointMac = (key: Buffer, c: Checkpoint) =>
  hmac(key, ['audit-checkpoint', c.count, c.head, c.legacy?.count ?? 0, c.legacy?.head ?? '', c.broken ?? 0]);

export const sameHex = (a: string, b: string) =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

export const earliest = (...seqs: (number | undefined)[]) => {
  const found = seqs.filter((s): s is number => s !== undefined);
  return found.length ? Math.min(...found) : undefined;
};

/** The first entry (1-based) that is out of place, altered, or missing by the checkpoint. */
export function firstBreak(entries: AuditEntry[], cp: Checkpoint, key: Buffer): number | undefined {
  const legacyCount = cp.legacy?.count ?? 0;
  let prev = '';
  for (let i = 0; i < entries.length; i++) {
    const { hash, ...rest } = entries[i]!;
    if (rest.seq !== i + 1 || rest.prev !== prev) return i + 1;
    const expected = i < legacyCount ? legacyDigest(rest) : entryMac(key, rest);
    if (!sameHex(expected, hash)) return i + 1;
    if (i + 1 === legacyCount && hash !== cp.legacy!.head) return i + 1;
    prev = hash;
  }
  if (entries.length < Math.max(cp.count, legacyCount)) return entries.length + 1;
  if (cp.count > 0 && entries[cp.count - 1]!.hash !== cp.head) return cp.count;
  return undefined;
}
