/**
 * i18next over the JSON files in locales/<lang>/<namespace>.json. Loaded synchronously once at
 * start-up; a missing file is an error, not a silent fallback.
 *
 * Language codes: the folders are zh, ug, kk; what reaches HTML `lang` and Intl must name the
 * script, because bare "kk" means Cyrillic Kazakhstan Kazakh to ICU (see the glossary).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import i18next, { type i18n, type Resource, type TFunction } from 'i18next';

export const languages = ['zh', 'ug', 'kk'] as const;
export type Language = (typeof languages)[number];

export const languageTags: Record<Language, string> = { zh: 'zh-CN', ug: 'ug-Arab-CN', kk: 'kk-Arab-CN' };
export const textDirection: Record<Language, 'ltr' | 'rtl'> = { zh: 'ltr', ug: 'rtl', kk: 'rtl' };

export function isLanguage(s: unknown): s is Language {
  return typeof s === 'string' && (languages as readonly string[]).includes(s);
}

const localesDir = fileURLToPath(new URL('.', import.meta.url));

export function loadResources(dir = localesDir): Record<Language, Record<string, unknown>> {
  const out = {} as Record<Language, Record<string, unknown>>;
  for (const lang of languages) {
    out[lang] = {};
    for (const file of readdirSync(join(dir, lang)).filter((f) => f.endsWith('.json'))) {
      out[lang][file.slice(0, -5)] = JSON.parse(readFileSync(join(dir, lang, file), 'utf8'));
    }
  }
  return out;
}

/**
 * One namespace per language: screen.json at the root (programs.*, reasons.*, cli.* ...) and
 * every other file under its own name (chat.json → chat.*), so a key names its file.
 */
function mergedResources() {
  const files = loadResources();
  const out = {} as Record<Language, { screen: Record<string, unknown> }>;
  for (const lang of languages) {
    const { screen, ...others } = files[lang];
    out[lang] = { screen: { ...(screen as Record<string, unknown>), ...others } };
  }
  return out;
}

let shared: i18n | undefined;

/** One initialised i18next instance for the process (synchronous: resources are in memory). */
export function getI18n(): i18n {
  if (shared) return shared;
  const instance = i18next.createInstance();
  void instance.init({
    resources: mergedResources() as unknown as Resource,
    lng: 'zh',
    fallbackLng: 'zh',
    supportedLngs: [...languages],
    defaultNS: 'screen',
    ns: ['screen'],
    // nunjucks escapes on output; escaping here too would double-escape.
    interpolation: { escapeValue: false },
    returnNull: false,
    initAsync: false,
  });
  shared = instance;
  return instance;
}

export function translator(lang: Language, ns = 'screen'): TFunction {
  return getI18n().getFixedT(lang, ns);
}
