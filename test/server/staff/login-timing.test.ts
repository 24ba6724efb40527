/**
 * Timing-safe login (issue 8): every way a login can fail or succeed checks exactly one argon2
 * hash, so its time (tens of milliseconds, the same work each time) cannot tell an unknown name
 * from a real one, a disabled or throttled account from an open one. Counted calls, not timings:
 * a shared machine's noise would make a timing test flaky, and the count is what makes them equal.
 * And "wait" tells nothing either: unknown names are throttled after the same tries, as long.
 */
import { describe, expect, it, vi } from 'vitest';
import { createUser, login } from '../../../server/staff/accounts.ts';
import * as passwords from '../../../server/staff/passwords.ts';
import { openAccounts } from '../../../server/staff/staff-storage.ts';
import { openMemoryStore } from '../../../bot/store/collection-store.ts';

vi.mock('../../../server/staff/passwords.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../server/staff/passwords.ts')>();
  return { ...real, verifyPassword: vi.fn(real.verifyPassword) };
});

// The collections as the server opens them (their columns and unique username).
const accounts = async () => openAccounts(await openMemoryStore());
const t0 = new Date('2026-11-23T10:00:00Z');

describe('staff login', () => {
  it('checks one password hash on every path', async () => {
    const a = await accounts();
    const { password } = await createUser(a, {
      username: 'li.na',
      role: 'caseworker',
      county: 'tekes',
      township: 'karadala',
    });
    const off = await createUser(a, {
      username: 'off',
      role: 'caseworker',
      county: 'tekes',
      township: 'karadala',
    });
    a.users.update(off.user.id, (u) => ({ ...u!, disabled: true }));
    const slowed = await createUser(a, {
      username: 'slowed',
      role: 'caseworker',
      county: 'tekes',
      township: 'karadala',
    });
    for (let i = 0; i < 5; i++) await login(a, 'slowed', 'wrong password', t0, '10.0.0.9');
    const verify = vi.mocked(passwords.verifyPassword);
    const attempts: [string, string, string][] = [
      ['nobody', 'whatever', 'invalid'],
      ['off', off.password, 'invalid'],
      ['slowed', slowed.password, 'throttled'],
      ['li.na', 'wrong password', 'invalid'],
      ['li.na', password, 'ok'],
    ];
    for (const [name, pass, answer] of attempts) {
      verify.mockClear();
      const result = await login(a, name, pass, t0, '10.0.0.9');
      expect(result.ok ? 'ok' : result.reason, name).toBe(answer);
      expect(verify, name).toHaveBeenCalledTimes(1);
    }
  });

  it('throttles an unknown name after the same number of tries as a real one, for as long', async () => {
    const a = await accounts();
    await createUser(a, { username: 'wang', role: 'caseworker', county: 'tekes', township: 'karadala' });
    const tries = async (name: string, at: Date) => {
      const out: string[] = [];
      for (let i = 0; i < 6; i++) {
        const r = await login(a, name, 'wrong password', at, '10.0.0.9');
        out.push(r.ok ? 'ok' : `${r.reason} ${r.retryAfterMs}`);
      }
      return out;
    };
    const real = await tries('wang', t0);
    expect(real).toEqual([
      'invalid 0',
      'invalid 0',
      'invalid 0',
      'invalid 0',
      'throttled 1000',
      'throttled 1000',
    ]);
    expect(await tries('nobody', t0)).toEqual(real);
    const after = new Date(t0.getTime() + 1000);
    expect(await login(a, 'nobody', 'x', after, '10.0.0.9')).toEqual({
      ok: false,
      reason: 'throttled',
      retryAfterMs: 2000,
    });
  });

  it('checks a burst of simultaneous guesses from one address against the real hash only five times', async () => {
    const a = await accounts();
    const { user } = await createUser(a, {
      username: 'zhou',
      role: 'caseworker',
      county: 'tekes',
      township: 'karadala',
    });
    const verify = vi.mocked(passwords.verifyPassword);
    verify.mockClear();
    const guesses = Array.from({ length: 20 }, (_, i) => login(a, 'zhou', `guess ${i}`, t0, '10.0.0.9'));
    const results = await Promise.all(guesses);
    expect(results.every((r) => !r.ok)).toBe(true);
    expect(verify).toHaveBeenCalledTimes(20);
    expect(verify.mock.calls.filter(([hash]) => hash === user.passwordHash)).toHaveLength(5);
  });
});
