/**
 * 002 §二(二): two separate tests, each against last year's income (read as 12 × the monthly
 * income the screen knows): "个人负担的合规医疗费用累计超过上年度家庭年收入2倍以上的" and, for
 * "普通高中教育、中等职业教育、高等教育等全日制学历教育增加的刚性支出…累计超过上年度家庭年收入2倍以上的".
 * "超过" is strict. The two are never added. The county sets the deduction, so at most "possible".
 */
import type { ScreenContext } from '../../engine/context.ts';
import type { Finding } from '../../engine/finding.ts';

/** True when one of the two tests passes (each adds its own reason). */
export function expenseDeduction(ctx: ScreenContext, f: Finding): boolean {
  const multiple = f.optional('dibao.expense_deduction_multiple');
  if (!multiple) return false;
  const spend = ctx.household.rigidExpenses12m;
  if (!spend) {
    f.ask('rigidExpenses12m');
    return false;
  }
  const annual = ctx.annualIncome;
  const limit = multiple.value * annual;
  let passes = false;
  if (spend.medical !== undefined && spend.medical > limit) {
    f.unknown(
      'dibao.expense_deduction_medical',
      { spending: spend.medical, annual, multiple: multiple.value },
      multiple,
    );
    passes = true;
  }
  const levels = f.param('dibao.deductible_schooling');
  const student = levels
    ? ctx.household.members.some((m) => m.schooling !== undefined && levels.value.includes(m.schooling))
    : false;
  if (levels && student && spend.education !== undefined && spend.education > limit) {
    f.unknown(
      'dibao.expense_deduction_schooling',
      { spending: spend.education, annual, multiple: multiple.value },
      levels,
    );
    passes = true;
  }
  return passes;
}
