/**
 * Name and village as one comparable value, for finding the same household referred twice:
 * NFC (so a precomposed and a decomposed letter compare equal), control and format characters
 * (zero-width, bidi marks) dropped, runs of spaces made one, trimmed, lower-cased. No
 * transliteration: 阿依古丽 and ئايگۈل are different values (the same script only), since a
 * guessed spelling across scripts would flag strangers.
 */
const clean = (s: string) =>
  s
    .normalize('NFC')
    .replace(/[\p{Cc}\p{Cf}]/gu, '')
    .replace(/\s+/gu, ' ')
    .trim()
    .toLowerCase();

/** undefined when either is missing: a name alone says too little to flag anyone. */
export function nameVillageKey(name: string, village: string | undefined): string | undefined {
  const n = clean(name);
  const v = clean(village ?? '');
  return n && v ? `${n}\u0000${v}` : undefined;
}
