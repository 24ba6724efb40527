/** The second factor: TOTP (RFC 6238, 30 s, 6 digits) as any authenticator app reads it (otpauth). */
import * as OTPAuth from 'otpauth';

const period = 30;

export function newTotpSecret(): string {
  return new OTPAuth.Secret({ size: 20 }).base32;
}

function totp(secret: string, label = 'staff') {
  return new OTPAuth.TOTP({
    issuer: 'jiuzhu-prescreen',
    label,
    algorithm: 'SHA1',
    digits: 6,
    period,
    secret: OTPAuth.Secret.fromBase32(secret),
  });
}

export function totpUri(secret: string, username: string): string {
  return totp(secret, username).toString();
}

/**
 * The time step a code is valid for (one step of clock drift either way), or undefined.
 * The caller refuses a step it already accepted, so an overheard code cannot be replayed.
 */
export function totpStep(secret: string, code: string, now = Date.now()): number | undefined {
  const token = code.replace(/\s/g, '');
  if (!/^\d{6}$/.test(token)) return undefined;
  const delta = totp(secret).validate({ token, timestamp: now, window: 1 });
  return delta === null ? undefined : Math.floor(now / 1000 / period) + delta;
}

/** The current code (tests, and nothing else). */
export function currentTotp(secret: string, now = Date.now()): string {
  return totp(secret).generate({ timestamp: now });
}
