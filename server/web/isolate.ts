/**
 * Text for a page, HTML-escaped, with numbers, amounts, reference numbers, Latin and Chinese
 * names wrapped in <bdi> so they keep their own direction inside right-to-left Uyghur and
 * Kazakh sentences ("668 يۈەن" must not become "866"; "TE-4F7K" must not be reordered).
 */
import nunjucks from 'nunjucks';

// A run starts and ends with a digit, a Latin letter or a Han character; inside it may hold
// the separators such runs use (668.5, 2024-07-01, TE-4F7K2M9Q, 阿依古丽·买买提).
const run =
  /([0-9A-Za-z\u3400-\u9fff](?:[0-9A-Za-z\u3400-\u9fff.,:/%·\-–]|[ \u00a0](?=[0-9A-Za-z\u3400-\u9fff]))*[0-9A-Za-z\u3400-\u9fff%]|[0-9A-Za-z\u3400-\u9fff])/u;
const runs = new RegExp(run.source, 'gu');

const escapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => escapes[c]!);

/** Escapes everything; isolates the runs only where it matters (right-to-left pages). */
export function isolate(text: unknown, dir: 'ltr' | 'rtl'): nunjucks.runtime.SafeString {
  const s = text === undefined || text === null ? '' : String(text);
  if (dir === 'ltr') return new nunjucks.runtime.SafeString(escapeHtml(s));
  let out = '';
  let last = 0;
  for (const m of s.matchAll(runs)) {
    out += escapeHtml(s.slice(last, m.index));
    out += `<bdi>${escapeHtml(m[0])}</bdi>`;
    last = m.index + m[0].length;
  }
  return new nunjucks.runtime.SafeString(out + escapeHtml(s.slice(last)));
}
