/**
 * Which question comes next (DESIGN.md): queued follow-ups, then the base facts, then the
 * first step that fills something a still-undecided program needs; then what the household
 * already receives; then the results. Pure: answers and progress in, the next ask (or the
 * final screening result) out.
 */
import type { ScreenResult } from '../../rules/engine/result.ts';
import type { Screener } from '../../rules/engine/screen.ts';
import { type Answers, toHousehold, workingAge } from './answers.ts';
import { type Ask, needSteps, type StepContext, type StepId } from './steps.ts';

export interface Progress {
  /** Follow-up questions queued by earlier answers ("whose?", "which grade?"). */
  pending: Ask[];
  /** Household-level steps already asked: never asked twice, so no need can loop. */
  asked: StepId[];
}

export type Next = { ask: Ask } | { done: ScreenResult };

export interface NextQuestionDeps {
  screener: Screener;
  steps: StepContext;
  /** Evaluation date (tests); default today in China. */
  date?: string;
}

export function nextQuestion(a: Answers, progress: Progress, deps: NextQuestionDeps): Next {
  if (progress.pending.length) return { ask: progress.pending[0]! };
  const base = nextBaseQuestion(a, deps.steps);
  if (base) return { ask: base };

  const household = toHousehold(a, deps.date);
  const screened = household && deps.screener.screen(household);
  if (!screened?.ok)
    throw new Error(
      `answers do not make a valid household: ${JSON.stringify(screened && !screened.ok ? screened.issues : a)}`,
    );
  const result = screened.value;

  const needs = new Set(result.programs.flatMap((p) => p.needs ?? []));
  for (const [need, step] of needSteps) {
    if (!needs.has(need) || progress.asked.includes(step)) continue;
    if (step === 'self_care') {
      const i = a.members!.findIndex((m) => m.laborCapacity === 'none' && m.selfCare === undefined);
      if (i >= 0) return { ask: { step, subject: i } };
      continue;
    }
    return { ask: { step } };
  }
  if (a.current === undefined && !progress.asked.includes('current')) return { ask: { step: 'current' } };
  return { done: result };
}

function nextBaseQuestion(a: Answers, ctx: StepContext): Ask | undefined {
  if (!a.jurisdiction) return { step: 'county' };
  if (!a.township && ctx.townships(a.jurisdiction).length > 0) return { step: 'township' };
  if (!a.area) return { step: 'area' };
  if (a.size === undefined) return { step: 'size' };
  if (!a.members) return { step: 'ages' };
  const i = a.members.findIndex((m) => m.age >= workingAge && m.laborCapacity === undefined);
  if (i >= 0) return { step: 'work', subject: i };
  if (a.monthlyIncome === undefined) return { step: 'income' };
  if (a.propertyWithinLimits === undefined) return { step: 'property' };
  return undefined;
}
