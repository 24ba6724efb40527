/**
 * Timing-safe comparisons (issue 8), checked in the source: a secret compared with === stops at
 * the first differing character, so the time an answer takes tells how much of a guess was
 * right. Every place a guess meets a secret must use a constant-time primitive, and no secret
 * may be compared with === or !== anywhere in the server or the bot. (Login's hashing is
 * counted in test/server/staff/login-timing.test.ts.)
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}
const files = [...sources('server'), ...sources('bot')];
const text = (file: string) => readFileSync(file, 'utf8');

/** Where a guess meets a secret, and the constant-time primitive that must do the comparing. */
const checkPoints: { file: string; secret: string; primitive: RegExp }[] = [
  {
    file: 'bot/referral/contact-proof.ts',
    secret: 'phone digits and whole phone numbers (one check for every path)',
    primitive: /timingSafeEqual\(/,
  },
  {
    file: 'server/web/routes/status.ts',
    secret: 'phone digits and whole phone on the status page (through contact-proof)',
    primitive: /deps\.proof\.digits\([\s\S]*deps\.proof\.phone\(/,
  },
  {
    // Moved out of the WeChat adapter with the one session loop: every chat channel asks here.
    file: 'bot/dialog/status-lookup.ts',
    secret: 'phone digits in a chat status question (through contact-proof)',
    primitive: /proof\.digits\(/,
  },
  {
    file: 'bot/dialog/transition.ts',
    secret: "the whole phone for a chat's deletion",
    primitive: /deps\.provePhone\(|sameSecret\(/,
  },
  {
    file: 'server/staff/passwords.ts',
    secret: 'staff passwords (argon2 verify)',
    primitive: /\bverify\(passwordHash, password\)/,
  },
  {
    file: 'server/staff/totp.ts',
    secret: 'second-factor codes (otpauth validate)',
    primitive: /\.validate\(\{ token/,
  },
  {
    file: 'server/middleware/csrf.ts',
    secret: 'CSRF tokens (csrf verify)',
    primitive: /tokens\.verify\(secret, sent\)/,
  },
];

describe('comparisons with secrets', () => {
  it.each(checkPoints)('$secret use a constant-time comparison', ({ file, primitive }) => {
    expect(text(file)).toMatch(primitive);
  });

  it('otpauth and csrf compare in constant time themselves', () => {
    expect(text('node_modules/otpauth/dist/otpauth.node.mjs')).toMatch(/crypto\.timingSafeEqual\(/);
    // csrf compares with tsscmp: HMACs of both under a random key, then crypto.timingSafeEqual.
    expect(text('node_modules/csrf/index.js')).toMatch(
      /var compare = require\('tsscmp'\)[\s\S]*return compare\(token, expected\)/,
    );
    expect(text('node_modules/tsscmp/lib/index.js')).toMatch(/crypto\.createHmac\('sha256', key\)/);
    expect(text('node_modules/tsscmp/lib/index.js')).toMatch(/crypto\.timingSafeEqual\(a, b\)/);
  });

  it('never compares a secret with === or !==', () => {
    const secret = '(?:digits|password|passwordHash|secret|signature|token|totpSecret|code|idNumber|phone)';
    const plain = new RegExp(
      `(?:[\\w.]*\\b${secret}\\s*[!=]==(?!\\s*(?:undefined|null|['"\\d]))|[!=]==\\s*[\\w.]*\\b${secret}\\b)`,
    );
    const found = files.flatMap((f) =>
      text(f)
        .split('\n')
        .map((line, i) => ({ where: `${f}:${i + 1}`, line: line.trim() }))
        // Against a literal (an errno like 'ENOENT', an empty string) is a check of kind, not a secret.
        .filter(({ line }) => plain.test(line)),
    );
    expect(found).toEqual([]);
  });
});
