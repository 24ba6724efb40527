/** translator() remembers texts asked without values: they must be exactly what i18next says. */
import { describe, expect, it } from 'vitest';
import { getI18n, languages, loadResources, translator } from '../../locales/i18n.ts';

type Tree = { [k: string]: string | Tree };
const keys = (o: Tree, prefix = ''): string[] =>
  Object.entries(o).flatMap(([k, v]) => (typeof v === 'string' ? [prefix + k] : keys(v, `${prefix}${k}.`)));

/** Every key, as translator() reads it: screen.json at the root, other files under their name. */
const allKeys = (lang: (typeof languages)[number]) => {
  const { screen, ...others } = loadResources()[lang] as unknown as Record<string, Tree>;
  return [...keys(screen ?? {}), ...keys(others)];
};

describe.each(languages)('translator(%s)', (lang) => {
  const plainI18next = getI18n().getFixedT(lang, 'screen');
  it('gives what i18next gives for every key, asked twice, with and without empty options', () => {
    const t = translator(lang);
    for (const key of allKeys(lang)) {
      const expected = plainI18next(key);
      expect(t(key)).toBe(expected);
      expect(t(key, {})).toBe(expected);
      expect(t(key)).toBe(expected);
    }
  });
  it('still interpolates and counts when values are given', () => {
    const t = translator(lang);
    const values = { number: 3, about: 14 };
    expect(t('chat.progress', values)).toBe(plainI18next('chat.progress', values));
    expect(t('chat.progress', values)).not.toBe(t('chat.progress'));
  });
  it('is one function per language', () => {
    expect(translator(lang)).toBe(translator(lang));
  });
});
