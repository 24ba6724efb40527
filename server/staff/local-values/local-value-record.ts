/**
 * A county admin's local value as stored (the `local-values` collection, its own lowdb file).
 * Records are only ever added: a new value for a parameter is a new record, so the history
 * (who, when, what was in force before) is the collection itself.
 */
import { z } from 'zod';
import type { Collection, Store } from '../../../bot/store/collection-store.ts';
import type { LocalValue } from '../../../rules/engine/local-overlay.ts';
import {
  isParameterName,
  type ParameterName,
  parameterCatalog,
} from '../../../rules/engine/parameter-catalog.ts';
import { isoDate } from '../../../rules/engine/rule-file-schema.ts';

const text = (max: number) => z.string().min(1).max(max);

export const localValueRecordSchema = z
  .strictObject({
    id: z.uuid(),
    county: z.string().regex(/^[a-z][a-z0-9_-]*$/),
    parameter: z.string().refine(isParameterName, 'unknown parameter'),
    value: z.unknown(),
    from: isoDate,
    source: z.strictObject({ title: text(200), issuer: text(100), clause: text(60), quote: text(500) }),
    /** `source`: the local source of a value borrowed from another place's document, value unchanged. */
    kind: z.enum(['value', 'source']),
    by: z.string().min(1),
    at: z.iso.datetime(),
    /** What was in force on `from` before this record (null: not configured). */
    previous: z.strictObject({ value: z.unknown(), from: isoDate, layer: z.string() }).nullable(),
  })
  // A stored value the catalog would refuse stops start-up (the file is named), like a bad YAML value.
  .superRefine((r, ctx) => {
    if (!isParameterName(r.parameter)) return;
    if (!parameterCatalog[r.parameter].value.safeParse(r.value).success)
      ctx.addIssue({ code: 'custom', path: ['value'], message: `not a valid ${r.parameter}` });
  });
export type LocalValueRecord = z.infer<typeof localValueRecordSchema> & { parameter: ParameterName };

export type LocalValues = Collection<LocalValueRecord>;

export async function openLocalValues(store: Store): Promise<LocalValues> {
  // By county: an admin's page reads only their county's records.
  return (await store.collection('local-values', localValueRecordSchema, {
    columns: { county: (r) => r.county },
  })) as LocalValues;
}

/** One county's records, oldest first (the order they were recorded in). */
export async function countyRecords(values: LocalValues, county: string): Promise<LocalValueRecord[]> {
  return (await values.find({ county })).sort((a, b) => (a.at < b.at ? -1 : 1));
}

/** Every county's records as the screener layers them. */
export async function byCounty(values: LocalValues): Promise<Map<string, LocalValue[]>> {
  const out = new Map<string, LocalValue[]>();
  for await (const r of values.values()) {
    const list = out.get(r.county) ?? [];
    list.push({ id: r.id, parameter: r.parameter, value: r.value, from: r.from, source: r.source, at: r.at });
    out.set(r.county, list);
  }
  return out;
}
