/**
 * The screening result as a zod schema, for the OpenAPI document. result.ts keeps the types;
 * test/rules/result-schema.test.ts validates real results against this, so the two cannot drift.
 */
import { z } from 'zod';
import { programIds } from './household-values.ts';
import { verdicts } from './result.ts';

const sourceSchema = z.strictObject({ file: z.string(), clause: z.string() });

export const reasonSchema = z.strictObject({
  key: z.string().describe('i18n key under reasons.* (every locale)'),
  kind: z.enum(['met', 'failed', 'unknown', 'note']),
  params: z
    .record(z.string(), z.union([z.string(), z.number()]))
    .describe('the comparison made, e.g. perCapita and standard'),
  source: sourceSchema.optional().describe('seed file and clause'),
});

export const programResultSchema = z.strictObject({
  id: z.enum(programIds),
  verdict: z.enum(verdicts).describe("'ask': not screened here, ask the township"),
  tier: z.string().optional().describe('Tekes tier A/B/C or national class 1/2/3'),
  monthlyAmount: z.number().optional().describe('estimated yuan per month for the household'),
  amount: z.number().optional().describe('estimated one-off yuan'),
  floor: z.literal(true).optional().describe('the amount is a "not less than" floor'),
  reasons: z.array(reasonSchema),
  department: z.string(),
  applyAt: z.string(),
  papers: z.array(z.string()),
  missing: z.array(z.string()).optional().describe('county values not configured'),
  needs: z.array(z.string()).optional().describe('answers that would decide it'),
});

export const screenResultSchema = z.strictObject({
  id: z.string().optional(),
  jurisdiction: z.string(),
  date: z.string(),
  programs: z.array(programResultSchema),
});
