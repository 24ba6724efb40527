/**
 * All three languages are first-class: same keys, same placeholders, no Chinese left inside
 * Uyghur or Kazakh text, and every reason the engine can emit has words in every language.
 * (The fuller native-quality checks come with the languages issue.)
 */
import { describe, expect, it } from 'vitest';
import { languages, loadResources, translator } from '../../locales/i18n.ts';
import type { ParameterName } from '../../rules/engine/parameter-catalog.ts';
import { createScreener } from '../../rules/engine/screen.ts';
import { loadCases } from '../rules/case-files.ts';

type Tree = { [k: string]: string | Tree };
const flatten = (o: Tree, prefix = ''): Map<string, string> => {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(o)) {
    if (typeof v === 'string') out.set(prefix + k, v);
    else for (const [kk, vv] of flatten(v, `${prefix}${k}.`)) out.set(kk, vv);
  }
  return out;
};
/** Han allowed inside Uyghur/Kazakh strings: the Chinese language's own name in the language menu. */
const allowedHan: Record<string, string> = { 'chat.language.choose': '中文' };
const placeholders = (s: string) => [...s.matchAll(/\{\{\s*(\w+)[^}]*\}\}/g)].map((m) => m[1]).sort();

const resources = loadResources();
const flat = Object.fromEntries(
  languages.map((l) => [l, flatten(resources[l] as unknown as Tree)]),
) as Record<string, Map<string, string>>;

describe.each(['ug', 'kk'] as const)('locales/%s', (lang) => {
  const zh = flat.zh!;
  const other = flat[lang]!;
  it('has every key zh has, and no others', () => {
    expect([...zh.keys()].filter((k) => !other.has(k))).toEqual([]);
    expect([...other.keys()].filter((k) => !zh.has(k))).toEqual([]);
  });
  it('uses the same placeholders as zh in every string', () => {
    const differ = [...zh.keys()].filter(
      (k) => other.has(k) && placeholders(zh.get(k)!).join() !== placeholders(other.get(k)!).join(),
    );
    expect(differ).toEqual([]);
  });
  it('contains no Chinese characters (except proper names on the allow-list)', () => {
    const withHan = [...other.entries()].filter(([k, v]) =>
      /[\u4e00-\u9fff]/.test(v.replace(allowedHan[k] ?? '\u0000', '')),
    );
    expect(withHan.map(([k]) => k)).toEqual([]);
  });
  it('is written in Arabic script', () => {
    const notArabic = [...other.entries()]
      .filter(([k, v]) => !k.startsWith('cli.help') && !/[\u0600-\u06ff]/.test(v))
      .map(([k]) => k);
    expect(notArabic).toEqual([]);
  });
});

describe('reasons the engine emits', () => {
  it('have a sentence in every language', () => {
    const screener = createScreener({ today: () => '2026-11-23' });
    const keys = new Set<string>();
    for (const c of loadCases()) {
      const r = screener.screen(
        c.household,
        c.localValues ? { localValues: c.localValues as Record<ParameterName, unknown> } : {},
      );
      if (r.ok) for (const p of r.value.programs) for (const reason of p.reasons) keys.add(reason.key);
    }
    expect(keys.size).toBeGreaterThan(60);
    // Look in each language's own file: i18next would quietly fall back to Chinese.
    for (const lang of languages) {
      const missing = [...keys].filter((k) => !flat[lang]!.has(`screen.reasons.${k}`));
      expect(missing, lang).toEqual([]);
    }
    expect(
      translator('zh')('reasons.dibao.tekes.amount', { tier: 'C档', perPerson: 334, size: 2, amount: 668 }),
    ).toContain('668');
  });
});
