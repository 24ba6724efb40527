/**
 * National dibao classes (002 §二(一)): a label only; all three are paid the difference (with
 * no income the difference is the full standard, which is what class 1 receives).
 *   1  "完全丧失劳动能力" and no household income
 *   2  partly without labour capacity, some income
 *   3  able to work ("可通过产业或就业帮扶增加收入")
 */
import type { Member } from '../../engine/household.ts';

export type DibaoClass = '1' | '2' | '3';

export function dibaoClass(members: readonly Member[], monthlyIncome: number): DibaoClass {
  if (monthlyIncome === 0 && members.every((m) => m.laborCapacity === 'none')) return '1';
  if (members.some((m) => m.laborCapacity === 'full')) return '3';
  return '2';
}
