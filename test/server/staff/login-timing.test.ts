/**
 * Timing-safe login (issue 8): every way a login can fail or succeed checks exactly one argon2
 * hash, so its time (tens of milliseconds, the same work each time) cannot tell an unknown name
 * from a real one, a disabled or locked account from an open one. Counted calls, not timings:
 * a shared machine's noise would make a timing test flaky, and the count is what makes them equal.
 * And "locked" tells nothing either: unknown names lock after the same number of tries.
 */
import { describe, expect, it, vi } from 'vitest';
import { createUser, login } from '../../../server/staff/accounts.ts';
import * as passwords from '../../../server/staff/passwords.ts';
import { memoryAccounts } from '../../helpers/staff-accounts.ts';

vi.mock('../../../server/staff/passwords.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../server/staff/passwords.ts')>();
  return { ...real, verifyPassword: vi.fn(real.verifyPassword) };
});

const accounts = memoryAccounts;
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
    const locked = await createUser(a, {
      username: 'locked',
      role: 'caseworker',
      county: 'tekes',
      township: 'karadala',
    });
    a.users.update(locked.user.id, (u) => ({ ...u!, lockedUntil: '2026-11-23T11:00:00Z' }));
    const verify = vi.mocked(passwords.verifyPassword);
    const attempts: [string, string, string][] = [
      ['nobody', 'whatever', 'invalid'],
      ['off', off.password, 'invalid'],
      ['locked', locked.password, 'locked'],
      ['li.na', 'wrong password', 'invalid'],
      ['li.na', password, 'ok'],
    ];
    for (const [name, pass, answer] of attempts) {
      verify.mockClear();
      const result = await login(a, name, pass, t0);
      expect(result.ok ? 'ok' : result.reason, name).toBe(answer);
      expect(verify, name).toHaveBeenCalledTimes(1);
    }
  });

  it('locks an unknown name after the same number of tries as a real one, for as long', async () => {
    const a = await accounts();
    await createUser(a, { username: 'wang', role: 'caseworker', county: 'tekes', township: 'karadala' });
    const tries = async (name: string, at: Date) => {
      const out: string[] = [];
      for (let i = 0; i < 6; i++) {
        const r = await login(a, name, 'wrong password', at);
        out.push(r.ok ? 'ok' : r.reason);
      }
      return out;
    };
    const real = await tries('wang', t0);
    expect(real).toEqual(['invalid', 'invalid', 'invalid', 'invalid', 'locked', 'locked']);
    expect(await tries('nobody', t0)).toEqual(real);
    const after = new Date(t0.getTime() + 16 * 60_000);
    expect((await login(a, 'nobody', 'x', after)) as object).toEqual({ ok: false, reason: 'invalid' });
  });
});
