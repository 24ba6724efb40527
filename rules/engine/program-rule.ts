import type { ProgramOutcome, ScreenContext } from './context.ts';
import type { ProgramId } from './household.ts';

/**
 * One program's rule: a pure function of the context. `after` names the programs whose
 * outcome it reads; `uses` names the answers it reads, which is how the questionnaire knows
 * which questions matter for a program that is still undecided.
 */
export interface ProgramRule {
  id: ProgramId;
  after: readonly ProgramId[];
  uses: readonly string[];
  evaluate(ctx: ScreenContext): ProgramOutcome;
}
