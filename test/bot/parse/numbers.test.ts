/** Numbers as residents type them (issue 3, shared/GLOSSARY.md "Numbers people type"). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAmount, parseCount } from '../../../bot/parse/numbers.ts';

describe('parseAmount accepts', () => {
  it.each([
    ['800', 800],
    ['1,500', 1500],
    ['1،500', 1500],
    ['10 000', 10000],
    ['0', 0],
    ['1500.5', 1500.5],
    ['٢٠٠٠', 2000],
    ['۳۵۰۰', 3500],
    ['２０００', 2000],
    ['١٫٥ مىڭ', 1500],
    ['2\u200F000', 2000],
    ['\u202E800', 800],
    ['两千', 2000],
    ['一千五', 1500],
    ['两万三', 23000],
    ['三百五十', 350],
    ['三百五', 350],
    ['一百零五', 105],
    ['一千零五', 1005],
    ['三千二百', 3200],
    ['一万五', 15000],
    ['十', 10],
    ['十五', 15],
    ['十万', 100000],
    ['一万二千三百四十五', 12345],
    ['一亿两千万', 120000000],
    ['壹仟贰佰', 1200],
    ['1.5万', 15000],
    ['3千', 3000],
    ['2万5', 25000],
    ['2千5', 2500],
    ['1万2千', 12000],
    ['5k', 5000],
    ['2w', 20000],
    ['５Ｋ', 5000],
    ['800元', 800],
    ['大概两千块', 2000],
    ['两千左右', 2000],
    ['八百多', 800],
    ['每月1200', 1200],
    ['1200元/月', 1200],
    ['¥600', 600],
    ['ئىككى مىڭ', 2000],
    ['ەكى مىڭ', 2000],
    ['بىر مىڭ بەش يۈز', 1500],
    ['بىر مىڭ بەش', 1005],
    ['يىگىرمە بەش', 25],
    ['ئىككى يۈز مىڭ', 200000],
    ['1.5 مىڭ', 1500],
    ['2000 يۈەن', 2000],
    ['ەكى مىڭ يۋان', 2000],
    ['ٴبىر مىڭ', 1000],
  ] as const)('%s → %d', (input, expected) => {
    const r = parseAmount(input);
    expect(r).toMatchObject({ ok: true, value: expected });
  });
  it('marks approximate answers', () => {
    expect(parseAmount('八百多')).toMatchObject({ ok: true, value: 800, approximate: true });
    expect(parseAmount('800')).not.toHaveProperty('approximate');
  });
  it('reads a range typed in visual order as (min, max) and takes its middle', () => {
    expect(parseAmount('60 - 50 مىڭ')).toEqual({ ok: true, value: 55000, range: [50000, 60000] });
    expect(parseAmount('1000到2000')).toEqual({ ok: true, value: 1500, range: [1000, 2000] });
  });
});

describe('parseAmount refuses with a reason', () => {
  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['\u200B\u200B', 'empty'],
    ['-5', 'negative'],
    ['负500', 'negative'],
    ['abc', 'not_a_number'],
    ['三四', 'not_a_number'],
    ['1e309', 'not_a_number'],
    ['0x10', 'not_a_number'],
    ['<script>1</script>', 'not_a_number'],
    ['{{7*7}}', 'not_a_number'],
    ['🙂', 'not_a_number'],
    ['1'.repeat(201), 'too_long'],
  ] as const)('%j → %s', (input, error) => {
    expect(parseAmount(input)).toEqual({ ok: false, error });
  });
  it('refuses a value above the maximum as too large', () => {
    expect(parseAmount('两亿', { max: 10_000_000 })).toEqual({ ok: false, error: 'too_large' });
  });
});

describe('parseCount', () => {
  it.each([
    ['三口人', 3],
    ['5口人', 5],
    ['一个人', 1],
    ['3 جان', 3],
    ['3 نەپەر', 3],
    ['②', 2],
    ['４', 4],
  ] as const)('%s → %d', (input, expected) => {
    expect(parseCount(input, 30)).toEqual({ ok: true, value: expected });
  });
  it.each([
    ['2.5', 'not_whole'],
    ['0', 'not_a_number'],
    ['31', 'too_large'],
    ['2-3', 'not_a_number'],
  ] as const)('%s → %s', (input, error) => {
    expect(parseCount(input, 30)).toEqual({ ok: false, error });
  });
});

const hostile = fc.oneof(
  fc.string({ maxLength: 400 }),
  fc.string({ unit: 'grapheme', maxLength: 60 }),
  fc.string({
    unit: fc.constantFrom(
      '\u200B',
      '\u200F',
      '\u202E',
      '\u2066',
      '<',
      '>',
      '"',
      '{',
      '}',
      '零',
      '万',
      '千',
      'مىڭ',
      '-',
      '.',
      ',',
      '5',
      '٣',
      '🙂',
      ' ',
    ),
    maxLength: 300,
  }),
  fc.constantFrom(
    '<img src=x onerror=alert(1)>',
    '{{7*7}}',
    '__proto__',
    '1e309',
    'NaN',
    'Infinity',
    '9'.repeat(199),
    '万'.repeat(150),
  ),
);

describe('any text at all', () => {
  it('gives a finite non-negative number or a known error, never an exception', () => {
    fc.assert(
      fc.property(hostile, (text) => {
        const r = parseAmount(text);
        if (r.ok) {
          expect(Number.isFinite(r.value)).toBe(true);
          expect(r.value).toBeGreaterThanOrEqual(0);
        } else {
          expect(['empty', 'too_long', 'not_a_number', 'negative', 'too_large']).toContain(r.error);
        }
        const c = parseCount(text, 30);
        if (c.ok) expect(Number.isInteger(c.value) && c.value >= 1 && c.value <= 30).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });
});
