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

const translators = new Map<string, TFunction>();

/**
 * t for one language and namespace. i18next spends 10-20 µs on every call (it copies its whole
 * options object, resolves the fallback chain, runs nesting and interpolation), and a chat reply
 * makes a dozen calls: so a key asked without values is looked up once per language and
 * remembered. Resources never change after start-up, so the remembered text is the same text.
 * Calls with values (interpolation, plurals, context) always go to i18next: nothing a resident
 * typed is ever kept here.
 */
export function translator(lang: Language, ns = 'screen'): TFunction {
  const id = `${lang}\u0000${ns}`;
  let t = translators.get(id);
  if (!t) {
    t = rememberPlainKeys(getI18n().getFixedT(lang, ns));
    translators.set(id, t);
  }
  return t;
}

function rememberPlainKeys(t: TFunction): TFunction {
  const call = t as unknown as (...args: unknown[]) => unknown;
  const plain = new Map<string, unknown>();
  const remembering = (key: unknown, ...rest: unknown[]) => {
    if (typeof key === 'string' && rest.length <= 1 && hasNoValues(rest[0])) {
      let text = plain.get(key);
      if (text === undefined) {
        text = call(key);
        plain.set(key, text);
      }
      return text;
    }
    return call(key, ...rest);
  };
  const { lng, ns, keyPrefix } = t as unknown as Record<string, unknown>;
  return Object.assign(remembering, { lng, ns, keyPrefix }) as unknown as TFunction;
}

/** No options, or a plain object whose every value is undefined (as i18next reads it: none). */
function hasNoValues(options: unknown): boolean {
  if (options === undefined) return true;
  if (
    typeof options !== 'object' ||
    options === null ||
    Object.getPrototypeOf(options) !== Object.prototype
  ) {
    return false;
  }
  for (const v of Object.values(options)) if (v !== undefined) return false;
  return true;
}
