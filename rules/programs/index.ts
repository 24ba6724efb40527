/**
 * The program rules, in an order where every rule comes after the programs it reads. This is
 * the evaluation order only; results are listed in the public order (outcomesInOrder). 特困
 * runs first: it fills ctx.tekun, which dibao and its supplement read.
 */
import type { ProgramOutcome, ScreenContext } from '../engine/context.ts';
import type { ProgramRule } from '../engine/program-rule.ts';
import { dibao } from './dibao/eligibility.ts';
import { dibaoSingle } from './dibao_single/eligibility.ts';
import { dibaoSupplement } from './dibao_supplement/eligibility.ts';
import { disaster } from './disaster/eligibility.ts';
import { education } from './education/eligibility.ts';
import { employment } from './employment/eligibility.ts';
import { housing } from './housing/eligibility.ts';
import { marginal } from './marginal/eligibility.ts';
import { medical } from './medical/eligibility.ts';
import { rigidExpense } from './rigid_expense/eligibility.ts';
import { tekun } from './tekun/eligibility.ts';
import { temporary } from './temporary/eligibility.ts';

export const programRules: readonly ProgramRule[] = [
  tekun,
  dibao,
  dibaoSingle,
  dibaoSupplement,
  marginal,
  rigidExpense,
  temporary,
  medical,
  education,
  housing,
  employment,
  disaster,
];

/**
 * Runs every rule, in the order above, into ctx.outcomes. Written out rather than looped so
 * each store names its field: a store keyed by a varying id was the engine's single most
 * expensive line (V8's megamorphic keyed-store path). test/rules/program-order.test.ts
 * checks this sequence matches programRules and respects every rule's `after`.
 */
export function evaluatePrograms(ctx: ScreenContext): void {
  const o = ctx.outcomes;
  o.tekun = tekun.evaluate(ctx);
  o.dibao = dibao.evaluate(ctx);
  o.dibao_single = dibaoSingle.evaluate(ctx);
  o.dibao_supplement = dibaoSupplement.evaluate(ctx);
  o.marginal = marginal.evaluate(ctx);
  o.rigid_expense = rigidExpense.evaluate(ctx);
  o.temporary = temporary.evaluate(ctx);
  o.medical = medical.evaluate(ctx);
  o.education = education.evaluate(ctx);
  o.housing = housing.evaluate(ctx);
  o.employment = employment.evaluate(ctx);
  o.disaster = disaster.evaluate(ctx);
}

/** The outcomes in the public order (household.ts programIds), read by name for the same reason. */
export function outcomesInOrder(o: ScreenContext['outcomes']): ProgramOutcome[] {
  return [
    o.dibao!,
    o.dibao_single!,
    o.tekun!,
    o.marginal!,
    o.rigid_expense!,
    o.temporary!,
    o.medical!,
    o.education!,
    o.housing!,
    o.employment!,
    o.disaster!,
    o.dibao_supplement!,
  ];
}
