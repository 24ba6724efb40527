/**
 * Reference numbers a resident keeps and types back: a county prefix and eight characters of
 * Crockford base32 (no I, L, O, U to misread), 40 random bits: not guessable from another one.
 */
import { randomInt } from 'node:crypto';

const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export function newReference(jurisdiction: string): string {
  let random = '';
  for (let i = 0; i < 8; i++) random += alphabet[randomInt(alphabet.length)];
  return `${jurisdiction.slice(0, 2).toUpperCase()}-${random}`;
}
