/**
 * Before a value is saved, the rule cases (rules/programs/<id>/cases.yaml, the same files and
 * judgement the rules tests use) run against the county's rules with the value layered in.
 *
 * Which cases, and what a failure means (the choice, issue 16 item 11):
 * - Only the county's own cases: the value changes nothing elsewhere.
 * - The value is layered from the beginning of time for the check, whatever its effective
 *   date, because the cases carry fixed dates: the question is "do the rules work with this
 *   value", not "when".
 * - A case is *broken* when the screen throws, or its result is not a well-formed result
 *   (result schema: a NaN or negative amount, a missing field), or the program still says the
 *   very value just given is "not configured". That means the value is malformed for the
 *   rules: the value is refused and the case named.
 * - A case whose expectations held before and fail now has *changed*: cases pin amounts and
 *   tiers of today's standard ("300 per person is tier C: 2 × 334 = 668"), so a new year's
 *   standard rightly changes them. Those are listed, expected against new, and the admin must
 *   confirm having read them before the value is saved (the cases' expectations are then
 *   out of date for the new period: a developer adds dated cases, see rules/CHANGELOG.md).
 */
import type { Jurisdiction } from '../../../rules/engine/load-rule-book.ts';
import { type LocalValue, withCountyValues } from '../../../rules/engine/local-overlay.ts';
import type { ParameterName } from '../../../rules/engine/parameter-catalog.ts';
import { screenResultSchema } from '../../../rules/engine/result-schema.ts';
import { caseMismatches, type RuleCase } from '../../../rules/engine/rule-cases.ts';
import type { Screener } from '../../../rules/engine/screen.ts';

export interface CaseOutcome {
  name: string;
  program: string;
  /** What no longer holds (broken: the reason). */
  details: string[];
}

export interface ValueCheck {
  /** How many of the county's cases ran. */
  ran: number;
  broken: CaseOutcome[];
  changed: CaseOutcome[];
}

export function checkValue(
  screener: Screener,
  cases: readonly RuleCase[],
  current: Jurisdiction,
  candidate: Omit<LocalValue, 'from' | 'at'>,
): ValueCheck {
  const withValue = withCountyValues(current, [{ ...candidate, from: '0000-01-01', at: '9999' }]);
  const mine = cases.filter((c) => c.household.jurisdiction === current.id);
  const out: ValueCheck = { ran: 0, broken: [], changed: [] };
  for (const c of mine) {
    const localValues = c.localValues as Partial<Record<ParameterName, unknown>> | undefined;
    const run = (j: Jurisdiction) =>
      screener.screen(c.household, { jurisdiction: j, ...(localValues ? { localValues } : {}) });
    const before = run(current);
    if (!before.ok) continue;
    out.ran++;
    let after: ReturnType<typeof run>;
    try {
      after = run(withValue);
    } catch (e) {
      out.broken.push({ name: c.name, program: c.program, details: [(e as Error).message] });
      continue;
    }
    if (!after.ok) continue;
    const shape = screenResultSchema.safeParse(after.value);
    if (!shape.success) {
      const issue = shape.error.issues[0]!;
      out.broken.push({
        name: c.name,
        program: c.program,
        details: [`${issue.path.join('.')}: ${issue.message}`],
      });
      continue;
    }
    const stillMissing = after.value.programs.filter((p) => p.missing?.includes(candidate.parameter));
    if (stillMissing.length && !localValues?.[candidate.parameter]) {
      out.broken.push({
        name: c.name,
        program: c.program,
        details: stillMissing.map((p) => `${p.id}.missing: ${candidate.parameter}`),
      });
      continue;
    }
    const was = new Set(caseMismatches(before.value.programs, c));
    const now = caseMismatches(after.value.programs, c).filter((m) => !was.has(m));
    if (now.length) out.changed.push({ name: c.name, program: c.program, details: now });
  }
  return out;
}
