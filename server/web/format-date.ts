/**
 * Dates as residents write them, in China's time zone: 2026年11月23日 in Chinese; day.month.year
 * digits (23.11.2026) in Uyghur and Kazakh, the order their newspapers use.
 */
import type { Language } from '../../locales/i18n.ts';

const formats: Record<Language, Intl.DateTimeFormat> = {
  zh: new Intl.DateTimeFormat('zh-CN', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: 'long',
    day: 'numeric',
  }),
  ug: new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }),
  kk: new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }),
};

export function formatDate(iso: string, lang: Language): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const s = formats[lang].format(d);
  return lang === 'zh' ? s : s.replace(/\//g, '.');
}
