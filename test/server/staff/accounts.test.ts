/** Staff accounts: passwords, throttling, the second factor, sessions and the audit chain. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  changePassword,
  createUser,
  enrolTotp,
  liveSession,
  login,
  secondFactor,
} from '../../../server/staff/accounts.ts';
import { AuditLog } from '../../../server/staff/audit-log.ts';
import { ensureFirstAdmin } from '../../../server/staff/bootstrap.ts';
import { openAccounts } from '../../../server/staff/staff-storage.ts';
import { currentTotp, newTotpSecret } from '../../../server/staff/totp.ts';
import { openMemoryStore } from '../../../bot/store/collection-store.ts';

// The collections as the server opens them (their columns and unique username).
const accounts = async () => openAccounts(await openMemoryStore());

const t0 = new Date('2026-11-23T10:00:00Z');
const later = (ms: number) => new Date(t0.getTime() + ms);

describe('staff accounts', () => {
  it('hash passwords with argon2id and log in with a fresh session id each time', async () => {
    const a = await accounts();
    const { user, password } = await createUser(a, {
      username: 'li.na',
      role: 'caseworker',
      county: 'tekes',
      township: 'karadala',
    });
    expect(user.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(user.mustChangePassword).toBe(true);
    const one = await login(a, 'li.na', password, t0);
    const two = await login(a, 'LI.NA ', password, t0);
    expect(one.ok && two.ok).toBe(true);
    if (one.ok && two.ok) {
      expect(one.session.id).not.toBe(two.session.id);
      expect(one.session.id.length).toBeGreaterThanOrEqual(43);
      expect(one.session.stage).toBe('full');
    }
  });

  it('slow a name after five wrong passwords from one address, with the same answer for unknown users', async () => {
    const a = await accounts();
    const { password } = await createUser(a, {
      username: 'wang',
      role: 'caseworker',
      county: 'tekes',
      township: 'karadala',
    });
    const from = '10.0.0.2';
    expect(await login(a, 'nobody', password, t0, from)).toEqual({
      ok: false,
      reason: 'invalid',
      retryAfterMs: 0,
    });
    const results = [];
    for (let i = 0; i < 5; i++)
      results.push((await login(a, 'wang', 'wrong password', t0, from)) as { reason: string });
    expect(results.map((r) => r.reason)).toEqual(['invalid', 'invalid', 'invalid', 'invalid', 'throttled']);
    // The right password too waits out the delay from that address; another address goes ahead.
    expect(await login(a, 'wang', password, later(500), from)).toEqual({
      ok: false,
      reason: 'throttled',
      retryAfterMs: 500,
    });
    expect((await login(a, 'wang', password, later(500), '10.0.0.3')).ok).toBe(true);
    expect((await login(a, 'wang', password, later(1000), from)).ok).toBe(true);
  });

  it('require a second factor from county admins; a code works once', async () => {
    const a = await accounts();
    const { password } = await createUser(a, { username: 'admin', role: 'county_admin', county: 'tekes' });
    const first = await login(a, 'admin', password, t0);
    if (!first.ok) throw new Error('login failed');
    expect(first.session.stage).toBe('password');
    const secret = newTotpSecret();
    expect(await enrolTotp(a, first.session, secret, '000000', t0)).toBe(false);
    expect(await enrolTotp(a, first.session, secret, currentTotp(secret, t0.getTime()), t0)).toBe(true);
    const again = await login(a, 'admin', password, later(60_000));
    if (!again.ok) throw new Error('login failed');
    expect(again.session.stage).toBe('password');
    const code = currentTotp(secret, later(60_000).getTime());
    expect(await secondFactor(a, again.session, code, later(60_000))).toBe(true);
    // The same code again (overheard, replayed) is refused.
    const third = await login(a, 'admin', password, later(61_000));
    if (!third.ok) throw new Error('login failed');
    expect(await secondFactor(a, third.session, code, later(61_000))).toBe(false);
    expect((await a.sessions.get(third.session.id))!.stage).toBe('password');
  });

  it('end sessions when idle, when too old, and all of them when the password changes', async () => {
    const a = await accounts();
    const { user, password } = await createUser(a, {
      username: 'zhao',
      role: 'caseworker',
      county: 'tekes',
      township: 'karadala',
    });
    const s = await login(a, 'zhao', password, t0);
    if (!s.ok) throw new Error('login failed');
    expect(await liveSession(a, s.session.id, later(29 * 60_000))).toBeDefined();
    expect(await liveSession(a, s.session.id, later(29 * 60_000 + 31 * 60_000))).toBeUndefined();
    const other = await login(a, 'zhao', password, t0);
    if (!other.ok) throw new Error('login failed');
    expect(await changePassword(a, (await a.users.get(user.id))!, password, 'short')).toBe('too_short');
    expect(await changePassword(a, (await a.users.get(user.id))!, 'wrong', 'a long new password')).toBe(
      'wrong_password',
    );
    expect(await changePassword(a, (await a.users.get(user.id))!, password, 'a long new password')).toBe(
      'changed',
    );
    expect(await liveSession(a, other.session.id, t0)).toBeUndefined();
    expect((await login(a, 'zhao', 'a long new password', t0)).ok).toBe(true);
  });

  it('bootstrap one county admin on first start and print its password once', async () => {
    const a = await accounts();
    const printed: string[] = [];
    const admin = await ensureFirstAdmin(a, 'tekes', (l) => printed.push(l));
    expect(admin).toMatchObject({ role: 'county_admin', county: 'tekes', mustChangePassword: true });
    const password = /One-time password: (\S+)/.exec(printed.join())![1]!;
    expect((await login(a, 'admin', password, t0)).ok).toBe(true);
    expect(await ensureFirstAdmin(a, 'tekes', (l) => printed.push(l))).toBeUndefined();
    expect(printed).toHaveLength(1);
  });
});

describe('the audit log', () => {
  const dir = mkdtempSync(join(tmpdir(), 'audit-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it('appends, survives a restart, and shows an edited line', async () => {
    const log = AuditLog.open(dir);
    await log.append('u1', 'view', 'TE-AAAA1111');
    await log.append('u1', 'status', 'TE-AAAA1111', 'new → contacted');
    log.close();
    const again = AuditLog.open(dir);
    expect(again.size).toBe(2);
    expect(await again.verify()).toEqual({ ok: true });
    expect((await again.list())[0]).toMatchObject({ seq: 2, action: 'status' });
    again.close();
    const file = join(dir, 'audit.jsonl');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"view"', '"edit"'));
    const tampered = AuditLog.open(dir);
    expect(await tampered.verify()).toEqual({ ok: false, seq: 1 });
    tampered.close();
  });
});
