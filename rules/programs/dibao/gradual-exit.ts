/**
 * Ways a household already on dibao whose income rose above the standard may keep it a while:
 * - 002 §二(二) "脱贫攻坚期内，对纳入农村低保的建档立卡贫困户人均收入超过当地低保标准后，允许不超过
 *   一年的渐退期": rural, registered poor households only (the screen does not ask 建档立卡, so
 *   the township checks), dated in national.yaml;
 * - Jilin 003 §三(四): below twice the standard, "继续享受农村低保待遇到2020年底", tapered.
 * Both probed with f.optional: where or when they do not exist they are silently absent.
 */
import type { ScreenContext } from '../../engine/context.ts';
import type { Finding } from '../../engine/finding.ts';

/** True when a route may apply (each adds its own reason). */
export function gradualExit(ctx: ScreenContext, f: Finding, std: number, perCapita: number): boolean {
  const h = ctx.household;
  if (!h.current?.includes('dibao')) return false;
  let route = false;
  const tapered = f.optional('dibao.gradual_exit_tapered');
  if (tapered && (tapered.value.area ?? h.area) === h.area) {
    const limit = tapered.value.incomeMultiple * std;
    if (perCapita < limit) {
      f.unknown(
        'dibao.gradual_exit_tapered',
        { limit, reduction: tapered.value.annualReduction * 100 },
        tapered,
      );
      route = true;
    }
  }
  const exit = f.optional('dibao.gradual_exit_months');
  if (exit && (exit.value.area ?? h.area) === h.area) {
    f.unknown('dibao.gradual_exit', { months: exit.value.months }, exit);
    route = true;
  }
  return route;
}
