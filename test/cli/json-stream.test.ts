/** The JSON splitter: any chunking of any array / NDJSON input gives back exactly its values. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonSplitter, JsonStreamError } from '../../rules/cli/json-stream.ts';

function splitAll(text: string, cuts: number[]) {
  const s = new JsonSplitter();
  const out: string[] = [];
  let at = 0;
  for (const c of [...cuts].sort((a, b) => a - b)) {
    out.push(...s.push(text.slice(at, c)));
    at = c;
  }
  out.push(...s.push(text.slice(at)));
  out.push(...s.end());
  return { shape: s.shape, values: out.map((x) => JSON.parse(x)) };
}

// Strings with quotes, backslashes and brackets are where a splitter goes wrong.
const tricky = fc.string({ unit: fc.constantFrom('"', '\\', '[', ']', '{', '}', ',', 'a', '低', '\n', ' ') });
const value = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    tricky,
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(tricky, tie('v'), { maxKeys: 4 }),
  ),
})).v;
const cutsOf = (n: number) => fc.array(fc.integer({ min: 0, max: n }), { maxLength: 8 });

describe('JsonSplitter', () => {
  it('yields the elements of a top-level array, however the text is cut into chunks', () => {
    fc.assert(
      fc.property(
        fc.array(value, { maxLength: 6 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 1000 }),
        (xs, pretty, seed) => {
          const text = pretty ? JSON.stringify(xs, null, 2) : JSON.stringify(xs);
          const cuts = fc.sample(cutsOf(text.length), { numRuns: 1, seed })[0]!;
          const r = splitAll(text, cuts);
          expect(r.shape).toBe('array');
          expect(r.values).toEqual(xs);
        },
      ),
      { numRuns: 300 },
    );
  });
  it('yields each value of NDJSON (and of objects spanning lines)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.dictionary(tricky, value, { maxKeys: 4 }), { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 1000 }),
        (xs, pretty, seed) => {
          const text = xs.map((x) => (pretty ? JSON.stringify(x, null, 2) : JSON.stringify(x))).join('\n');
          const cuts = fc.sample(cutsOf(text.length), { numRuns: 1, seed })[0]!;
          const r = splitAll(text, cuts);
          expect(r.shape).toBe('values');
          expect(r.values).toEqual(xs);
        },
      ),
      { numRuns: 300 },
    );
  });
  it('says when the input is cut short or has text after the array', () => {
    expect(() => splitAll('[{"a":1},{"b":', [])).toThrow(JsonStreamError);
    expect(() => splitAll('[{"a":1}', [])).toThrow(JsonStreamError);
    expect(() => splitAll('[1] 2', [])).toThrow(JsonStreamError);
    expect(() => splitAll('{"a":"x', [])).toThrow(JsonStreamError);
    expect(() => splitAll(' \n', [])).toThrow(JsonStreamError);
  });
});
