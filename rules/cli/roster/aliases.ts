/**
 * Rosters as counties keep them: Chinese (or Uyghur, Kazakh) column names and values. The
 * alias words live in the locales (roster.headerAliases, roster.valueAliases, jurisdictions.*,
 * programs.*), every language's accepted whatever --lang is, since the roster's language is the
 * county office's, not the reader's. Built once per process.
 */
import { languages, loadResources } from '../../../locales/i18n.ts';
import { programIds } from '../../engine/household.ts';

type Tree = { [k: string]: string | Tree };

/** Same header however it was typed: trimmed, no inner spaces, full-width brackets as ASCII. */
export const normalizeHeader = (h: string) =>
  h.trim().replace(/[（]/g, '(').replace(/[）]/g, ')').replace(/\s+/g, '').toLowerCase();

const split = (s: unknown) =>
  typeof s === 'string'
    ? s
        .split('|')
        .map((x) => x.trim())
        .filter(Boolean)
    : [];

interface Tables {
  headers: Map<string, string>;
  values: Map<string, Map<string, string>>;
}
let tables: Tables | undefined;

function build(): Tables {
  const headers = new Map<string, string>();
  const values = new Map<string, Map<string, string>>();
  const add = (column: string, alias: string, canonical: string) => {
    let m = values.get(column);
    if (!m) {
      m = new Map();
      values.set(column, m);
    }
    m.set(normalizeHeader(alias), canonical);
  };
  const resources = loadResources();
  for (const lang of languages) {
    const screen = (resources[lang] as { screen: Tree }).screen;
    const roster = screen.roster as Tree;
    for (const [canonical, words] of Object.entries((roster.headerAliases ?? {}) as Tree))
      for (const w of split(words)) headers.set(normalizeHeader(w), canonical);
    for (const [column, byValue] of Object.entries((roster.valueAliases ?? {}) as Tree))
      for (const [canonical, words] of Object.entries(byValue as Tree))
        for (const w of split(words)) add(column, w, canonical);
    for (const [id, name] of Object.entries(screen.jurisdictions as Tree))
      if (typeof name === 'string') add('jurisdiction', name, id);
    for (const id of programIds) {
      const name = (screen.programs as Tree)[id];
      if (typeof name === 'string') add('current', name, id);
    }
  }
  return { headers, values };
}

/** The canonical column for a header cell, or the header itself (extra columns are ignored). */
export function canonicalHeader(h: string): string {
  tables ??= build();
  const trimmed = h.trim();
  return tables.headers.get(normalizeHeader(trimmed)) ?? trimmed;
}

/** The canonical value of a cell in `column` ("农村" → "rural"), or the cell as written. */
export function canonicalValue(column: string, v: string): string {
  tables ??= build();
  const m = tables.values.get(column);
  if (!m || v === '') return v;
  // A roster repeats the same few values a million times: remember each cell as written.
  let seen = memo.get(column);
  if (!seen) {
    seen = new Map();
    memo.set(column, seen);
  }
  let out = seen.get(v);
  if (out === undefined) {
    out = m.get(normalizeHeader(v)) ?? v;
    if (seen.size < 10_000) seen.set(v, out);
  }
  return out;
}
const memo = new Map<string, Map<string, string>>();

/** The first alias of a column in one language, to name a missing column the way the county would. */
export function headerWord(headerAliases: unknown, column: string): string | undefined {
  return split((headerAliases as Record<string, unknown> | undefined)?.[column])[0];
}
