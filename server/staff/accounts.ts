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
  /** Failed logins counted in the store (PostgreSQL: shared by every instance); else in memory. */
  throttle?: LoginThrottle;
}

export interface NewUser {
  username: string;
  displayName?: string;
  role: Role;
  county: string;
  township?: string;
}

export const usernamePattern = /^[a-z][a-z0-9._-]{2,31}$/;

export async function findByUsername(a: Accounts, username: string): Promise<StaffUser | undefined> {
  return (await a.users.find({ username }))[0];
}

/** A username someone else took first (two admins adding one name at once: one account). */
export class UsernameTakenError extends Error {}

/** Creates an account; returns it with its one-time password (shown once, never stored). */
export async function createUser(a: Accounts, n: NewUser, now = new Date()) {
  if (!usernamePattern.test(n.username)) throw new Error(`username ${n.username}: 3–32 of a-z 0-9 . _ -`);
  if (await findByUsername(a, n.username)) throw new UsernameTakenError(`username ${n.username} exists`);
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
  // The username is the collection's unique key: of two simultaneous creations one is stored.
  const done = await a.users.insertDurably(user.id, user);
  if (!done.inserted) throw new UsernameTakenError(`username ${n.username} exists`);
  return { user, password };
}

export type LoginResult =
  | { ok: true; user: StaffUser; session: StaffSession }
  /** retryAfterMs: how long before this address may try this name again (0: at once). */
  | { ok: false; reason: 'invalid' | 'throttled'; retryAfterMs: number };

/** One throttle per set of accounts (the server has one; each test its own). */
const throttles = new WeakMap<Accounts, LoginThrottle>();
export function loginThrottle(a: Accounts): LoginThrottle {
  if (a.throttle) return a.throttle;
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
  const found = await findByUsername(a, name);
  const user = found && !found.disabled ? found : undefined;
  const wait = await throttle.begin(name, address, now.getTime());
  const checkable = wait === 0 ? user : undefined;
  const valid = await verifyPassword(checkable?.passwordHash ?? (await dummyHash()), password);
  if (wait > 0) return { ok: false, reason: 'throttled', retryAfterMs: wait };
  if (!user || !valid) {
    const next = await throttle.wait(name, address, now.getTime());
    return { ok: false, reason: next > 0 ? 'throttled' : 'invalid', retryAfterMs: next };
  }
  await throttle.refund(name, address);
  // A county admin, or anyone who enrolled a second factor, must give it before anything else;
  // until then the name's failures stand (the second factor's wrong codes add to them).
  const stage = user.totpSecret || user.role === 'county_admin' ? 'password' : 'full';
  if (stage === 'full') await throttle.succeeded(name, address);
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
  const user = await a.users.get(session.userId);
  const throttle = loginThrottle(a);
  if (!user?.totpSecret || (await throttle.wait(user.username, address, now.getTime())) > 0) return false;
  const step = totpStep(user.totpSecret, code, now.getTime());
  let accepted = false;
  // Checked and recorded in one change of the account: two requests cannot both use one code.
  await a.users.update(user.id, (u) => {
    if (!u || step === undefined || step <= (u.totpLastStep ?? -1)) return undefined;
    accepted = true;
    return { ...u, totpLastStep: step };
  });
  if (!accepted) {
    await throttle.failed(user.username, address, now.getTime());
    return false;
  }
  await throttle.succeeded(user.username, address);
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
  const step = totpStep(secret, code, now.getTime());
  if (step === undefined) return false;
  // Onto the account as it is now, not as the request read it: a change made meanwhile stays.
  const user = await a.users.update(
    session.userId,
    (u) => (u ? { ...u, totpSecret: secret, totpLastStep: step } : undefined),
    { durable: true },
  );
  if (!user) return false;
  await loginThrottle(a).succeeded(user.username, address); // the login is complete, as after a second factor
  await a.sessions.setDurably(session.id, { ...session, stage: 'full', lastSeenAt: now.toISOString() });
  return true;
}

/** The session behind a cookie, if it is still alive (idle and absolute timeouts). */
export async function liveSession(
  a: Accounts,
  id: string | undefined,
  now = new Date(),
): Promise<{ session: StaffSession; user: StaffUser } | undefined> {
  if (!id) return undefined;
  const session = await a.sessions.get(id);
  if (!session) return undefined;
  const user = await a.users.get(session.userId);
  const idle = now.getTime() - new Date(session.lastSeenAt).getTime() > sessionIdleMs;
  const old = now.getTime() - new Date(session.createdAt).getTime() > sessionMaxMs;
  if (!user || user.disabled || idle || old) {
    await a.sessions.deleteDurably(id);
    return undefined;
  }
  // Touch at most once a minute: a page view should not rewrite the sessions file every time.
  // An update, never a set: a session another request (or instance) ended meanwhile stays ended.
  if (now.getTime() - new Date(session.lastSeenAt).getTime() > 60_000) {
    await a.sessions.update(id, (s) => (s ? { ...s, lastSeenAt: now.toISOString() } : undefined));
  }
  return { session, user };
}

/** Ends every session of one account (a changed or reset password, a disabled account). */
export async function endSessions(a: Accounts, userId: string) {
  for (const s of await a.sessions.find({ userId })) await a.sessions.deleteDurably(s.id);
}

export async function logout(a: Accounts, sessionId: string) {
  await a.sessions.deleteDurably(sessionId);
}

export type PasswordChange = 'wrong_password' | 'too_short' | 'same' | 'changed';

export async function changePassword(
  a: Accounts,
  user: StaffUser,
  current: string,
  next: string,
): Promise<PasswordChange> {
  // Set inside the change (a cast: TypeScript does not follow assignments in a callback).
  let result = 'wrong_password' as PasswordChange;
  // One change of the account, the slow hashes inside it: whatever else changes the account
  // meanwhile (a second factor enrolled, a language chosen) waits and then lands on top, never
  // under a copy read before the hash (which lost it).
  await a.users.update(
    user.id,
    async (u) => {
      if (!u || !(await verifyPassword(u.passwordHash, current))) return undefined;
      if (next.length < minPasswordLength) result = 'too_short';
      else if (next === current) result = 'same';
      else result = 'changed';
      if (result !== 'changed') return undefined;
      return { ...u, passwordHash: await hashPassword(next), mustChangePassword: false };
    },
    { durable: true },
  );
  if (result !== 'changed') return result;
  // Every other session of this user ends: a changed password locks out whoever knew the old one.
  await endSessions(a, user.id);
  return result;
}

/**
 * A county admin resets a password: a new one-time password, all sessions ended, and the name's
 * failed logins forgotten, so its owner can log in at once from anywhere.
 */
export async function resetPassword(a: Accounts, user: StaffUser) {
  const password = randomPassword();
  // The hash inside the change, as in changePassword: nothing changed meanwhile is lost.
  await a.users.update(
    user.id,
    async (u) => {
      if (!u) return undefined;
      const { failedLogins: _f, lockedUntil: _l, ...rest } = u;
      return { ...rest, passwordHash: await hashPassword(password), mustChangePassword: true };
    },
    { durable: true },
  );
  await loginThrottle(a).clear(user.username);
  await endSessions(a, user.id);
  return password;
}
