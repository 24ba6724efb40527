/**
 * The contact details a referral carries, read the same way on every channel (chat, web form):
 * a name, a phone number, and an optional resident ID number checked with its check digit.
 */
import { normalizeAnswer } from '../parse/normalize.ts';

/** Letters of any script, spaces and the middle dot in names like 阿依古丽·买买提; undefined if not a name. */
export function readName(input: string): string | undefined {
  const name = input
    .normalize('NFKC')
    .replace(/[\p{Cc}\p{Cf}]/gu, '')
    .replace(/\s+/g, ' ')
    .trim();
  return name.length >= 1 && name.length <= 40 && /^[\p{L}\p{M} ·.'-]+$/u.test(name) ? name : undefined;
}

/** A mainland mobile (11 digits, 1[3-9]…) or a landline with its area code, as digits only. */
export function readPhone(input: string): string | undefined {
  const digits = normalizeAnswer(input).replace(/[\s-]/g, '');
  return /^(1[3-9]\d{9}|0\d{9,11})$/.test(digits) ? digits : undefined;
}

/** An ID number as typed (spaces, dashes, lower-case x allowed), or undefined if it is not valid. */
export function readIdNumber(input: string): string | undefined {
  const id = normalizeAnswer(input).replace(/[\s-]/g, '').toUpperCase();
  return isValidIdNumber(id) ? id : undefined;
}

/** 18-character resident ID (GB 11643): 17 digits and an ISO 7064 MOD 11-2 check character. */
export function isValidIdNumber(id: string): boolean {
  if (!/^\d{17}[\dX]$/.test(id)) return false;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = weights.reduce((acc, w, i) => acc + w * Number(id[i]), 0);
  return '10X98765432'[sum % 11] === id[17];
}

/** Shown back with the middle hidden: 650102********1234. */
export function maskId(id: string): string {
  return `${id.slice(0, 6)}${'*'.repeat(id.length - 10)}${id.slice(-4)}`;
}
