/**
 * Spreadsheet formula injection: a text cell starting with = + - @ (or tab / CR) is run as a
 * formula by Excel and WPS. Every text cell we export goes through this; numbers stay numbers.
 */
export function safeCell(v: string | number | undefined): string | number {
  if (v === undefined) return '';
  if (typeof v === 'number') return v;
  return /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
}
