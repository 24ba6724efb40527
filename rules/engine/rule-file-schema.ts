/**
 * The shape of the YAML rule files (layers and jurisdictions). Values are checked separately
 * against the parameter catalog, once the file's own shape is known to be right.
 */
import { z } from 'zod';

export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD')
  .refine((s) => isRealDate(s), 'not a real calendar date');

const realDates = new Map<string, boolean>();
/** Memoised: inputs repeat the same few dates, and building a Date per household is costly. */
export function isRealDate(s: string): boolean {
  let ok = realDates.get(s);
  if (ok === undefined) {
    const d = new Date(`${s}T00:00:00Z`);
    ok = !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
    if (realDates.size > 10_000) realDates.clear();
    realDates.set(s, ok);
  }
  return ok;
}

/** A citation: which seed file, which clause, and a verbatim quote that a test finds in the file. */
export const referenceSchema = z.strictObject({
  file: z
    .string()
    .regex(/^\d{3}_[0-9a-f]{16}\.txt$/, 'expected a seed file name such as 000_7e61b05d1b9914e4.txt'),
  clause: z.string().min(1),
  quote: z.string().min(4),
});
export type Reference = z.infer<typeof referenceSchema>;

const seedFile = z
  .string()
  .regex(/^\d{3}_[0-9a-f]{16}\.txt$/, 'expected a seed file name such as 000_7e61b05d1b9914e4.txt');

const identifier = z
  .string()
  .regex(/^[a-z][a-z0-9_-]*$/, 'expected a lower-case identifier')
  .refine((s) => !['__proto__', 'constructor', 'prototype'].includes(s), 'reserved name');

export const parameterDefinitionSchema = z.strictObject({
  description: z.string().min(1),
  unit: z.string().min(1),
  reference: referenceSchema,
  note: z.string().optional(),
  /**
   * The seed leaves this value open and the number is our reading of it (e.g. the age from
   * which someone is 老年人): results that rely on it say so.
   */
  gap: z.literal(true).optional(),
  /** The day someone confirmed the value in force is still current (resets the freshness clock). */
  reviewed: isoDate.optional(),
  values: z.record(isoDate, z.unknown()).refine((v) => Object.keys(v).length > 0, 'at least one dated value'),
});
export type ParameterDefinition = z.infer<typeof parameterDefinitionSchema>;

export const layerFileSchema = z.strictObject({
  layer: identifier,
  description: z.string().min(1),
  parameters: z.record(z.string(), parameterDefinitionSchema),
});

/** A text a county writes in the three languages. */
export const localText = z.strictObject({
  zh: z.string().min(1),
  ug: z.string().min(1),
  kk: z.string().min(1),
});
export type LocalText = z.infer<typeof localText>;

/**
 * A county's own document that replaces a borrowed seed, wholly or for some clauses: results
 * then cite it ("依据：《title》clause") instead of labelling the seed as borrowed.
 */
export const localDocumentSchema = z.strictObject({
  id: identifier,
  title: localText,
  number: z.string().min(1).optional(),
  issued: isoDate.optional(),
  replaces: z.array(z.strictObject({ file: seedFile, clause: z.string().min(1).optional() })).min(1),
  /** Seed clause → the same provision's clause in the local document. */
  clauses: z.record(z.string().min(1), z.string().min(1)).optional(),
});
export type LocalDocument = z.infer<typeof localDocumentSchema>;

/** rules/seeds/documents.yaml: who issued each seed. */
export const seedDocumentsFileSchema = z.strictObject({
  documents: z.record(
    seedFile,
    z.strictObject({
      issuer: z.strictObject({
        place: identifier.nullable(),
        level: z.enum(['county', 'city', 'prefecture', 'province', 'region']),
      }),
      number: z.string().min(1).optional(),
      issued: isoDate.optional(),
      anonymised: z.boolean(),
    }),
  ),
});

/**
 * A township office residents can phone or visit (乡镇人民政府 / 社会救助窗口): county
 * configuration, never guessed. Each part is optional; what is missing is said to be "not
 * configured yet" rather than made up. The phone is digits as dialled (landline with area
 * code, or a mobile), with optional spaces or dashes for reading.
 */
export const townshipOfficeSchema = z.strictObject({
  phone: z
    .string()
    .regex(
      /^(?:0\d{2,3}[- ]?\d{7,8}|1[3-9]\d{9})$/,
      'a mainland phone number (area code and number, or a mobile)',
    )
    .optional(),
  address: localText.optional(),
  hours: localText.optional(),
});
export type TownshipOffice = z.infer<typeof townshipOfficeSchema>;

/**
 * Days a case may stay in each open status before the inbox marks it overdue (逾期): county
 * configuration, never guessed; the seeds set no deadlines. A status left out has no mark.
 */
export const caseDeadlinesSchema = z.strictObject({
  new: z.number().int().min(1).max(365).optional(),
  contacted: z.number().int().min(1).max(365).optional(),
  visit_scheduled: z.number().int().min(1).max(365).optional(),
  accepted: z.number().int().min(1).max(365).optional(),
});
export type CaseDeadlines = z.infer<typeof caseDeadlinesSchema>;

export const jurisdictionFileSchema = z.strictObject({
  id: identifier,
  level: z.enum(['county', 'prefecture', 'province']),
  region: identifier,
  /** Shared layers stacked below the jurisdiction's own values, lowest first. */
  layers: z.array(identifier),
  staleWaiver: z.strictObject({ until: isoDate, reason: z.string().min(1) }).optional(),
  /**
   * The county's townships (乡镇), where applications are accepted and referrals go; names in
   * the three languages. County configuration: the seeds list none.
   */
  townships: z
    .array(z.strictObject({ id: identifier, name: localText, office: townshipOfficeSchema.optional() }))
    .optional(),
  /** What "property within the local limits" means here, to tell the resident; county configuration. */
  propertyRules: localText.optional(),
  deadlines: caseDeadlinesSchema.optional(),
  documents: z
    .strictObject({
      /** Seeds this jurisdiction issued itself (or its province, for Jilin): cited as its own. */
      own: z.array(seedFile).default([]),
      /** Documents a county admin attaches in place of a borrowed seed (issue 14 item 6). */
      local: z.array(localDocumentSchema).default([]),
    })
    .optional(),
  parameters: z.record(z.string(), parameterDefinitionSchema),
});
export type JurisdictionFile = z.infer<typeof jurisdictionFileSchema>;

export const settingsFileSchema = z.strictObject({
  reviewMaxAgeMonths: z.number().int().min(1).max(120),
});
export type RuleSettings = z.infer<typeof settingsFileSchema>;
