/** What someone who can write the data directory, but has no key, can do to audit.jsonl. */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';

export type AuditLine = Record<string, string | number | undefined>;

export const readAuditLines = (file: string): AuditLine[] =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as AuditLine);

/** Writes the lines back; returns the text written. */
export function writeAuditLines(file: string, lines: AuditLine[]): string {
  const text = `${lines.map((e) => JSON.stringify(e)).join('\n')}\n`;
  writeFileSync(file, text);
  return text;
}

/** Renumbers and rechains with plain SHA-256: the chain's recipe (before keys), without a key. */
export function rechain(lines: AuditLine[]): AuditLine[] {
  let prev = '';
  return lines.map((e, i) => {
    const out: AuditLine = { ...e, seq: i + 1, prev };
    const fields = [out.seq, out.at, out.by, out.action, out.target, out.detail ?? '', out.prev];
    out.hash = createHash('sha256').update(JSON.stringify(fields)).digest('hex');
    prev = out.hash;
    return out;
  });
}
