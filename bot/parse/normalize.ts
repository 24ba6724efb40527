/**
 * One normal form for whatever a resident types on a phone, before any parser looks at it.
 *
 * - NFKC: full-width digits and letters become ASCII, circled numbers (①) become digits.
 * - Arabic-Indic (U+0660–0669) and Extended Arabic-Indic (U+06F0–06F9) digits become ASCII;
 *   the Arabic decimal separator ٫ becomes ".", the Arabic thousands separator ٬ becomes ",".
 * - Invisible characters go: zero-width, bidi controls (U+202A–202E, U+2066–2069, LRM/RLM),
 *   the BOM, tatweel; so "٢\u200F٠٠٠" is "2000" and U+202E cannot reorder what we read.
 * - Persian letter forms ک ی fold to the Arabic ك ي used by Uyghur and Kazakh keyboards alike.
 * - Kazakh's front-vowel mark is typed as ٴ (U+0674), ء (U+0621) or inside ٵ ٶ ٷ ٸ: all
 *   fold to none, so one word list matches every spelling (see the glossary).
 * - Whitespace collapses; letters are lower-cased (Latin Uyghur "Hee", Cyrillic "Иә").
 *
 * Only for matching: what a resident wrote is stored as they wrote it.
 */

/** Longest answer any parser reads; longer text is not an answer to a short question. */
export const maxAnswerLength = 200;

const invisible = /[\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF\u0640\u00AD]/g;
const arabicIndic = /[\u0660-\u0669]/g;
const extendedArabicIndic = /[\u06F0-\u06F9]/g;
const hamzaForms: Record<string, string> = {
  '\u0675': '\u0627',
  '\u0676': '\u0648',
  '\u0677': '\u06C7',
  '\u0678': '\u064A',
};

export function normalizeAnswer(raw: string): string {
  return raw
    .normalize('NFKC')
    .replace(invisible, '')
    .replace(arabicIndic, (d) => String(d.charCodeAt(0) - 0x0660))
    .replace(extendedArabicIndic, (d) => String(d.charCodeAt(0) - 0x06f0))
    .replace(/\u066B/g, '.')
    .replace(/\u066C/g, ',')
    .replace(/\u06A9/g, '\u0643')
    .replace(/\u06CC/g, '\u064A')
    .replace(/[\u0675-\u0678]/g, (c) => hamzaForms[c]!)
    .replace(/[\u0674\u0621]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}
