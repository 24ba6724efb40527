/**
 * A chrome sentence with its {{placeholders}} filled, as segments: each filled value (a
 * reference, a date, a list of names) is its own segment, which the page shows isolated (class
 * "iso": unicode-bidi plaintext, like dir="auto"), so in a Uyghur or Kazakh line its digits and
 * Latin or Chinese letters keep their own order.
 */
import { chrome } from './chrome';
import type { ChromeKey, Lang } from './t';

export interface Segment {
  text: string;
  iso: boolean;
}

export function fill(template: string, params: Record<string, string>): Segment[] {
  const out: Segment[] = [];
  let rest = template;
  for (let m = /\{\{\s*(\w+)\s*\}\}/.exec(rest); m; m = /\{\{\s*(\w+)\s*\}\}/.exec(rest)) {
    if (m.index > 0) out.push({ text: rest.slice(0, m.index), iso: false });
    out.push({ text: params[m[1]!] ?? '', iso: true });
    rest = rest.slice(m.index + m[0].length);
  }
  if (rest) out.push({ text: rest, iso: false });
  return out;
}

/** A program's name in the language, or undefined for a program this build does not know. */
export function programName(lang: Lang, id: string): string | undefined {
  const key = `screen.programs.${id}`;
  const table = chrome[lang] as Record<string, string>;
  return key in table ? table[key as ChromeKey] : undefined;
}

/**
 * The calendar day of an ISO time in China (UTC+8, where the counties are), as YYYY-MM-DD:
 * digits every language reads the same way.
 */
export function chinaDate(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? '' : new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
}
