/**
 * One word for one concept (issue 15 item 11): locales/glossary.json gives each term one
 * Uyghur and one Kazakh rendering. Wherever the Chinese string of a key contains a term, the
 * Uyghur and Kazakh strings of that key must contain the term's rendering (as a stem: suffixes
 * and the vowel change before them are the languages' grammar, not a second rendering); and no
 * ug/kk string, template or golden text may contain a variant the glossary forbids.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadResources } from '../../locales/i18n.ts';

const root = join(import.meta.dirname, '..', '..');
const targets = ['ug', 'kk'] as const;
type Target = (typeof targets)[number];

const perLanguage = <T extends z.ZodType>(t: T) => z.object({ ug: t, kk: t }).partial();
const glossarySchema = z.object({
  about: z.array(z.string()),
  terms: z
    .array(
      z.object({
        zh: z.array(z.string().min(1)).min(1),
        ug: z.string().min(1),
        kk: z.string().min(1),
        match: perLanguage(z.array(z.string().min(2)).min(1)).optional(),
        forbid: perLanguage(z.array(z.string().min(2))).optional(),
        why: z.string().min(10),
      }),
    )
    .min(1),
  /** A key whose ug/kk text may lack a term's rendering on purpose, with the reason. */
  exceptions: z.array(
    z.object({ key: z.string(), lang: z.enum(targets), zh: z.string(), why: z.string().min(10) }),
  ),
});
const glossary = glossarySchema.parse(
  JSON.parse(readFileSync(join(root, 'locales', 'glossary.json'), 'utf8')),
);

/**
 * Compare words, not code points: NFKC splits the precomposed Kazakh ٵ ٶ ٷ ٸ into letter + ٴ;
 * the Kazakh front-vowel hamza (ٴ or ء) is then dropped, since a word writes it only when no
 * other letter marks it front (ٴتۇرى, تۇرلەرى); tatweel and zero-width joiners carry nothing.
 */
const fold = (s: string, lang: Target) => {
  const n = s.normalize('NFKC').replace(/[\u0640\u200c\u200d]/g, '');
  return lang === 'kk' ? n.replace(/[\u0674\u0621]/g, '') : n;
};

type Tree = { [k: string]: string | Tree };
const flatten = (o: Tree, prefix = ''): Map<string, string> => {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(o)) {
    if (typeof v === 'string') out.set(prefix + k, v);
    else for (const [kk, vv] of flatten(v, `${prefix}${k}.`)) out.set(kk, vv);
  }
  return out;
};
const resources = loadResources();
const flat = (lang: 'zh' | Target) => flatten(resources[lang] as unknown as Tree);
const zh = flat('zh');

const stemsOf = (term: (typeof glossary.terms)[number], lang: Target) =>
  (term.match?.[lang] ?? [term[lang]]).map((s) => fold(s, lang));
const forbiddenOf = (lang: Target) =>
  glossary.terms.flatMap((t) => (t.forbid?.[lang] ?? []).map((p) => new RegExp(fold(p, lang), 'u')));

/** Every place a resident or caseworker reads ug/kk words that do not come from locales/<lang>. */
function otherTexts(lang: Target): [string, string][] {
  const files: string[] = [];
  for (const dir of ['templates', join('test', 'rules', 'golden')])
    for (const f of readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' }))
      if (/\.(njk|html|txt)$/.test(f) && (!f.endsWith('.txt') || f.endsWith(`.${lang}.txt`)))
        files.push(join(dir, f));
  return files.map((f) => [f, readFileSync(join(root, f), 'utf8')]);
}

describe('locales/glossary.json', () => {
  it('renders each term with its own match stems, and forbids nothing it requires', () => {
    for (const t of glossary.terms)
      for (const lang of targets) {
        const rendering = fold(t[lang], lang);
        expect(
          stemsOf(t, lang).some((s) => rendering.includes(s)),
          `${t.zh[0]} ${lang}`,
        ).toBe(true);
        expect(
          forbiddenOf(lang)
            .filter((re) => re.test(rendering))
            .map(String),
          `${t.zh[0]} ${lang}`,
        ).toEqual([]);
      }
  });
  it('names only keys that exist in its exceptions', () => {
    expect(glossary.exceptions.filter((e) => !zh.has(e.key)).map((e) => e.key)).toEqual([]);
  });
});

describe.each(targets)('locales/%s against the glossary', (lang) => {
  const strings = flat(lang);
  const excused = new Set(glossary.exceptions.filter((e) => e.lang === lang).map((e) => `${e.key} ${e.zh}`));

  it('says each term the Chinese string says, in its one rendering', () => {
    const missing: string[] = [];
    for (const [key, source] of zh) {
      const text = fold(strings.get(key) ?? '', lang);
      for (const term of glossary.terms)
        for (const word of term.zh)
          if (
            source.includes(word) &&
            !excused.has(`${key} ${word}`) &&
            !stemsOf(term, lang).some((s) => text.includes(s))
          )
            missing.push(`${key}: ${word} → ${term[lang]}`);
    }
    expect(missing).toEqual([]);
  });

  it('contains no variant the glossary forbids, in locales, templates or golden texts', () => {
    const forbidden = forbiddenOf(lang);
    const texts: [string, string][] = [...strings, ...otherTexts(lang)];
    const found = texts.flatMap(([where, text]) =>
      forbidden.filter((re) => re.test(fold(text, lang))).map((re) => `${where}: ${re.source}`),
    );
    expect(found).toEqual([]);
  });
});
