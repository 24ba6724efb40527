/**
 * Who saw or changed what, when: an append-only JSON-lines file (audit.jsonl, mode 0600),
 * each line fsynced before the action it records is answered. Appending is O(1): unlike the
 * other collections, the log is never rewritten as a whole.
 *
 * Tamper-evident, against someone who can rewrite the data directory but not read the key
 * (audit-key.ts, kept apart from the log):
 * - each entry carries an HMAC-SHA256 over its fields and the previous entry's hash, so an
 *   edited, removed or reordered entry shows, and a chain recomputed without the key
 *   (plain SHA-256, the old recipe) does not verify;
 * - a checkpoint (audit.checkpoint: the count and the last hash, HMAC-signed, replaced
 *   atomically and fsynced after every append) shows entries cut from the end;
 * - once a break is found it is written into the checkpoint, so later appends cannot hide it.
 *
 * A log from before the key (plain SHA-256 chain) is migrated at the first keyed start: its
 * entries stay as they were and are still checked with SHA-256, and the signed checkpoint pins
 * their count and last hash, so they cannot be recomputed from then on either; new entries
 * chain on from the old head. What was changed before that start cannot be detected.
 * Not detected: both files put back to an older copy while the server is stopped (keep a copy
 * of the checkpoint elsewhere, or compare with the head logged at start-up).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  ftruncateSync,
  openSync,
  readFileSync,
  renameSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { loadAuditKey } from './audit-key.ts';

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

const checkpointSchema = z.strictObject({
  /** Entries in the log and the hash of the last one. */
  count: z.number().int().min(0),
  head: z.string(),
  /** The entries written before the chain was keyed (plain SHA-256): how many, and the last hash. */
  legacy: z.strictObject({ count: z.number().int().min(1), head: z.string() }).optional(),
  /** The first entry found edited or missing; once set it stays. */
  broken: z.number().int().min(1).optional(),
  mac: z.string(),
});
type Checkpoint = Omit<z.infer<typeof checkpointSchema>, 'mac'>;

export type Integrity = { ok: true } | { ok: false; seq: number };

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

const checkpointMac = (key: Buffer, c: Checkpoint) =>
  hmac(key, ['audit-checkpoint', c.count, c.head, c.legacy?.count ?? 0, c.legacy?.head ?? '', c.broken ?? 0]);

const sameHex = (a: string, b: string) =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

const earliest = (...seqs: (number | undefined)[]) => {
  const found = seqs.filter((s): s is number => s !== undefined);
  return found.length ? Math.min(...found) : undefined;
};

export interface AuditLogOptions {
  /** AUDIT_KEY, if set; otherwise DATA_DIR/keys/audit.key. */
  key?: string;
  /** The county of a staff member, for entries they cause. */
  countyOf?: (staffId: string) => string | undefined;
}

export class AuditLog {
  private fd: number;

  private constructor(
    private file: string,
    private checkpointFile: string,
    private key: Buffer,
    private entries: AuditEntry[],
    private checkpoint: Checkpoint,
    private countyOf: (staffId: string) => string | undefined,
  ) {
    this.fd = openSync(file, 'a', 0o600);
    this.saveCheckpoint();
  }

  static open(dataDir: string, options: AuditLogOptions = {}): AuditLog {
    const file = join(dataDir, 'audit.jsonl');
    const checkpointFile = join(dataDir, 'audit.checkpoint');
    const { key, origin, keep } = loadAuditKey(dataDir, options.key);
    const entries = readEntries(file, true).entries;
    const stored = readCheckpoint(checkpointFile, key);
    const count = entries.length;
    const head = entries.at(-1)?.hash ?? '';
    let checkpoint: Checkpoint;
    if (stored === 'missing' && (origin === 'new-file' || (origin === 'env' && count === 0))) {
      // The first keyed start: whatever is in the log was written under the old recipe.
      checkpoint = { count, head, ...(count ? { legacy: { count, head } } : {}) };
    } else if (stored === 'missing' || stored === 'forged') {
      checkpoint = { count, head, broken: 1 };
    } else {
      checkpoint = { ...stored, count, head };
      const broken = earliest(stored.broken, firstBreak(entries, stored, key));
      if (broken !== undefined) checkpoint.broken = broken;
    }
    const log = new AuditLog(
      file,
      checkpointFile,
      key,
      entries,
      checkpoint,
      options.countyOf ?? (() => undefined),
    );
    keep(); // a new key file only now that a checkpoint signed with it is on disk
    return log;
  }

  /**
   * Something a staff member did: the entry belongs to their county. Pass the account (its
   * county is read from it: the accounts are in the store, which cannot be read synchronously
   * here); a bare id goes through `countyOf`.
   */
  append(
    by: string | { id: string; county: string },
    action: string,
    target: string,
    detail?: string,
    now = new Date(),
  ): AuditEntry {
    if (typeof by !== 'string') return this.write(by.id, by.county, action, target, detail, now);
    return this.write(by, by === 'system' ? '' : (this.countyOf(by) ?? ''), action, target, detail, now);
  }

  /** Something the system saw or did for a county ("": for none, seen by no county's admins). */
  appendSystem(
    county: string,
    action: string,
    target: string,
    detail?: string,
    now = new Date(),
  ): AuditEntry {
    return this.write('system', county, action, target, detail, now);
  }

  private write(
    by: string,
    county: string,
    action: string,
    target: string,
    detail: string | undefined,
    now: Date,
  ): AuditEntry {
    const last = this.entries.at(-1);
    const base = {
      seq: (last?.seq ?? 0) + 1,
      at: now.toISOString(),
      by,
      action,
      target,
      ...(detail ? { detail } : {}),
      county,
      prev: last?.hash ?? '',
    };
    const entry: AuditEntry = { ...base, hash: entryMac(this.key, base) };
    writeSync(this.fd, `${JSON.stringify(entry)}\n`);
    fsyncSync(this.fd);
    this.entries.push(entry);
    // After the line: a crash in between leaves a checkpoint one short, which the next start
    // accepts (the extra entry verifies with the key), never one that claims a missing line.
    this.checkpoint = { ...this.checkpoint, count: this.entries.length, head: entry.hash };
    this.saveCheckpoint();
    return entry;
  }

  /** Newest first, optionally only some. */
  list(filter: (e: AuditEntry) => boolean = () => true, limit = 500): AuditEntry[] {
    const out: AuditEntry[] = [];
    for (let i = this.entries.length - 1; i >= 0 && out.length < limit; i--) {
      const e = this.entries[i]!;
      if (filter(e)) out.push(e);
    }
    return out;
  }

  /**
   * The files as they are on disk now, checked against the key and the checkpoint: the first
   * entry edited, removed or cut off (or 1 if the checkpoint itself is gone or forged).
   */
  verify(): Integrity {
    const disk = readEntries(this.file, false);
    const stored = readCheckpoint(this.checkpointFile, this.key);
    const broken =
      stored === 'missing' || stored === 'forged'
        ? 1
        : earliest(
            this.checkpoint.broken,
            stored.broken,
            disk.unreadable,
            firstBreak(disk.entries, stored, this.key),
            // Fewer entries than written since start: both files put back to an older copy.
            disk.entries.length < this.entries.length ? disk.entries.length + 1 : undefined,
          );
    return broken === undefined ? { ok: true } : { ok: false, seq: broken };
  }

  get size(): number {
    return this.entries.length;
  }

  /** For the start-up log line: an anchor outside the data directory. */
  get head(): { count: number; head: string } {
    return { count: this.checkpoint.count, head: this.checkpoint.head };
  }

  close(): void {
    closeSync(this.fd);
  }

  /** Replaced whole (temp file, fsync, rename, directory fsync): never half a checkpoint. */
  private saveCheckpoint(): void {
    const tmp = `${this.checkpointFile}.tmp`;
    const body = { ...this.checkpoint, mac: checkpointMac(this.key, this.checkpoint) };
    writeFileSync(tmp, `${JSON.stringify(body)}\n`, { mode: 0o600 });
    const fd = openSync(tmp, 'r+');
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, this.checkpointFile);
    const dir = openSync(join(this.checkpointFile, '..'), 'r');
    fsyncSync(dir);
    closeSync(dir);
  }
}

/** The first entry (1-based) that is out of place, altered, or missing by the checkpoint. */
function firstBreak(entries: AuditEntry[], cp: Checkpoint, key: Buffer): number | undefined {
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

/**
 * The entries in the file. A torn last line (killed mid-write, never acknowledged) is left out,
 * and at start-up cut from the file, so the next line does not land on it; any other unreadable
 * line stops the start, or, when verifying, is where the log is broken.
 */
function readEntries(file: string, atStart: boolean): { entries: AuditEntry[]; unreadable?: number } {
  const entries: AuditEntry[] = [];
  if (!existsSync(file)) return { entries };
  const text = readFileSync(file, 'utf8');
  const complete = text.endsWith('\n') || text === '' ? text : text.slice(0, text.lastIndexOf('\n') + 1);
  if (atStart && complete.length < text.length) {
    const fd = openSync(file, 'r+');
    ftruncateSync(fd, Buffer.byteLength(complete));
    fsyncSync(fd);
    closeSync(fd);
  }
  const lines = complete.split('\n').slice(0, -1);
  for (const [i, line] of lines.entries()) {
    const parsed = auditEntrySchema.safeParse(safeJson(line));
    if (parsed.success) entries.push(parsed.data);
    else if (atStart) throw new Error(`${file}: line ${i + 1} is not an audit entry`);
    else return { entries, unreadable: i + 1 };
  }
  return { entries };
}

function readCheckpoint(file: string, key: Buffer): Checkpoint | 'missing' | 'forged' {
  if (!existsSync(file)) return 'missing';
  const parsed = checkpointSchema.safeParse(safeJson(readFileSync(file, 'utf8')));
  if (!parsed.success) return 'forged';
  const { mac, ...checkpoint } = parsed.data;
  return sameHex(checkpointMac(key, checkpoint), mac) ? checkpoint : 'forged';
}

function safeJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}
