/**
 * The one rule for whole numbers in the 台账, case by case: the full variant asked for, and the
 * case's own-township caseworker or its county's admin; nobody else, never in the masked variant.
 */
import { describe, expect, it } from 'vitest';
import { showsFullNumbers } from '../../../server/staff/ledger-access.ts';
import type { StaffUser } from '../../../server/staff/staff-records.ts';

const person = (over: Partial<StaffUser>): StaffUser => ({
  id: 'u',
  username: 'u',
  displayName: 'u',
  role: 'caseworker',
  county: 'tekes',
  passwordHash: '',
  mustChangePassword: false,
  disabled: false,
  createdAt: '2026-01-01T00:00:00.000Z',
  lang: 'zh',
  ...over,
});
const karadalaCase = { jurisdiction: 'tekes', township: 'karadala' };

describe('showsFullNumbers', () => {
  it('gives whole numbers to the own-township caseworker and the county admin, in the full variant only', () => {
    const here = person({ township: 'karadala' });
    const admin = person({ role: 'county_admin' });
    expect(showsFullNumbers(here, karadalaCase, 'full')).toBe(true);
    expect(showsFullNumbers(admin, karadalaCase, 'full')).toBe(true);
    expect(showsFullNumbers(here, karadalaCase, 'masked')).toBe(false);
    expect(showsFullNumbers(admin, karadalaCase, 'masked')).toBe(false);
  });

  it('masks for everyone else', () => {
    expect(showsFullNumbers(person({ township: 'kuokesu' }), karadalaCase, 'full')).toBe(false);
    expect(showsFullNumbers(person({}), karadalaCase, 'full')).toBe(false);
    expect(showsFullNumbers(person({ township: 'karadala' }), { jurisdiction: 'tekes' }, 'full')).toBe(false);
    expect(showsFullNumbers(person({ role: 'county_admin', county: 'qitai' }), karadalaCase, 'full')).toBe(
      false,
    );
    expect(showsFullNumbers(person({ role: 'county_admin', disabled: true }), karadalaCase, 'full')).toBe(
      false,
    );
    expect(showsFullNumbers(person({ township: 'karadala', county: 'qitai' }), karadalaCase, 'full')).toBe(
      false,
    );
  });
});
