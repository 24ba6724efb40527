/**
 * Which documents a jurisdiction can cite as its own (issue 14 item 6). A seed issued by the
 * county (or, for Jilin, its province) is `own`; a document a county admin attached in place of
 * a seed is `local`; every other seed — another county's plan, the anonymised 002 — is only
 * `borrowed`, and the resident is told so ("参照外地文件…本县尚未提供本地依据").
 *
 * Filled by loadRuleBook for every jurisdiction it loads, read by pickCitation (rules) and the
 * result view. One table per process: the rule book is loaded once at start-up.
 */
import type { Source } from './result.ts';
import type { LocalDocument } from './rule-file-schema.ts';

export type Standing = 'own' | 'local' | 'borrowed';

export interface JurisdictionDocuments {
  own: readonly string[];
  local: readonly LocalDocument[];
}

const byJurisdiction = new Map<string, JurisdictionDocuments>();
const none: JurisdictionDocuments = { own: [], local: [] };

export function registerDocuments(jurisdiction: string, docs: JurisdictionDocuments): void {
  byJurisdiction.set(jurisdiction, docs);
}

export function documentsOf(jurisdiction: string): JurisdictionDocuments {
  return byJurisdiction.get(jurisdiction) ?? none;
}

/** The local document that replaces this seed clause, if the county attached one. */
export function localReplacement(jurisdiction: string, s: Source): LocalDocument | undefined {
  return documentsOf(jurisdiction).local.find((d) =>
    d.replaces.some((r) => r.file === s.file && (r.clause === undefined || r.clause === s.clause)),
  );
}

export function standingOf(jurisdiction: string, s: Source): Standing {
  if (localReplacement(jurisdiction, s)) return 'local';
  return documentsOf(jurisdiction).own.includes(s.file) ? 'own' : 'borrowed';
}
