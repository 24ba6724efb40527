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
import {
  closeSync,
  existsSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import {
  type AuditEntry,
  type AuditFilter,
  type AuditLogOptions,
  type AuditTrail,
  auditEntrySchema,
  type Checkpoint,
  ChainedTrail,
  chainEntry,
  checkpointMac,
  checkpointSchema,
  defaultFullCheckEvery,
  type EntryFields,
  earliest,
  firstBreak,
  type Integrity,
  passesFilter,
  sameHex,
  VerifiedSoFar,
} from './audit-chain.ts';
import { loadAuditKey } from './audit-key.ts';

export type { AuditEntry, AuditLogOptions, AuditTrail, Integrity } from './audit-chain.ts';
export { auditEntrySchema } from './audit-chain.ts';

export class AuditLog extends ChainedTrail implements AuditTrail {
  private fd: number;
  private verified: VerifiedSoFar;
  /** Where the last verified entry's line starts in the file: a verify reads on from there. */
  private verifiedAt = 0;

  private constructor(
    private file: string,
    private checkpointFile: string,
    private key: Buffer,
    private entries: AuditEntry[],
    private checkpoint: Checkpoint,
    options: AuditLogOptions,
  ) {
    super(options.countyOf ?? (() => undefined));
    this.fd = openSync(file, 'a', 0o600);
    this.saveCheckpoint();
    this.verified = new VerifiedSoFar(
      options.fullCheckEvery ?? defaultFullCheckEvery,
      options.clock ?? Date.now,
    );
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
    const log = new AuditLog(file, checkpointFile, key, entries, checkpoint, options);
    keep(); // a new key file only now that a checkpoint signed with it is on disk
    return log;
  }

  // Async for the interface (PostgreSQL commits over the network); the file is written and
  // fsynced synchronously inside, as before, so nothing else runs between read and write.
  protected async write(fields: EntryFields): Promise<AuditEntry> {
    const entry = chainEntry(this.key, this.entries.at(-1), fields);
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
  async list(
    filter: (e: AuditEntry) => boolean = () => true,
    limit = 500,
    county?: string,
  ): Promise<AuditEntry[]> {
    const out: AuditEntry[] = [];
    for (let i = this.entries.length - 1; i >= 0 && out.length < limit; i--) {
      const e = this.entries[i]!;
      if (county !== undefined && e.county !== undefined && e.county !== county) continue;
      if (filter(e)) out.push(e);
    }
    return out;
  }

  /** The page's entries by walking the log held in memory, newest first; nothing copied. */
  async search(filter: AuditFilter, offset: number, limit: number) {
    const rows: AuditEntry[] = [];
    let total = 0;
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const e = this.entries[i]!;
      if (!passesFilter(e, filter)) continue;
      if (total >= offset && rows.length < limit) rows.push(e);
      total++;
    }
    return { rows, total };
  }

  /**
   * The lines appended since the last verified one (and that one, still there with its hash),
   * read from where it starts, against the checkpoint on disk: a page view reads what is new.
   * Anything amiss, or a whole check due: the whole file, which names the first entry out of place.
   */
  async verify(): Promise<Integrity> {
    if (this.verified.fullCheckDue) return this.verifyAll();
    const stored = readCheckpoint(this.checkpointFile, this.key);
    if (stored === 'missing' || stored === 'forged') return this.verifyAll();
    const from = this.verified.anchor;
    const tail = readEntries(this.file, false, this.verifiedAt);
    const first = tail.entries[0];
    const anchored = from.seq === 0 || (first?.seq === from.seq && sameHex(first.hash, from.hash));
    const since = from.seq === 0 ? tail.entries : tail.entries.slice(1);
    const onDisk = from.seq + since.length;
    const broken =
      !anchored ||
      earliest(
        this.checkpoint.broken,
        stored.broken,
        tail.unreadable,
        firstBreak(since, stored, this.key, from),
        onDisk < this.entries.length ? onDisk + 1 : undefined,
      ) !== undefined;
    if (broken) return this.verifyAll();
    return this.recordVerified({ ok: true }, stored, tail.starts, from.seq === 0 ? 0 : from.seq - 1, false);
  }

  /**
   * The files as they are on disk now, checked against the key and the checkpoint: the first
   * entry edited, removed or cut off (or 1 if the checkpoint itself is gone or forged).
   */
  async verifyAll(): Promise<Integrity> {
    const disk = readEntries(this.file, false);
    const stored = readCheckpoint(this.checkpointFile, this.key);
    if (stored === 'missing' || stored === 'forged') return { ok: false, seq: 1 };
    const broken = earliest(
      this.checkpoint.broken,
      stored.broken,
      disk.unreadable,
      firstBreak(disk.entries, stored, this.key),
      // Fewer entries than written since start: both files put back to an older copy.
      disk.entries.length < this.entries.length ? disk.entries.length + 1 : undefined,
    );
    const result: Integrity = broken === undefined ? { ok: true } : { ok: false, seq: broken };
    return this.recordVerified(result, stored, disk.starts, 0, true);
  }

  /** Remembers how far the file verifies: the checkpoint's last entry, and where its line starts. */
  private recordVerified(
    result: Integrity,
    cp: Checkpoint,
    starts: number[],
    firstSeqRead: number,
    whole: boolean,
  ): Integrity {
    const at = cp.count === 0 ? 0 : starts[cp.count - 1 - firstSeqRead];
    if (result.ok && at !== undefined) this.verifiedAt = at;
    return this.verified.record(
      at === undefined ? { ok: false, seq: cp.count } : result,
      { seq: cp.count, hash: cp.head },
      whole,
    );
  }

  get size(): number {
    return this.entries.length;
  }

  /** For the start-up log line: an anchor outside the data directory. */
  get head(): { count: number; head: string } {
    return { count: this.checkpoint.count, head: this.checkpoint.head };
  }

  /** The entries and the checkpoint as this process holds them (store migrate copies both). */
  get chain(): { entries: readonly AuditEntry[]; checkpoint: Checkpoint; key: Buffer } {
    return { entries: this.entries, checkpoint: { ...this.checkpoint }, key: this.key };
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

/**
 * The entries in the file (from byte `from`, a line's start, when verifying what is new), and
 * where each line starts. A torn last line (killed mid-write, never acknowledged) is left out,
 * and at start-up cut from the file, so the next line does not land on it; any other unreadable
 * line stops the start, or, when verifying, is where the log is broken.
 */
function readEntries(
  file: string,
  atStart: boolean,
  from = 0,
): { entries: AuditEntry[]; starts: number[]; unreadable?: number } {
  const entries: AuditEntry[] = [];
  const starts: number[] = [];
  if (!existsSync(file)) return { entries, starts };
  const text = from === 0 ? readFileSync(file, 'utf8') : readFrom(file, from);
  const complete = text.endsWith('\n') || text === '' ? text : text.slice(0, text.lastIndexOf('\n') + 1);
  if (atStart && complete.length < text.length) {
    const fd = openSync(file, 'r+');
    ftruncateSync(fd, Buffer.byteLength(complete));
    fsyncSync(fd);
    closeSync(fd);
  }
  const lines = complete.split('\n').slice(0, -1);
  let at = from;
  for (const [i, line] of lines.entries()) {
    const parsed = auditEntrySchema.safeParse(safeJson(line));
    if (parsed.success) entries.push(parsed.data);
    else if (atStart) throw new Error(`${file}: line ${i + 1} is not an audit entry`);
    else return { entries, starts, unreadable: (entries[0]?.seq ?? 1) + i };
    starts.push(at);
    at += Buffer.byteLength(line) + 1;
  }
  return { entries, starts };
}

/** The file from byte `from` to its end (nothing if it is shorter now). */
function readFrom(file: string, from: number): string {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size <= from) return '';
    const buffer = Buffer.alloc(size - from);
    let read = 0;
    while (read < buffer.length) {
      const n = readSync(fd, buffer, read, buffer.length - read, from + read);
      if (n === 0) break;
      read += n;
    }
    return buffer.subarray(0, read).toString('utf8');
  } finally {
    closeSync(fd);
  }
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
