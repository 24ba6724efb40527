/**
 * Jilin 支出核减 (003 §三(二)), for rural illness-driven households during the 2018–2020 action
 * (003 §一 "2018年至2020年"): annual income minus self-paid medical costs, "为负数的，按零收入核算";
 * the benefit is "按照低保标准与扣减后所核算收入的差额发放", so it applies below the standard as
 * well as above. Probed with f.optional: elsewhere, urban, or after 2020 the route is absent.
 */
import type { ScreenContext } from '../../engine/context.ts';
import type { Finding } from '../../engine/finding.ts';
import type { ResolvedParameter } from '../../engine/parameter-table.ts';

export interface MedicalDeduction {
  /** Per-capita monthly income after the deduction. */
  perCapita: number;
  param: ResolvedParameter<'dibao.medical_expense_deduction'>;
}

/** The deducted per-capita income, or undefined when the route does not apply. */
export function medicalDeduction(ctx: ScreenContext, f: Finding, size: number): MedicalDeduction | undefined {
  const p = f.optional('dibao.medical_expense_deduction');
  if (!p || (p.value.area !== undefined && p.value.area !== ctx.household.area)) return undefined;
  const medical = ctx.household.rigidExpenses12m?.medical;
  if (medical === undefined) {
    f.ask('rigidExpenses12m.medical');
    return undefined;
  }
  if (medical <= 0) return undefined;
  return { perCapita: Math.max(0, ctx.annualIncome - medical) / 12 / size, param: p };
}
