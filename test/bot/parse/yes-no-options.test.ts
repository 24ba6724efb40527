/** Yes/no words in each language and numbered options (issue 3, shared/GLOSSARY.md). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Option, parseOption } from '../../../bot/parse/options.ts';
import { parseYesNo } from '../../../bot/parse/yes-no.ts';

describe('parseYesNo', () => {
  it.each([
    ['zh', '是', true],
    ['zh', '是的，我们家有', true],
    ['zh', '对', true],
    ['zh', '嗯', true],
    ['zh', '有', true],
    ['zh', '可以。', true],
    ['zh', '不是', false],
    ['zh', '否', false],
    ['zh', '没有', false],
    ['zh', '不对', false],
    ['zh', '不', false],
    ['ug', 'ھەئە', true],
    ['ug', 'ھە', true],
    ['ug', 'شۇنداق', true],
    ['ug', 'ماقۇل', true],
    ['ug', 'Hee', true],
    ['ug', 'ھەئە\u200F', true],
    ['ug', 'ياق', false],
    ['ug', 'ئەمەس', false],
    ['ug', 'يوق', false],
    ['ug', 'yaq', false],
    ['kk', 'ءيا', true],
    ['kk', 'ٴيا', true],
    ['kk', 'يا', true],
    ['kk', 'ماقۇل', true],
    ['kk', 'Иә', true],
    ['kk', 'جوق', false],
    ['kk', 'ەمەس', false],
    ['kk', 'жоқ', false],
    ['ug', '是', true],
    ['kk', 'ياق', false],
    ['zh', 'ھەئە', true],
  ] as const)('%s: %s → %s', (lang, input, expected) => {
    expect(parseYesNo(input, lang)).toEqual({ ok: true, value: expected });
  });
  it('reads a bare يا as yes only in a Kazakh session (in Uyghur it means "or")', () => {
    expect(parseYesNo('يا', 'ug')).toEqual({ ok: false, error: 'not_yes_no' });
    expect(parseYesNo('يا', 'kk')).toEqual({ ok: true, value: true });
  });
  it.each(['maybe', '800', '不知道吧', '不清楚', 'بىلمەيمەن', '<b>是</b>', ''])('refuses %j', (input) => {
    expect(parseYesNo(input, 'zh').ok).toBe(false);
  });
  it('never throws on any text', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 400 }),
        fc.constantFrom('zh', 'ug', 'kk') as fc.Arbitrary<'zh' | 'ug' | 'kk'>,
        (s, lang) => {
          const r = parseYesNo(s, lang);
          expect(r.ok ? typeof r.value : r.error).toMatch(/boolean|empty|too_long|not_yes_no/);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('parseOption', () => {
  const areas: Option<'urban' | 'rural'>[] = [
    { value: 'urban', words: ['城市', 'شەھەر', 'قالا'] },
    { value: 'rural', words: ['农村', 'يېزا', 'اۋىل'] },
  ];
  it.each([
    ['1', 'urban'],
    ['2', 'rural'],
    ['②', 'rural'],
    ['２', 'rural'],
    ['第二个', 'rural'],
    ['2.', 'rural'],
    ['二', 'rural'],
    ['农村', 'rural'],
    ['我住在农村', 'rural'],
    ['يېزا', 'rural'],
    ['اۋىل', 'rural'],
    ['قالا', 'urban'],
    ['城市', 'urban'],
  ] as const)('%s → %s', (input, expected) => {
    expect(parseOption(input, areas)).toEqual({ ok: true, value: expected });
  });
  it.each(['3', '0', '1.5', 'town', ''])('refuses %j', (input) => {
    expect(parseOption(input, areas).ok).toBe(false);
  });
});
