/**
 * All three languages are first-class: same keys, same placeholders, no Chinese left inside
 * Uyghur or Kazakh text, and every reason the engine can emit has words in every language.
 * (The fuller native-quality checks come with the languages issue.)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { languages, loadResources, translator } from '../../locales/i18n.ts';
import { defaultRulesDir } from '../../rules/engine/load-rule-book.ts';
import { isFillable, type ParameterName, parameterNames } from '../../rules/engine/parameter-catalog.ts';
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
/**
 * Han allowed inside Uyghur/Kazakh strings: proper names only. The Chinese language's own name in
 * the language menu; the authenticator apps as a Chinese app store spells them (searched for as
 * written, so they are not translated).
 */
const allowedHan: Record<string, string[]> = {
  'chat.language.choose': ['中文'],
  'staff.totp.setup_intro': ['腾讯身份验证器', '阿里云', '虚拟'],
};
const withoutAllowed = (k: string, v: string) =>
  (allowedHan[k] ?? []).reduce((acc, n) => acc.split(n).join(''), v);
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
    const withHan = [...other.entries()].filter(([k, v]) => /[\u4e00-\u9fff]/.test(withoutAllowed(k, v)));
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

/**
 * Latin in Uyghur or Kazakh text: only these technical tokens (and placeholders). Anything
 * else in Latin letters, or any Cyrillic, is a word left untranslated or the wrong script.
 */
const technical = [
  /https?:\/\/[^\s،)]*/g,
  /https:\/\//g,
  /\bhttps\b/g,
  /rules\/jurisdictions\/\S+/g,
  /TE-4F7K2M9Q/g,
  /\b(?:API|JSON|UTF-8|OpenAPI|Accept-Language|error\.code|error\.message|zh|ug|kk|README|WECHATY_PUPPET|MINIPROGRAM_APPID|MINIPROGRAM_SECRET|Webhook|HMAC-SHA256|Excel|CSV|Google Authenticator|Microsoft Authenticator|App|TOTP|MFA|C|A|B)\b/g,
  /\?(?:lang|date)=/g,
];
const withoutTechnical = (s: string) =>
  technical.reduce((acc, re) => acc.replace(re, ''), s.replace(/\{\{[^}]*\}\}/g, ''));

/** Uyghur and Kazakh share these words, spelt alike: not an untranslated string. */
const sameInBoth = new Set([
  'staff.audit.by', // كىم "who"
  'web.chat.answer_label', // جاۋابىڭىز "your answer"
  'web.api_page.example', // مىسال "example"
  'screen.roster.columns.members', // a roster column name, the same file format everywhere
]);
/** Words every language accepts on purpose (typed commands, machine words in operator text). */
const latinOnPurpose =
  /^(chat\.commandWords\.|chat\.numberWords\.|chat\.referral\.skip_words$|screen\.cli\.|screen\.validation\.expected_boolean$)/;
/** The language menu names each language in its own script. */
const otherScriptOnPurpose = new Set(['chat.language.choose']);

describe.each(['ug', 'kk'] as const)('locales/%s reads as its own language', (lang) => {
  const strings = [...flat[lang]!.entries()];
  it('has no string left as another language has it (untranslated)', () => {
    const same = strings
      .filter(([k]) => !sameInBoth.has(k))
      .filter(([, v]) => /\p{L}{2}/u.test(withoutTechnical(v)))
      .filter(([k, v]) => languages.some((l) => l !== lang && flat[l]!.get(k) === v))
      .map(([k]) => k);
    expect(same).toEqual([]);
  });
  it('has no Cyrillic and no Latin words beyond technical tokens', () => {
    const foreign = strings
      .filter(([k]) => !latinOnPurpose.test(k))
      .filter(([, v]) => /[\u0400-\u04ff]|[A-Za-z]{2,}/.test(withoutTechnical(v)))
      .map(([k, v]) => `${k}: ${withoutTechnical(v).match(/[\u0400-\u04ff]+|[A-Za-z]{2,}/)?.[0]}`);
    expect(foreign).toEqual([]);
  });
  it(`uses ${lang === 'kk' ? 'Kazakh' : 'Uyghur'} letters, not the other language's`, () => {
    // Uyghur writes ې and the hamza carrier ئ; Kazakh marks front words with ٴ (U+0674).
    const wrong = lang === 'kk' ? /[\u06d0\u0626]/ : /\u0674/;
    expect(strings.filter(([k, v]) => !otherScriptOnPurpose.has(k) && wrong.test(v)).map(([k]) => k)).toEqual(
      [],
    );
  });
});

describe('all three languages', () => {
  it('keep template syntax out of the locales (nunjucks belongs in templates/)', () => {
    for (const lang of languages)
      expect(
        [...flat[lang]!.entries()].filter(([, v]) => /\{%|%\}|\{\{\s*\w+\s*\|/.test(v)).map(([k]) => k),
      ).toEqual([]);
  });
  it('give every plural key the forms its language needs (CLDR categories)', () => {
    // An i18next plural has an x_one form in some language (Uyghur and Kazakh have "one" and
    // "other"; Chinese only "other"); "emergency_other" or "too_many" alone are plain keys.
    const plurals = [...new Set(languages.flatMap((l) => [...flat[l]!.keys()]))]
      .filter((k) => k.endsWith('_one'))
      .map((k) => k.slice(0, -4));
    for (const lang of languages) {
      const needed = new Intl.PluralRules(lang).resolvedOptions().pluralCategories;
      for (const base of plurals)
        for (const c of needed) expect(flat[lang]!.has(`${base}_${c}`), `${lang} ${base}_${c}`).toBe(true);
    }
  });
});

describe('values a county can fill (issue 14 item 7)', () => {
  it('each has a name in every language, so "not provided yet" never shows an id', () => {
    const fillable = parameterNames.filter(isFillable);
    expect(fillable.length).toBeGreaterThan(10);
    for (const lang of languages) {
      const unnamed = fillable.filter((n) => !flat[lang]!.has(`screen.parameters.${n}`));
      expect(unnamed, lang).toEqual([]);
    }
  });

  it('each value a rule can report "not configured" has a name too, never "a rule" or an id', () => {
    // f.notConfigured(name) puts the name into a sentence ("本地的“…”尚未配置"): without a
    // translation it would read "一项相关规定". The names are the literals in the program rules.
    const dir = join(defaultRulesDir, 'programs');
    const reported = new Set<string>(['dibao.standard.urban', 'dibao.standard.rural']);
    for (const file of readdirSync(dir, { recursive: true, encoding: 'utf8' }))
      if (file.endsWith('.ts'))
        for (const line of readFileSync(join(dir, file), 'utf8').split('\n'))
          if (line.includes('notConfigured('))
            for (const m of line.matchAll(/'([a-z_.]+)'/g)) reported.add(m[1]!);
    expect(reported.has('minor_age')).toBe(true);
    expect(reported.has('tekun.standard_multiple')).toBe(true);
    for (const lang of languages) {
      const unnamed = [...reported].filter((n) => !flat[lang]!.has(`screen.parameters.${n}`));
      expect(unnamed, lang).toEqual([]);
    }
  });
});
