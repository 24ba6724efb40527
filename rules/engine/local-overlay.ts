/**
 * Values a county admin adds in the browser (issue 16 item 11), layered over the county's YAML.
 *
 * Each value becomes a layer of its own on top of the jurisdiction's stack, lowest effective
 * date first (ties: the later record higher). The parameter lookup walks the stack from the top
 * and skips a layer whose value starts after the evaluation date, so the value in force on a
 * date is the latest one effective by then, and a value dated in the future is kept but not yet
 * used. One layer per value, because each carries its own source (a ParameterHistory has one).
 */
import { documentsOf, type JurisdictionDocuments, registerDocuments } from './documents.ts';
import type { Jurisdiction, Layer, ParameterHistory } from './load-rule-book.ts';
import { type ParameterName, parameterCatalog } from './parameter-catalog.ts';
import { RuleFileError } from './rule-file-error.ts';

/** Where a county's own value comes from: its document, who issued it, the clause and its words. */
export interface LocalSource {
  title: string;
  issuer: string;
  clause: string;
  quote: string;
}

export interface LocalValue {
  id: string;
  parameter: ParameterName;
  /** As entered (a fraction may be "1/6"); checked against the parameter catalog here. */
  value: unknown;
  /** The date it takes effect, YYYY-MM-DD. */
  from: string;
  source: LocalSource;
  /** When it was recorded (ISO): orders two values effective on the same day. */
  at: string;
}

/** The citation results carry for a county admin's value: no seed file, the record's id. */
export function localFile(id: string): string {
  return `local:${id}`;
}

export function withCountyValues(base: Jurisdiction, values: readonly LocalValue[]): Jurisdiction {
  const ordered = [...values].sort((a, b) =>
    a.from === b.from ? (a.at < b.at ? -1 : 1) : a.from < b.from ? -1 : 1,
  );
  const layers: Layer[] = ordered.map((v) => {
    const parsed = parameterCatalog[v.parameter].value.safeParse(v.value);
    if (!parsed.success)
      throw new RuleFileError('(county values)', `${v.parameter} ${v.id}`, parsed.error.issues[0]!.message);
    const history: ParameterHistory = {
      name: v.parameter,
      // The county's own layer: shown and aged like a value in its YAML file.
      layer: base.id,
      description: '',
      unit: '',
      reference: { file: localFile(v.id), clause: v.source.clause, quote: v.source.quote },
      entries: [{ from: v.from, value: parsed.data }],
    };
    return {
      id: `${base.id}+${v.id}`,
      file: '(county values)',
      parameters: new Map([[v.parameter, history]]),
    };
  });
  return { ...base, stack: [...base.stack, ...layers] };
}

/** The county's documents as its YAML gives them, kept before values add their own. */
const fromFiles = new Map<string, JurisdictionDocuments>();

/**
 * Makes each value's source citable as the county's own document, so results say
 * "依据：《title》clause" for it instead of labelling it borrowed. Idempotent: rebuilt from the
 * YAML's documents plus the given values every time.
 */
export function registerCountyDocuments(county: string, values: readonly LocalValue[]): void {
  let files = fromFiles.get(county);
  if (!files) {
    files = documentsOf(county);
    fromFiles.set(county, files);
  }
  registerDocuments(county, {
    own: files.own,
    local: [
      ...files.local,
      ...values.map((v) => ({
        id: `local-${v.id}`,
        title: { zh: v.source.title, ug: v.source.title, kk: v.source.title },
        replaces: [{ file: localFile(v.id) }],
        clauses: { [v.source.clause]: v.source.clause },
      })),
    ],
  });
}
