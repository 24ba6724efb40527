/**
 * Stale standards must be noticed: a county's own values older than the review age fail this
 * test unless the county file carries a staleWaiver that has not expired. Uses the real clock
 * on purpose: the point is that it starts failing when time passes.
 */
import { describe, expect, it } from 'vitest';
import { staleValues } from '../../rules/engine/freshness.ts';
import { loadRuleBook } from '../../rules/engine/load-rule-book.ts';
import { chinaToday, monthsBefore } from '../../rules/engine/screen.ts';

const book = loadRuleBook();
const today = chinaToday();
const staleBefore = monthsBefore(today, book.settings.reviewMaxAgeMonths);

describe('county values are reviewed in time', () => {
  it.each([...book.jurisdictions.values()].map((j) => [j.id, j] as const))('%s', (_id, j) => {
    const stale = staleValues(j, today, staleBefore);
    if (stale.length === 0) return;
    const waiver = j.staleWaiver;
    expect(
      waiver,
      `${j.file}: values older than ${book.settings.reviewMaxAgeMonths} months: ${stale.join(', ')}`,
    ).toBeDefined();
    expect(
      waiver!.until >= today,
      `${j.file}: staleWaiver expired on ${waiver!.until}; update or confirm: ${stale.join(', ')}`,
    ).toBe(true);
  });

  it('the check flags an old value and passes a reviewed one', () => {
    const tekes = book.jurisdictions.get('tekes')!;
    expect(staleValues(tekes, '2026-11-23', '2024-11-23')).toContain('dibao.standard.urban (2024-07-01)');
    expect(staleValues(tekes, '2025-01-01', '2023-01-01')).toEqual([]);
  });

  it('monthsBefore counts calendar months and clamps the day', () => {
    expect(monthsBefore('2026-11-23', 24)).toBe('2024-11-23');
    expect(monthsBefore('2026-03-31', 1)).toBe('2026-02-28');
  });
});
