/**
 * Rule test cases, kept as data beside each program (rules/programs/<id>/cases.yaml): their
 * shape, a loader, and what a result does not match. Read by the rules tests
 * (test/rules/cases.test.ts) and by the county admin's check before a local value is saved
 * (server/staff/local-values/check-value.ts), so both judge a case the same way.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { type ProgramId, programIds } from './household.ts';
import { defaultRulesDir } from './load-rule-book.ts';
import { type ProgramResult, verdicts } from './result.ts';

/**
 * What a case may assert about another program of the same household (`expect.others`): one
 * case can check that 低保 and 特困 are not both paid, without a second copy of the household.
 */
export const otherProgramSchema = z.strictObject({
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

export const caseSchema = z.strictObject({
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

export function loadRuleCases(rulesDir: string = defaultRulesDir): RuleCase[] {
  return programIds.flatMap((program) => {
    const file = join(rulesDir, 'programs', program, 'cases.yaml');
    if (!existsSync(file)) return [];
    const data = z.array(caseSchema).parse(parse(readFileSync(file, 'utf8')));
    return data.map((c) => ({ ...c, program, file }));
  });
}

/** Each expectation of a case its program's result does not meet, as "field: expected → got". */
export function caseMismatches(programs: readonly ProgramResult[], c: RuleCase): string[] {
  const find = (id: ProgramId) => programs.find((x) => x.id === id);
  const out: string[] = [];
  const check = (id: ProgramId, e: OtherProgramExpectation & { amount?: number }) => {
    const p = find(id);
    if (!p) return void out.push(`${id}: no result`);
    const keys = p.reasons.map((x) => x.key);
    const near = (a: number | undefined, b: number) => a !== undefined && Math.abs(a - b) < 0.005;
    if (e.verdict !== undefined && p.verdict !== e.verdict)
      out.push(`${id}.verdict: ${e.verdict} → ${p.verdict}`);
    if (e.tier !== undefined && p.tier !== e.tier) out.push(`${id}.tier: ${e.tier} → ${p.tier ?? '-'}`);
    if (e.monthlyAmount !== undefined && !near(p.monthlyAmount, e.monthlyAmount))
      out.push(`${id}.monthlyAmount: ${e.monthlyAmount} → ${p.monthlyAmount ?? '-'}`);
    if (e.amount !== undefined && !near(p.amount, e.amount))
      out.push(`${id}.amount: ${e.amount} → ${p.amount ?? '-'}`);
    if (e.noMonthlyAmount && p.monthlyAmount !== undefined)
      out.push(`${id}.monthlyAmount: - → ${p.monthlyAmount}`);
    for (const k of e.reasons ?? []) if (!keys.includes(k)) out.push(`${id}.reasons: ${k} missing`);
    for (const k of e.noReasons ?? []) if (keys.includes(k)) out.push(`${id}.reasons: ${k} present`);
  };
  check(c.program, c.expect);
  for (const [id, other] of Object.entries(c.expect.others ?? {}) as [ProgramId, OtherProgramExpectation][])
    check(id, other);
  return out;
}
