/**
 * The chosen language and its chrome strings. The choice is kept with wx.setStorageSync so the
 * next visit opens in it; Uyghur and Kazakh read right to left.
 */
import { chrome } from './chrome';

export type Lang = keyof typeof chrome;
export type ChromeKey = keyof (typeof chrome)['zh'];

export const langs: Lang[] = ['zh', 'ug', 'kk'];
const storageKey = 'lang';

export function isLang(v: unknown): v is Lang {
  return typeof v === 'string' && (langs as string[]).includes(v);
}

/** The remembered language, or undefined before the resident has chosen one. */
export function storedLang(): Lang | undefined {
  const v = wx.getStorageSync(storageKey);
  return isLang(v) ? v : undefined;
}

export function rememberLang(lang: Lang): void {
  wx.setStorageSync(storageKey, lang);
}

/** A chrome string; `{{name}}` placeholders filled from params, as i18next does on the server. */
export function t(lang: Lang, key: ChromeKey, params: Record<string, string | number> = {}): string {
  return chrome[lang][key].replace(/\{\{(\w+)\}\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

/** The page root's class: the whole page mirrors for Uyghur and Kazakh. */
export function direction(lang: Lang): 'rtl' | 'ltr' {
  return lang === 'zh' ? 'ltr' : 'rtl';
}

/** Puts the page's title in the navigation bar, in the resident's language. */
export function setTitle(lang: Lang, key: ChromeKey): void {
  wx.setNavigationBarTitle({ title: t(lang, key) });
}
