/** Staff accounts and their server-side sessions, as stored (zod-checked when the files load). */
import { z } from 'zod';

export const roles = ['caseworker', 'county_admin'] as const;
export type Role = (typeof roles)[number];

export const staffUserSchema = z.strictObject({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: z.enum(roles),
  county: z.string(),
  /** A caseworker's township; a county admin has none (sees the whole county). */
  township: z.string().optional(),
  /** argon2id (PHC string). */
  passwordHash: z.string(),
  mustChangePassword: z.boolean(),
  /** TOTP second factor (base32 secret), once enrolled; required for county admins. */
  totpSecret: z.string().optional(),
  /** The last time step a TOTP code was accepted for: a code is never accepted twice. */
  totpLastStep: z.number().optional(),
  /**
   * No longer used (failed logins are throttled in memory, login-throttle.ts); kept optional
   * so files written by earlier versions still load. A reset drops them.
   */
  failedLogins: z.number().optional(),
  lockedUntil: z.string().optional(),
  disabled: z.boolean(),
  lang: z.enum(['zh', 'ug', 'kk']),
  createdAt: z.string(),
});
export type StaffUser = z.infer<typeof staffUserSchema>;

export const staffSessionSchema = z.strictObject({
  id: z.string(),
  userId: z.string(),
  /** "password": the password was right, the second factor is still to come. */
  stage: z.enum(['password', 'full']),
  createdAt: z.string(),
  lastSeenAt: z.string(),
});
export type StaffSession = z.infer<typeof staffSessionSchema>;

/** Idle and absolute session lifetimes (OWASP ASVS 3.3). */
export const sessionIdleMs = 30 * 60 * 1000;
export const sessionMaxMs = 12 * 60 * 60 * 1000;
