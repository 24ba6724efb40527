/**
 * Staff accounts: creation (random first password, changed at first login), login throttled
 * per name and address after repeated failures (login-throttle.ts: never a lock-out a stranger
 * can cause), the TOTP second factor, and server-side sessions that logout revokes. Wrong user
 * and wrong password take the same time and get the same answer.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Collection } from '../../bot/store/collection-store.ts';
import { dummyHash, hashPassword, minPasswordLength, randomPassword, verifyPassword } from './passwords.ts';
import { LoginThrottle } from './login-throttle.ts';
import {
  type Role,
  type StaffSession,
  type StaffUser,
  sessionIdleMs,
  sessionMaxMs,
} from './staff-records.ts';
import { totpStep } from './totp.ts';

export interface Accounts {
  users: Collection<StaffUser>;
  sessions: Collection<StaffSession>;
}

export interface NewUser {
  username: string;
  displayName?: string;
  role: Role;
  county: string;
  township?: string;
}

export const usernamePattern = /^[a-z][a-z0-9._-]{2,31}$/;

export function findByUsername(a: Accounts, username: string): StaffUser | undefined {
  for (const u of a.users.values()) if (u.username === username) return u;
  return undefined;
}

/** Creates an account; returns it with its one-time password (shown once, never stored). */
export async function createUser(a: Accounts, n: NewUser, now = new Date()) {
  if (!usernamePattern.test(n.username)) throw new Error(`username ${n.username}: 3–32 of a-z 0-9 . _ -`);
  if (findByUsername(a, n.username)) throw new Error(`username ${n.username} exists`);
  if (n.role === 'caseworker' && !n.township) throw new Error('a caseworker needs a township');
  const password = randomPassword();
  const user: StaffUser = {
    id: randomUUID(),
    username: n.username,
    displayName: n.displayName ?? n.username,
    role: n.role,
    county: n.county,
    ...(n.role === 'caseworker' ? { township: n.township } : {}),
    passwordHash: await hashPassword(password),
    mustChangePassword: true,
    disabled: false,
    lang: 'zh',
    createdAt: now.toISOString(),
  };
  await a.users.setDurably(user.id, user);
  return { user, password };
}

export type LoginResult =
  | { ok: true; user: StaffUser; session: StaffSession }
  /** retryAfterMs: how long before this address may try this name again (0: at once). */
  | { ok: false; reason: 'invalid' | 'throttled'; retryAfterMs: number };

/** One throttle per set of accounts (the server has one; each test its own). */
const throttles = new WeakMap<Accounts, LoginThrottle>();
export function loginThrottle(a: Accounts): LoginThrottle {
  const t = throttles.get(a) ?? new LoginThrottle();
  throttles.set(a, t);
  return t;
}

const normalise = (username: string) => username.trim().toLowerCase();

/**
 * Step one: the password, from a client address. A new session is made at every login (the id
 * rotates). Every path — unknown name, disabled, throttled, wrong or right password — checks
 * one argon2 hash, so the time taken tells nothing about which it was; and failures of a name
 * that is no account are throttled exactly like a real one's (login-throttle.ts), so being told
 * to wait tells nothing either.
 */
export async function login(
  a: Accounts,
  username: string,
  password: string,
  now = new Date(),
  address = '',
): Promise<LoginResult> {
  const name = normalise(username);
  const throttle = loginThrottle(a);
  const found = findByUsername(a, name);
  const user = found && !found.disabled ? found : undefined;
  const wait = throttle.begin(name, address, now.getTime());
  const checkable = wait === 0 ? user : undefined;
  const valid = await verifyPassword(checkable?.passwordHash ?? (await dummyHash()), password);
  if (wait > 0) return { ok: false, reason: 'throttled', retryAfterMs: wait };
  if (!user || !valid) {
    const next = throttle.wait(name, address, now.getTime());
    return { ok: false, reason: next > 0 ? 'throttled' : 'invalid', retryAfterMs: next };
  }
  throttle.refund(name, address);
  // A county admin, or anyone who enrolled a second factor, must give it before anything else;
  // until then the name's failures stand (the second factor's wrong codes add to them).
  const stage = user.totpSecret || user.role === 'county_admin' ? 'password' : 'full';
  if (stage === 'full') throttle.succeeded(name, address);
  return { ok: true, user, session: await startSession(a, user.id, stage, now) };
}

/** A new server-side session with a fresh random id (never reuses one: no session fixation). */
export async function startSession(
  a: Accounts,
  userId: string,
  stage: StaffSession['stage'],
  now = new Date(),
) {
  const session: StaffSession = {
    id: randomBytes(32).toString('base64url'),
    userId,
    stage,
    createdAt: now.toISOString(),
    lastSeenAt: now.toISOString(),
  };
  await a.sessions.setDurably(session.id, session);
  return session;
}

/**
 * Step two: the TOTP code (a code already used is refused). Wrong codes count as failed logins
 * of the name from this address, so guessing six digits is throttled like guessing a password.
 */
export async function secondFactor(
  a: Accounts,
  session: StaffSession,
  code: string,
  now = new Date(),
  address = '',
) {
  const user = a.users.get(session.userId);
  const throttle = loginThrottle(a);
  if (!user?.totpSecret || throttle.wait(user.username, address, now.getTime()) > 0) return false;
  const step = totpStep(user.totpSecret, code, now.getTime());
  let accepted = false;
  // Checked and recorded in one synchronous step: two requests cannot both use one code.
  a.users.update(user.id, (u) => {
    if (step === undefined || step <= (u!.totpLastStep ?? -1)) return u!;
    accepted = true;
    return { ...u!, totpLastStep: step };
  });
  if (!accepted) {
    throttle.failed(user.username, address, now.getTime());
    return false;
  }
  throttle.succeeded(user.username, address);
  await a.sessions.setDurably(session.id, { ...session, stage: 'full', lastSeenAt: now.toISOString() });
  return true;
}

/** Enrols a second factor: the secret is kept only once a code from it has been given. */
export async function enrolTotp(
  a: Accounts,
  session: StaffSession,
  secret: string,
  code: string,
  now = new Date(),
  address = '',
) {
  const user = a.users.get(session.userId);
  if (!user) return false;
  const step = totpStep(secret, code, now.getTime());
  if (step === undefined) return false;
  await a.users.setDurably(user.id, { ...user, totpSecret: secret, totpLastStep: step });
  loginThrottle(a).succeeded(user.username, address); // the login is complete, as after a second factor
  await a.sessions.setDurably(session.id, { ...session, stage: 'full', lastSeenAt: now.toISOString() });
  return true;
}

/** The session behind a cookie, if it is still alive (idle and absolute timeouts). */
export function liveSession(a: Accounts, id: string | undefined, now = new Date()) {
  if (!id) return undefined;
  const session = a.sessions.get(id);
  if (!session) return undefined;
  const user = a.users.get(session.userId);
  const idle = now.getTime() - new Date(session.lastSeenAt).getTime() > sessionIdleMs;
  const old = now.getTime() - new Date(session.createdAt).getTime() > sessionMaxMs;
  if (!user || user.disabled || idle || old) {
    void a.sessions.deleteDurably(id);
    return undefined;
  }
  // Touch at most once a minute: a page view should not rewrite the sessions file every time.
  if (now.getTime() - new Date(session.lastSeenAt).getTime() > 60_000) {
    a.sessions.set(id, { ...session, lastSeenAt: now.toISOString() });
  }
  return { session, user };
}

export async function logout(a: Accounts, sessionId: string) {
  await a.sessions.deleteDurably(sessionId);
}

export async function changePassword(a: Accounts, user: StaffUser, current: string, next: string) {
  if (!(await verifyPassword(user.passwordHash, current))) return 'wrong_password' as const;
  if (next.length < minPasswordLength) return 'too_short' as const;
  if (next === current) return 'same' as const;
  await a.users.setDurably(user.id, {
    ...user,
    passwordHash: await hashPassword(next),
    mustChangePassword: false,
  });
  // Every other session of this user ends: a changed password locks out whoever knew the old one.
  for (const s of [...a.sessions.values()]) if (s.userId === user.id) await a.sessions.deleteDurably(s.id);
  return 'changed' as const;
}

/**
 * A county admin resets a password: a new one-time password, all sessions ended, and the name's
 * failed logins forgotten, so its owner can log in at once from anywhere.
 */
export async function resetPassword(a: Accounts, user: StaffUser) {
  const password = randomPassword();
  const { failedLogins: _f, lockedUntil: _l, ...rest } = user;
  await a.users.setDurably(user.id, {
    ...rest,
    passwordHash: await hashPassword(password),
    mustChangePassword: true,
  });
  loginThrottle(a).clear(user.username);
  for (const s of [...a.sessions.values()]) if (s.userId === user.id) await a.sessions.deleteDurably(s.id);
  return password;
}
