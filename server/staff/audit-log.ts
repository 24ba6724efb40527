/**
 * Who saw or changed what, when: an append-only JSON-lines file (audit.jsonl, mode 0600),
 * each line fsynced before the action it records is answered, each line carrying the hash of
 * the one before, so an edited or deleted line shows (verify()). Appending is O(1): unlike
 * the other collections, the log is never rewritten as a whole.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
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
  prev: z.string(),
  hash: z.string(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

const digest = (e: Omit<AuditEntry, 'hash'>) =>
  createHash('sha256')
    .update(JSON.stringify([e.seq, e.at, e.by, e.action, e.target, e.detail ?? '', e.prev]))
    .digest('hex');

export class AuditLog {
  private fd: number;
  private entries: AuditEntry[];

  private constructor(file: string, entries: AuditEntry[]) {
    this.entries = entries;
    this.fd = openSync(file, 'a', 0o600);
  }

  static open(dataDir: string): AuditLog {
    const file = join(dataDir, 'audit.jsonl');
    const entries: AuditEntry[] = [];
    if (existsSync(file)) {
      const lines = readFileSync(file, 'utf8').split('\n');
      lines.forEach((line, i) => {
        if (!line.trim()) return;
        // A torn last line (killed mid-write) is dropped; anything else broken stops the start.
        const parsed = auditEntrySchema.safeParse(safeJson(line));
        if (parsed.success) entries.push(parsed.data);
        else if (i < lines.length - 2) throw new Error(`${file}: line ${i + 1} is not an audit entry`);
      });
    }
    return new AuditLog(file, entries);
  }

  append(by: string, action: string, target: string, detail?: string, now = new Date()): AuditEntry {
    const last = this.entries.at(-1);
    const base = {
      seq: (last?.seq ?? 0) + 1,
      at: now.toISOString(),
      by,
      action,
      target,
      ...(detail ? { detail } : {}),
      prev: last?.hash ?? '',
    };
    const entry: AuditEntry = { ...base, hash: digest(base) };
    writeSync(this.fd, `${JSON.stringify(entry)}\n`);
    fsyncSync(this.fd);
    this.entries.push(entry);
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

  /** The first entry whose chain is broken (edited, removed or reordered lines), if any. */
  verify(): { ok: true } | { ok: false; seq: number } {
    let prev = '';
    for (const e of this.entries) {
      const { hash, ...rest } = e;
      if (e.prev !== prev || digest(rest) !== hash) return { ok: false, seq: e.seq };
      prev = hash;
    }
    return { ok: true };
  }

  get size(): number {
    return this.entries.length;
  }

  close(): void {
    closeSync(this.fd);
  }
}

function safeJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}
