/**
 * Two changes of one record at the same moment both land: the store's `update` runs each change
 * on the record as the one before left it, the slow parts (an argon2 hash) inside the change.
 * (Written with get-then-set, the second write carried a copy read before the first and lost it:
 * a password change after its hash wiped a second factor enrolled meanwhile.)
 */
import { describe, expect, it } from 'vitest';
import { openReferrals } from '../../../bot/referral/dialog-storage.ts';
import { openMemoryStore } from '../../../bot/store/collection-store.ts';
import {
  changePassword,
  createUser,
  enrolTotp,
  login,
  startSession,
} from '../../../server/staff/accounts.ts';
import { verifyPassword } from '../../../server/staff/passwords.ts';
import { openAccounts } from '../../../server/staff/staff-storage.ts';
import type { StaffUser } from '../../../server/staff/staff-records.ts';
import { currentTotp, newTotpSecret } from '../../../server/staff/totp.ts';
import { applyChange } from '../../../server/staff/workflow.ts';
import { seededReferral } from '../../helpers/seed-referrals.ts';

const t0 = new Date('2026-11-23T10:00:00Z');

const caseworker = (id: string): StaffUser => ({
  id,
  username: id,
  displayName: id,
  role: 'caseworker',
  county: 'tekes',
  township: 'karadala',
  passwordHash: '',
  mustChangePassword: false,
  disabled: false,
  lang: 'zh',
  createdAt: t0.toISOString(),
});

/** A new Karadala case, made the morning of t0. */
const newCase = (reference: string) =>
  seededReferral(reference, 23, { name: '阿依古丽', phone: '13912345678' });

describe('two status changes of one case at once', () => {
  it('both land in its history, each from the status the other left', async () => {
    const referrals = await openReferrals(await openMemoryStore());
    await referrals.setDurably('TE-CONCUR01', newCase('TE-CONCUR01'));
    const [a, b] = [caseworker('worker-a'), caseworker('worker-b')];
    // Both caseworkers opened the case while it was "new".
    const [first, second] = await Promise.all([
      applyChange(referrals, 'TE-CONCUR01', a, { kind: 'status', to: 'contacted' }, t0),
      applyChange(referrals, 'TE-CONCUR01', b, { kind: 'status', to: 'visit_scheduled' }, t0),
    ]);
    expect(first.ok && second.ok).toBe(true);
    const stored = (await referrals.get('TE-CONCUR01'))!;
    expect(stored.status).toBe('visit_scheduled');
    expect(stored.history.filter((h) => h.action === 'status')).toEqual([
      expect.objectContaining({ by: 'worker-a', from: 'new', to: 'contacted' }),
      expect.objectContaining({ by: 'worker-b', from: 'contacted', to: 'visit_scheduled' }),
    ]);
  });

  it('twenty notes and status changes at once: every one in the history', async () => {
    const referrals = await openReferrals(await openMemoryStore());
    await referrals.setDurably('TE-CONCUR02', newCase('TE-CONCUR02'));
    const workers = Array.from({ length: 20 }, (_, i) => caseworker(`worker-${i}`));
    const results = await Promise.all(
      workers.map((w, i) =>
        applyChange(
          referrals,
          'TE-CONCUR02',
          w,
          i === 7 ? { kind: 'status', to: 'contacted' } : { kind: 'note', note: `note ${i}` },
          t0,
        ),
      ),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    const stored = (await referrals.get('TE-CONCUR02'))!;
    expect(stored.status).toBe('contacted');
    expect(stored.history.slice(1).map((h) => h.by)).toEqual(workers.map((w) => w.id));
  });
});

describe('two changes of one staff account at once', () => {
  it('a password change and a second factor enrolled meanwhile both land', async () => {
    const a = await openAccounts(await openMemoryStore());
    const { user, password } = await createUser(a, {
      username: 'admin',
      role: 'county_admin',
      county: 'tekes',
    });
    const first = await login(a, 'admin', password, t0);
    if (!first.ok) throw new Error('login failed');
    const other = await startSession(a, user.id, 'password', t0);
    const secret = newTotpSecret();
    // The password change reads the account, then spends ~50 ms hashing; the enrolment lands meanwhile.
    const [changed, enrolled] = await Promise.all([
      changePassword(a, user, password, 'a long new password'),
      enrolTotp(a, other, secret, currentTotp(secret, t0.getTime()), t0),
    ]);
    expect(changed).toBe('changed');
    expect(enrolled).toBe(true);
    const stored = (await a.users.get(user.id))!;
    expect(stored.totpSecret).toBe(secret);
    expect(stored.mustChangePassword).toBe(false);
    expect(await verifyPassword(stored.passwordHash, 'a long new password')).toBe(true);
  });

  it('two admins creating one username at once make one account', async () => {
    const a = await openAccounts(await openMemoryStore());
    const made = await Promise.allSettled([
      createUser(a, { username: 'wang', role: 'caseworker', county: 'tekes', township: 'karadala' }),
      createUser(a, { username: 'wang', role: 'caseworker', county: 'tekes', township: 'karadala' }),
    ]);
    expect(made.map((m) => m.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(await a.users.count()).toBe(1);
  });
});
