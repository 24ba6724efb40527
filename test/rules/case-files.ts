/** Reads rules/programs/<id>/cases.yaml: rule test cases kept as data beside each program. */
import { loadRuleCases, type OtherProgramExpectation, type RuleCase } from '../../rules/engine/rule-cases.ts';

export type { OtherProgramExpectation, RuleCase };

export function loadCases(): RuleCase[] {
  return loadRuleCases();
}
