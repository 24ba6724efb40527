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
type AuditActor = string | { id: string; county: string };

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
  /**
   * A page of a county's entries that pass `filter`, newest first, and how many pass in all:
   * asked of the store (in PostgreSQL, a walk down the county index that stops at the page).
   */
  search(filter: AuditFilter, offset: number, limit: number): Promise<{ rows: AuditEntry[]; total: number }>;
  /**
   * The log as stored now, against the key and the checkpoint: the first entry out of place.
   * What this instance has verified before is only confirmed to be still there (its last entry
   * and hash), and the entries since are checked in full; the whole chain is checked again at
   * start-up and whenever the last whole check is older than `fullCheckEvery`, so an edit of an
   * old entry shows within that time. Once anything is found, the whole chain names the first.
   */
  verify(): Promise<Integrity>;
  /** The whole chain as stored now, every entry (store migrate, and the periodic whole check). */
  verifyAll(): Promise<Integrity>;
  /** For the start-up log line: an anchor outside the store (count and last hash). */
  readonly head: { count: number; head: string };
  close(): void;
}

export interface AuditLogOptions {
  /** AUDIT_KEY, if set; otherwise DATA_DIR/keys/audit.key. */
  key?: string;
  /** The county of a staff member, for entries they cause. */
  countyOf?: (staffId: string) => string | undefined;
  /** How old the last whole check may be before a verify checks the whole chain again. */
  fullCheckEvery?: number;
  /** The clock for that (tests move it on). */
  clock?: () => number;
}

/** An hour: an old entry edited shows on the audit page within it; a view pays at most hourly. */
export const defaultFullCheckEvery = 60 * 60 * 1000;

/**
 * What the audit page asks for. `county`: the county's entries, and those written before
 * counties were kept that its accounts (`countyIds`) caused or, by the system, name.
 * Dates are instants (ISO, as entries store them): `from` included, `before` not.
 */
export interface AuditFilter {
  county: string;
  countyIds: readonly string[];
  /** The system, or any of these staff ids (none: nothing passes). */
  by?: { system: true } | { ids: readonly string[] };
  action?: string;
  /**
   * Only entries up to this seq: the pager's pages are counted in the log as it stood at the
   * first page (each view appends its own entry, which would otherwise shift every later page
   * by one: a row shown twice, or one never shown).
   */
  uptoSeq?: number;
  /** Upper case; found anywhere in the upper-cased target. */
  targetContains?: string;
  from?: string;
  before?: string;
}

/** The same filter in memory (the file store); PostgreSQL asks it in SQL (audit-log-pg.ts). */
export function passesFilter(e: AuditEntry, f: AuditFilter): boolean {
  if (e.county === undefined) {
    if (!f.countyIds.includes(e.by) && !(e.by === 'system' && f.countyIds.includes(e.target))) return false;
  } else if (e.county !== f.county) return false;
  if (f.by && ('system' in f.by ? e.by !== 'system' : !f.by.ids.includes(e.by))) return false;
  if (f.action !== undefined && e.action !== f.action) return false;
  if (f.uptoSeq !== undefined && e.seq > f.uptoSeq) return false;
  if (f.targetContains !== undefined && !e.target.toUpperCase().includes(f.targetContains)) return false;
  if (f.from !== undefined && e.at < f.from) return false;
  if (f.before !== undefined && e.at >= f.before) return false;
  return true;
}

/** What both stores share above their write: who an entry is by, and when. */
export abstract class ChainedTrail {
  protected constructor(private countyOf: (staffId: string) => string | undefined) {}

  protected abstract write(fields: EntryFields): Promise<AuditEntry>;

  async append(by: AuditActor, action: string, target: string, detail?: string, now = new Date()) {
    return this.write({ ...actor(by, this.countyOf), action, target, detail, now });
  }

  async appendSystem(county: string, action: string, target: string, detail?: string, now = new Date()) {
    return this.write({ by: 'system', county, action, target, detail, now });
  }
}

/**
 * How far this instance has verified the chain, and when it last checked all of it. A break
 * found is not remembered here: put back, the log verifies again (what the store itself marks
 * broken, at start-up or an append, stays).
 */
export class VerifiedSoFar {
  /** The last entry verified (seq 0: none yet), as the signed head named it then. */
  anchor = { seq: 0, hash: '' };
  private fullAt: number;

  constructor(
    private every: number,
    private clock: () => number,
  ) {
    this.fullAt = clock();
  }

  get fullCheckDue(): boolean {
    return this.clock() - this.fullAt >= this.every;
  }

  /** After a check: on success, the chain verifies up to `upTo`. */
  record(result: Integrity, upTo: { seq: number; hash: string }, whole: boolean): Integrity {
    if (whole) this.fullAt = this.clock();
    if (result.ok) this.anchor = upTo;
    return result;
  }
}

/** Who an entry is by, and so its county: an account carries it; a bare id asks `countyOf`. */
export function actor(
  by: AuditActor,
  countyOf: (staffId: string) => string | undefined,
): { by: string; county: string } {
  if (typeof by !== 'string') return { by: by.id, county: by.county };
  return { by, county: by === 'system' ? '' : (countyOf(by) ?? '') };
}

export interface EntryFields {
  by: string;
  county: string;
  action: string;
  target: string;
  detail: string | undefined;
  now: Date;
}

/** The next entry after `last` (none: the first), signed. */
export function chainEntry(
  key: Buffer,
  last: { seq: number; hash: string } | undefined,
  fields: EntryFields,
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

/**
 * The first entry (1-based) that is out of place, altered, or missing by the checkpoint.
 * `entries` follow `from` (an entry verified before; none: they start the chain).
 */
export function firstBreak(
  entries: AuditEntry[],
  cp: Checkpoint,
  key: Buffer,
  from = { seq: 0, hash: '' },
): number | undefined {
  const legacyCount = cp.legacy?.count ?? 0;
  let prev = from.hash;
  for (let i = 0; i < entries.length; i++) {
    const seq = from.seq + i + 1;
    const { hash, ...rest } = entries[i]!;
    if (rest.seq !== seq || rest.prev !== prev) return seq;
    const expected = seq <= legacyCount ? legacyDigest(rest) : entryMac(key, rest);
    if (!sameHex(expected, hash)) return seq;
    if (seq === legacyCount && hash !== cp.legacy!.head) return seq;
    prev = hash;
  }
  const stored = from.seq + entries.length;
  if (stored < Math.max(cp.count, legacyCount)) return stored + 1;
  // A head behind what was verified before: an older signed head put back.
  if (cp.count < from.seq) return cp.count + 1;
  const last = cp.count === from.seq ? from.hash : entries[cp.count - from.seq - 1]?.hash;
  if (cp.count > 0 && last !== cp.head) return cp.count;
  return undefined;
}
