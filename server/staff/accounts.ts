/**
 * Staff accounts: creation (random first password, changed at first login), login with
 * lock-out after repeated failures, the TOTP second factor, and server-side sessions that
 * logout revokes. Wrong user and wrong password take the same time and get the same answer.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Collection } from '../../bot/store/collection-store.ts';
import { dummyHash, hashPassword, minPasswordLength, randomPassword, verifyPassword } from './passwords.ts';
import {
  lockoutMs,
  maxFailedLogins,
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
    failedLogins: 0,
    disabled: false,
    lang: 'zh',
    createdAt: now.toISOString(),
  };
  await a.users.setDurably(user.id, user);
  return { user, password };
}

export type LoginResult =
  | { ok: true; user: StaffUser; session: StaffSession }
  | { ok: false; reason: 'invalid' | 'locked' };

const locked = (u: StaffUser, now: Date) => u.lockedUntil !== undefined && new Date(u.lockedUntil) > now;

/** Counts a failure; the count changes in one synchronous step (no lost update between awaits). */
function failed(a: Accounts, userId: string, now: Date) {
  a.users.update(userId, (u) => {
    const failedLogins = u!.failedLogins + 1;
    const lock = failedLogins >= maxFailedLogins;
    return {
      ...u!,
      failedLogins: lock ? 0 : failedLogins,
      ...(lock ? { lockedUntil: new Date(now.getTime() + lockoutMs).toISOString() } : {}),
    };
  });
}

/**
 * Failures for names that are no account (or a disabled one): counted and locked exactly like a
 * real account's, so "locked" never tells an attacker a name exists. Bounded: the oldest go first.
 */
const unknownNames = new WeakMap<Accounts, Map<string, { failedLogins: number; lockedUntil?: string }>>();
const maxUnknownNames = 10_000;

function failedUnknown(a: Accounts, username: string, now: Date): LoginResult {
  const names = unknownNames.get(a) ?? new Map();
  unknownNames.set(a, names);
  const entry = names.get(username) ?? { failedLogins: 0 };
  if (entry.lockedUntil && new Date(entry.lockedUntil) > now) return { ok: false, reason: 'locked' };
  const failedLogins = entry.failedLogins + 1;
  const lock = failedLogins >= maxFailedLogins;
  names.delete(username); // re-inserted last: the Map's order is the eviction order
  names.set(
    username,
    lock
      ? { failedLogins: 0, lockedUntil: new Date(now.getTime() + lockoutMs).toISOString() }
      : { failedLogins },
  );
  if (names.size > maxUnknownNames) names.delete(names.keys().next().value!);
  return { ok: false, reason: lock ? 'locked' : 'invalid' };
}

/**
 * Step one: the password. A new session is made at every login (the id rotates). Every path —
 * unknown name, disabled, locked, wrong or right password — checks one argon2 hash, so the time
 * taken tells nothing about which it was.
 */
export async function login(
  a: Accounts,
  username: string,
  password: string,
  now = new Date(),
): Promise<LoginResult> {
  const name = username.trim().toLowerCase();
  const found = findByUsername(a, name);
  const user = found && !found.disabled ? found : undefined;
  const checkable = user && !locked(user, now) ? user : undefined;
  const valid = await verifyPassword(checkable?.passwordHash ?? (await dummyHash()), password);
  if (!user) return failedUnknown(a, name, now);
  if (!checkable) return { ok: false, reason: 'locked' };
  if (!valid) {
    failed(a, user.id, now);
    return { ok: false, reason: locked(a.users.get(user.id)!, now) ? 'locked' : 'invalid' };
  }
  const fresh = a.users.update(user.id, (u) => {
    const { lockedUntil: _, ...rest } = u!;
    return { ...rest, failedLogins: 0 };
  });
  // A county admin, or anyone who enrolled a second factor, must give it before anything else.
  const stage = user.totpSecret || user.role === 'county_admin' ? 'password' : 'full';
  return { ok: true, user: fresh, session: await startSession(a, user.id, stage, now) };
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

/** Step two: the TOTP code (a code already used is refused; wrong codes count toward lock-out). */
export async function secondFactor(a: Accounts, session: StaffSession, code: string, now = new Date()) {
  const user = a.users.get(session.userId);
  if (!user?.totpSecret || locked(user, now)) return false;
  const step = totpStep(user.totpSecret, code, now.getTime());
  let accepted = false;
  // Checked and recorded in one synchronous step: two requests cannot both use one code.
  a.users.update(user.id, (u) => {
    if (step === undefined || step <= (u!.totpLastStep ?? -1)) return u!;
    accepted = true;
    return { ...u!, totpLastStep: step, failedLogins: 0 };
  });
  if (!accepted) {
    failed(a, user.id, now);
    return false;
  }
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
) {
  const user = a.users.get(session.userId);
  if (!user) return false;
  const step = totpStep(secret, code, now.getTime());
  if (step === undefined) return false;
  await a.users.setDurably(user.id, { ...user, totpSecret: secret, totpLastStep: step });
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

/** A county admin resets a password: a new one-time password, all sessions ended. */
export async function resetPassword(a: Accounts, user: StaffUser) {
  const password = randomPassword();
  await a.users.setDurably(user.id, {
    ...user,
    passwordHash: await hashPassword(password),
    mustChangePassword: true,
    failedLogins: 0,
  });
  for (const s of [...a.sessions.values()]) if (s.userId === user.id) await a.sessions.deleteDurably(s.id);
  return password;
}
