/**
 * The parameters in force for one jurisdiction on one date.
 *
 * Lookup walks the jurisdiction's stack from its own layer down: the first layer holding a
 * value dated on or before the evaluation date decides. A null there means the rule ended
 * (e.g. Jilin's gradual exit after 2020-12-31) and nothing lower is consulted. A layer whose
 * values all start later than the date is skipped, so a lower layer's older value still applies.
 */
import type { Jurisdiction, ParameterHistory } from './load-rule-book.ts';
import {
  type ParameterName,
  type ParameterValue,
  parameterCatalog,
  parameterNames,
} from './parameter-catalog.ts';
import type { Source } from './result.ts';
import type { Reference } from './rule-file-schema.ts';

export interface ResolvedParameter<N extends ParameterName = ParameterName> {
  name: N;
  value: ParameterValue<N>;
  /** Date the value took effect. */
  from: string;
  layer: string;
  reference: Reference;
  /** The citation as results carry it: one frozen object shared by every result. */
  source: Source;
  /** A value a county supplies itself (see parameter-catalog.ts): its age is reported. */
  local: boolean;
  note?: string;
  reviewed?: string;
  /** The seed leaves this value open; the value is our reading (a rule may say so). */
  gap?: true;
}

export type ParameterTable = ReadonlyMap<ParameterName, ResolvedParameter>;

export function resolveParameters(jurisdiction: Jurisdiction, date: string): ParameterTable {
  const table = new Map<ParameterName, ResolvedParameter>();
  for (const name of parameterNames) {
    const found = lookup(jurisdiction, name, date);
    if (found) table.set(name, found);
  }
  return table;
}

function lookup(
  jurisdiction: Jurisdiction,
  name: ParameterName,
  date: string,
): ResolvedParameter | undefined {
  for (let i = jurisdiction.stack.length - 1; i >= 0; i--) {
    const history = jurisdiction.stack[i]!.parameters.get(name);
    if (!history) continue;
    const entry = latestOnOrBefore(history, date);
    if (!entry) continue;
    if (entry.value === null) return undefined;
    return {
      name,
      value: entry.value as ParameterValue<typeof name>,
      from: entry.from,
      layer: history.layer,
      reference: history.reference,
      source: sourceFor(history.reference),
      local: parameterCatalog[name].local,
      ...(history.note ? { note: history.note } : {}),
      ...(history.reviewed ? { reviewed: history.reviewed } : {}),
      ...(history.gap ? { gap: true as const } : {}),
    };
  }
  return undefined;
}

const sources = new WeakMap<Reference, Source>();
function sourceFor(ref: Reference): Source {
  let s = sources.get(ref);
  if (!s) {
    s = Object.freeze({ file: ref.file, clause: ref.clause });
    sources.set(ref, s);
  }
  return s;
}

function latestOnOrBefore(history: ParameterHistory, date: string) {
  let found: ParameterHistory['entries'][number] | undefined;
  for (const e of history.entries) {
    if (e.from <= date) found = e;
    else break;
  }
  return found;
}

/**
 * Resolving is done once per (jurisdiction, date) and shared: a roster of a million households
 * evaluated on one date resolves each county once. Bounded so a long-running server asked about
 * many dates does not grow without limit.
 */
export class ParameterTableCache {
  private readonly byJurisdiction = new Map<Jurisdiction, Map<string, ParameterTable>>();
  constructor(private readonly limitPerJurisdiction = 2_000) {}

  get(jurisdiction: Jurisdiction, date: string): ParameterTable {
    let tables = this.byJurisdiction.get(jurisdiction);
    if (!tables) {
      tables = new Map();
      this.byJurisdiction.set(jurisdiction, tables);
    }
    let table = tables.get(date);
    if (!table) {
      if (tables.size >= this.limitPerJurisdiction) tables.delete(tables.keys().next().value!);
      table = resolveParameters(jurisdiction, date);
      tables.set(date, table);
    }
    return table;
  }
}
