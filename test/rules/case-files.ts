/** Reads rules/programs/<id>/cases.yaml: rule test cases kept as data beside each program. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { type ProgramId, programIds } from '../../rules/engine/household.ts';
import { defaultRulesDir } from '../../rules/engine/load-rule-book.ts';
import { verdicts } from '../../rules/engine/result.ts';

/**
 * What a case may assert about another program of the same household (`expect.others`): one
 * case can check that 低保 and 特困 are not both paid, without a second copy of the household.
 */
const otherProgramSchema = z.strictObject({
  verdict: z.enum(verdicts).optional(),
  tier: z.string().optional(),
  monthlyAmount: z.number().optional(),
  floor: z.literal(true).optional(),
  reasons: z.array(z.string()).optional(),
  noReasons: z.array(z.string()).optional(),
  noMonthlyAmount: z.literal(true).optional(),
  /**
   * The document a reason cites, as "<seed number> <clause>" (e.g. "000 一"): which county's
   * text the screen shows for it (pickCitation), so a case can say "Tekes cites 000, not 003".
   */
  sources: z.record(z.string(), z.string().regex(/^\d{3} \S+$/)).optional(),
});
export type OtherProgramExpectation = z.infer<typeof otherProgramSchema>;

const caseSchema = z.strictObject({
  name: z.string().min(10),
  localValues: z.record(z.string(), z.unknown()).optional(),
  household: z.record(z.string(), z.unknown()),
  expect: z.strictObject({
    verdict: z.enum(verdicts),
    tier: z.string().optional(),
    monthlyAmount: z.number().optional(),
    amount: z.number().optional(),
    noMonthlyAmount: z.literal(true).optional(),
    noAmount: z.literal(true).optional(),
    /** The amount is a "不低于" floor (ProgramResult.floor). */
    floor: z.literal(true).optional(),
    missing: z.array(z.string()).optional(),
    needs: z.array(z.string()).optional(),
    reasons: z.array(z.string()).optional(),
    noReasons: z.array(z.string()).optional(),
    sources: otherProgramSchema.shape.sources,
    others: z.partialRecord(z.enum(programIds), otherProgramSchema).optional(),
  }),
});
export type RuleCase = z.infer<typeof caseSchema> & { program: ProgramId; file: string };

export function loadCases(): RuleCase[] {
  return programIds.flatMap((program) => {
    const file = join(defaultRulesDir, 'programs', program, 'cases.yaml');
    if (!existsSync(file)) return [];
    const data = z.array(caseSchema).parse(parse(readFileSync(file, 'utf8')));
    return data.map((c) => ({ ...c, program, file }));
  });
}
