/**
 * Splits a JSON input into its households without parsing the whole file: a county's file of a
 * million households is ~700 MB, and one JSON.parse of it (or one string of its results) passes
 * V8's string limit. The splitter tracks only nesting depth and string/escape state over chunks,
 * so memory is one household's text plus one chunk.
 *
 * Shapes: a top-level array ("[{…},{…}]") yields each element; anything else yields each
 * top-level value in turn, which covers one object, NDJSON / JSON Lines, and objects that span
 * lines. The text of each element is returned, to be JSON.parse'd one at a time by the caller
 * (so a broken household is reported with its number and the others still screened).
 */
export type JsonShape = 'array' | 'values';

/** The input's structure is broken (not one household's content): the run cannot go on. */
export class JsonStreamError extends Error {}

const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_SQ = 0x5b;
const CLOSE_SQ = 0x5d;
const OPEN_CU = 0x7b;
const CLOSE_CU = 0x7d;
const BOM = 0xfeff;

const isSpace = (c: number) => c === SPACE || c === LF || c === CR || c === TAB || c === BOM;

export class JsonSplitter {
  shape: JsonShape | undefined;
  private buf = '';
  private pos = 0;
  /** Start of the element being read in buf, or -1 between elements. */
  private start = -1;
  private depth = 0;
  private inString = false;
  private closed = false;
  /** In an array: a comma was seen and an element must follow. */
  private expectElement = false;

  /** Feeds one chunk; returns the texts of the elements it completed. */
  push(chunk: string): string[] {
    const out: string[] = [];
    // Keep only the unfinished element: the buffer never holds more than one household.
    const keep = this.start >= 0 ? this.start : this.pos;
    this.buf = keep > 0 ? this.buf.slice(keep) + chunk : this.buf + chunk;
    this.pos -= keep;
    if (this.start >= 0) this.start = 0;
    this.scan(out);
    return out;
  }

  /** End of input: the last value (NDJSON without a final newline), or an error if cut short. */
  end(): string[] {
    const out: string[] = [];
    // An empty file is a mistake (the wrong file, a failed export), not zero households.
    if (this.shape === undefined) throw new JsonStreamError('empty input');
    if (this.inString || this.depth > 0) throw new JsonStreamError('unexpected end of input');
    if (this.shape === 'array' && !this.closed)
      throw new JsonStreamError("unexpected end of input: missing ']'");
    if (this.start >= 0) out.push(this.buf.slice(this.start, this.pos).trim());
    this.buf = '';
    this.pos = 0;
    this.start = -1;
    return out;
  }

  private scan(out: string[]) {
    const b = this.buf;
    const n = b.length;
    let i = this.pos;
    while (i < n) {
      if (this.inString) {
        // Jump to the next quote; it ends the string unless an odd run of backslashes precedes it.
        let q = b.indexOf('"', i);
        while (q >= 0) {
          let k = q - 1;
          while (k >= 0 && b.charCodeAt(k) === BACKSLASH) k--;
          if ((q - 1 - k) % 2 === 0) break;
          q = b.indexOf('"', q + 1);
        }
        if (q < 0) {
          // A trailing run of backslashes may escape a quote in the next chunk: rescan it then.
          let k = n - 1;
          while (k >= i && b.charCodeAt(k) === BACKSLASH) k--;
          i = k + 1;
          break;
        }
        this.inString = false;
        i = q + 1;
        continue;
      }
      const c = b.charCodeAt(i);
      if (this.shape === undefined) {
        if (isSpace(c)) {
          i++;
          continue;
        }
        if (c === OPEN_SQ) {
          this.shape = 'array';
          i++;
          continue;
        }
        this.shape = 'values';
      }
      if (this.start < 0) {
        // Between elements.
        if (isSpace(c)) {
          i++;
          continue;
        }
        if (this.shape === 'array') {
          if (this.closed) throw new JsonStreamError(`unexpected text after ']' at ${i}`);
          if (c === CLOSE_SQ && !this.expectElement) {
            this.closed = true;
            i++;
            continue;
          }
          if (c === COMMA || c === CLOSE_SQ) throw new JsonStreamError(`unexpected '${b[i]}'`);
        }
        this.start = i;
        this.expectElement = false;
      }
      if (c === QUOTE) {
        this.inString = true;
      } else if (c === OPEN_CU || c === OPEN_SQ) {
        this.depth++;
      } else if (c === CLOSE_CU || c === CLOSE_SQ) {
        if (this.depth > 0) {
          this.depth--;
          if (this.depth === 0 && this.shape === 'values') {
            out.push(b.slice(this.start, i + 1));
            this.start = -1;
          }
        } else if (this.shape === 'array' && c === CLOSE_SQ) {
          out.push(b.slice(this.start, i).trim());
          this.start = -1;
          this.closed = true;
        } else {
          throw new JsonStreamError(`unexpected '${b[i]}'`);
        }
      } else if (this.depth === 0) {
        if (this.shape === 'array' && c === COMMA) {
          out.push(b.slice(this.start, i).trim());
          this.start = -1;
          this.expectElement = true;
        } else if (this.shape === 'values' && isSpace(c)) {
          // A bare number/literal at the top level ends at whitespace.
          out.push(b.slice(this.start, i));
          this.start = -1;
        }
      }
      i++;
    }
    this.pos = i;
  }
}
