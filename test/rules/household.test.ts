/** The input contract: validation codes name the field, and messages exist in every language. */
import { describe, expect, it } from 'vitest';
import { translator } from '../../locales/i18n.ts';
import { issueText } from '../../rules/explain/result-view.ts';
import { createScreener } from '../../rules/engine/screen.ts';

const screener = createScreener({ today: () => '2026-11-23' });
const base = {
  jurisdiction: 'tekes',
  area: 'rural',
  members: [{ age: 40, laborCapacity: 'full' }],
  monthlyIncome: 100,
  propertyWithinLimits: true,
};
const issues = (input: unknown) => {
  const r = screener.screen(input);
  if (r.ok) throw new Error('expected invalid input');
  return r.issues;
};

describe('household validation', () => {
  it('accepts the minimal household and defaults the date to today in China', () => {
    const r = screener.screen(base);
    expect(r.ok && r.value.date).toBe('2026-11-23');
  });
  it.each([
    [{ ...base, area: 'town' }, 'area', 'one_of'],
    [{ ...base, monthlyIncome: -5 }, 'monthlyIncome', 'too_small'],
    [{ ...base, monthlyIncome: '1e309' }, 'monthlyIncome', 'expected_number'],
    [{ ...base, monthlyIncome: Number.POSITIVE_INFINITY }, 'monthlyIncome', 'expected_number'],
    [{ ...base, members: [] }, 'members', 'too_few'],
    [{ ...base, members: [{ age: 4.5, laborCapacity: 'full' }] }, 'members.0.age', 'expected_int'],
    [{ ...base, members: [{ laborCapacity: 'full' }] }, 'members.0.age', 'required'],
    [{ ...base, date: '2025-02-30' }, 'date', 'not_a_date'],
    [{ ...base, monthlyincome: 3 }, 'monthlyincome', 'unknown_field'],
    [
      { ...base, emergency: { kind: 'illness', months: 1, persons: 3 } },
      'emergency.persons',
      'persons_exceed_members',
    ],
    [{ ...base, jurisdiction: 'atlantis' }, 'jurisdiction', 'unknown_jurisdiction'],
    [{ ...base, current: ['__proto__'] }, 'current.0', 'one_of'],
  ])('%j → %s %s', (input, path, code) => {
    expect(issues(input)).toContainEqual(expect.objectContaining({ path, code }));
  });
  it.each(['zh', 'ug', 'kk'] as const)('every issue reads as a sentence naming the field in %s', (lang) => {
    const t = translator(lang);
    const text = issueText(t, issues({ ...base, members: [{ age: -1, laborCapacity: 'full' }] })[0]!);
    expect(text).toContain('members.0.age');
    expect(text).not.toMatch(/validation\.|fields\./);
  });
});
