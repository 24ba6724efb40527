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

/** The next question and how many more are likely after it (for "question 4 of about 12"). */
export type Next = { ask: Ask; remaining: number } | { done: ScreenResult };

/** Questions the rules typically still need once the base facts are in (measured: 3 to 6). */
const typicalNeedQuestions = 5;

export interface NextQuestionDeps {
  screener: Screener;
  steps: StepContext;
  /** Evaluation date (tests); default today in China. */
  date?: string;
}

export function nextQuestion(a: Answers, progress: Progress, deps: NextQuestionDeps): Next {
  if (progress.pending.length) {
    // The follow-ups queued, and after them what the rules still need (counting only the
    // follow-ups made the count drop, then jump back up once they were answered).
    return {
      ask: progress.pending[0]!,
      remaining: progress.pending.length - 1 + needStepsLeft(a, progress, deps),
    };
  }
  const base = nextBaseQuestion(a, deps.steps);
  if (base) return { ask: base, remaining: baseQuestionsLeft(a, deps.steps) - 1 + typicalNeedQuestions + 1 };

  const household = toHousehold(a, deps.date);
  const screened = household && deps.screener.screen(household);
  if (!screened?.ok)
    throw new Error(
      `answers do not make a valid household: ${JSON.stringify(screened && !screened.ok ? screened.issues : a)}`,
    );
  const result = screened.value;

  const needs = new Set(result.programs.flatMap((p) => p.needs ?? []));
  const open = [
    ...new Set(
      needSteps
        .filter(([need, step]) => needs.has(need) && !progress.asked.includes(step))
        .map(([, step]) => step),
    ),
  ];
  const currentLeft = a.current === undefined && !progress.asked.includes('current') ? 1 : 0;
  for (const step of open) {
    if (step === 'self_care') {
      const i = a.members!.findIndex((m) => m.laborCapacity === 'none' && m.selfCare === undefined);
      if (i >= 0) return { ask: { step, subject: i }, remaining: open.length - 1 + currentLeft };
      continue;
    }
    return { ask: { step }, remaining: open.length - 1 + currentLeft };
  }
  if (currentLeft) return { ask: { step: 'current' }, remaining: 0 };
  return { done: result };
}

/** What the rules still need after the queued follow-ups: one question per open step, and "what do you receive?". */
function needStepsLeft(a: Answers, progress: Progress, deps: NextQuestionDeps): number {
  const currentLeft = a.current === undefined && !progress.asked.includes('current') ? 1 : 0;
  const household = toHousehold(a, deps.date);
  const screened = household && deps.screener.screen(household);
  if (!screened?.ok) return currentLeft;
  const needs = new Set(screened.value.programs.flatMap((p) => p.needs ?? []));
  const asked = new Set([...progress.asked, ...progress.pending.map((p) => p.step)]);
  const open = new Set(
    needSteps.filter(([need, step]) => needs.has(need) && !asked.has(step)).map(([, step]) => step),
  );
  return open.size + currentLeft;
}

/** The screening result for the answers as they stand (the base facts must be known). */
export function screenAnswers(a: Answers, deps: NextQuestionDeps) {
  const household = toHousehold(a, deps.date);
  const screened = household && deps.screener.screen(household);
  if (!screened?.ok) throw new Error('answers do not make a valid household');
  return screened.value;
}

/** How many base facts are still missing (one question each, work capacity per adult). */
function baseQuestionsLeft(a: Answers, ctx: StepContext): number {
  const adults = a.members
    ? a.members.filter((m) => m.age >= workingAge && m.laborCapacity === undefined).length
    : 2;
  return (
    (a.jurisdiction ? 0 : 1) +
    // The township is asked where the county lists townships (before the county is known: most do).
    (a.township || (a.jurisdiction && ctx.townships(a.jurisdiction).length === 0) ? 0 : 1) +
    (a.area ? 0 : 1) +
    (a.size === undefined ? 1 : 0) +
    (a.members ? 0 : 1) +
    adults +
    (a.monthlyIncome === undefined ? 1 : 0) +
    (a.propertyWithinLimits === undefined ? 1 : 0)
  );
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
