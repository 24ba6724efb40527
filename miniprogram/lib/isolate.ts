/**
 * Text cut into runs for a page, so numbers, amounts, references, Latin and Chinese names keep
 * their own direction inside right-to-left Uyghur and Kazakh sentences (an amount of 668 must
 * not read as 866). WXML has no <bdi>: a page shows each run in a <text>, the isolated ones with the
 * `iso` class (app.wxss: unicode-bidi isolate). The runs are the web pages' (server/web/isolate.ts).
 */
export interface Run {
  /** The text of the run. */
  s: string;
  /** Shown isolated (left to right in its own box). */
  i: boolean;
}

// Same pattern as server/web/isolate.ts: a run starts and ends with a digit, a Latin letter or
// a Han character, and may hold the separators such runs use (668.5, 2024-07-01, a Chinese name with its middle dot).
const runs =
  /([0-9A-Za-z\u3400-\u9fff](?:[0-9A-Za-z\u3400-\u9fff.,:/%·\-–]|[ \u00a0](?=[0-9A-Za-z\u3400-\u9fff]))*[0-9A-Za-z\u3400-\u9fff%]|[0-9A-Za-z\u3400-\u9fff])/gu;

/** Left-to-right pages need no isolation: one run. */
export function isolate(text: string, dir: 'ltr' | 'rtl'): Run[] {
  if (dir === 'ltr') return [{ s: text, i: false }];
  const out: Run[] = [];
  let last = 0;
  // An exec loop, not String.prototype.matchAll (ES2020): WeChat's compile to ES5 transforms syntax
  // only, and the base library's polyfills stop at ES2015 plus a few (the DevTools "code compilation" doc).
  runs.lastIndex = 0;
  for (let m = runs.exec(text); m; m = runs.exec(text)) {
    const at = m.index;
    if (at > last) out.push({ s: text.slice(last, at), i: false });
    out.push({ s: m[0], i: true });
    last = at + m[0].length;
  }
  if (last < text.length) out.push({ s: text.slice(last), i: false });
  return out;
}
