/**
 * The home-visit sheet (入户核查表, A4): one row per household member prefilled from the answers,
 * for the caseworker to check and correct by hand at the visit, and the page's print CSS, which
 * puts the reference and "第 1 页 共 2 页" in the margin of every printed page (CSS @page margin
 * boxes: Chromium prints them; the page number needs counter(page), which only a margin box has).
 */
import type { Answers, MemberAnswers } from '../../bot/dialog/answers.ts';
import { type Language, textDirection, translator } from '../../locales/i18n.ts';

export interface MemberRow {
  n: number;
  age: number;
  labor: string;
  selfCare: string;
  disability: string;
  illness: string;
}

/** Each member as the resident described them; "" where nothing was answered (left blank to fill in). */
export function memberRows(a: Answers, lang: Language): MemberRow[] {
  const t = translator(lang);
  const option = (key: string, v: string | undefined) => (v ? t(`chat.options.${key}_${v}`) : '');
  const yesNo = (b: boolean | undefined) =>
    b === undefined ? '' : b ? t('staff.referral.yes') : t('staff.referral.no');
  const disability = (d: MemberAnswers['disability']) =>
    d
      ? `${t(`chat.options.grade_${d.grade}`)} ${t(`chat.options.disability_${d.kind}`)}`
      : d === null
        ? t('staff.referral.none')
        : '';
  return (a.members ?? []).map((m, i) => ({
    n: i + 1,
    age: m.age,
    labor: option('capacity', m.laborCapacity),
    selfCare: option('capacity', m.selfCare),
    disability: disability(m.disability),
    illness: yesNo(m.seriousIllness),
  }));
}

/** A CSS string literal: quotes, backslashes and line ends escaped (the text is ours, escaped anyway). */
const cssString = (s: string) => `"${s.replace(/[\\"]/g, '\\$&').replace(/[\r\n\f]/g, ' ')}"`;

/**
 * The sheet's @page rules in the staff member's language: A4, the running head (title and
 * reference) at the start of the line and the page number at its end; sides follow the text
 * direction. The page-number sentence is split around {{page}} and {{pages}} so each language
 * keeps its own word order ("第 1 页 共 2 页", "2 بەتنىڭ 1-بېتى").
 */
export function visitSheetCss(reference: string, lang: Language): string {
  const t = translator(lang);
  const P = '\u0001';
  const Q = '\u0002';
  const sentence = t('staff.visit_sheet.page_of', { page: P, pages: Q });
  const pageNumber = sentence
    .split(new RegExp(`(${P}|${Q})`))
    .filter((part) => part !== '')
    .map((part) => (part === P ? 'counter(page)' : part === Q ? 'counter(pages)' : cssString(part)))
    .join(' ');
  const head = cssString(t('staff.visit_sheet.running_head', { reference }));
  const [start, end] = textDirection[lang] === 'rtl' ? ['right', 'left'] : ['left', 'right'];
  const box =
    'font-size: 9pt; color: #333; font-family: "Noto Sans CJK SC", "Noto Naskh Arabic", sans-serif;';
  return `@page {
  size: A4;
  margin: 14mm 13mm 12mm 13mm;
  @top-${start} { content: ${head}; ${box} }
  @top-${end} { content: ${pageNumber}; ${box} }
}
`;
}
