/**
 * Turns a screening result into what a person reads, in one language: program names, verdicts,
 * each reason as a sentence with its comparison, the document and clause behind it. Templates
 * (chat, pages, printouts, CLI) render this view; none of them build sentences themselves.
 */
import type { TFunction } from 'i18next';
import type { InputIssue } from '../engine/household.ts';
import type { ProgramResult, Reason, ScreenResult, Verdict } from '../engine/result.ts';

export interface ReasonView {
  kind: Reason['kind'];
  text: string;
  source?: string;
}

export interface ProgramView {
  id: string;
  name: string;
  verdict: Verdict;
  verdictText: string;
  tier?: string;
  monthlyAmount?: string;
  amount?: string;
  department: string;
  applyAt: string;
  papers: string;
  reasons: ReasonView[];
  missing?: string;
}

export interface ResultView {
  jurisdiction: string;
  date: string;
  /** Likely first, then possible: what a resident should look at first. */
  programs: ProgramView[];
  unlikely: string;
}

/** 'ask' (not screened here, ask the township) is listed after what the screen could judge. */
const order: Record<Verdict, number> = { likely: 0, possible: 1, ask: 2, unlikely: 3 };

/** Values of these parameters are ids that the message shows by their translated name. */
const translatedParams: Record<string, (t: TFunction, v: string) => string> = {
  program: (t, v) => t(`programs.${v}`),
  parameter: (t, v) => t(`parameters.${v}`, { defaultValue: v }),
  kind: (t, v) => t(`emergencyKinds.${v}`),
  tier: (t, v) => t(`tiers.${v}`),
};

const amountFormats = new Map<string, Intl.NumberFormat>();
/** Amounts as plain digits with at most two decimals (formatters cached: costly to build). */
export function formatAmount(n: number, lang: string): string {
  const locale = lang === 'zh' ? 'zh-CN' : 'en-US';
  let f = amountFormats.get(locale);
  if (!f) {
    f = new Intl.NumberFormat(locale, { maximumFractionDigits: 2, useGrouping: false });
    amountFormats.set(locale, f);
  }
  return f.format(n);
}

const chineseDigits: Record<string, number> = {
  一: 1,
  二: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};

/**
 * Clause numbers as the seed writes them ("三(二)", "三、四") for Chinese; in digits ("3(2)",
 * "3، 4") for Uyghur and Kazakh, whose text must not carry Chinese characters.
 */
export function clauseLabel(clause: string, lang: string): string {
  if (lang === 'zh') return clause;
  return clause
    .replace(/([一二三四五六七八九]?)十([一二三四五六七八九]?)/g, (_, tens: string, ones: string) =>
      String((tens ? chineseDigits[tens]! : 1) * 10 + (ones ? chineseDigits[ones]! : 0)),
    )
    .replace(/[一二三四五六七八九]/g, (d) => String(chineseDigits[d]))
    .replace(/、/g, '، ');
}

export function reasonText(t: TFunction, r: Reason, lang: string): ReasonView {
  const params: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.params)) {
    const tr = translatedParams[k];
    params[k] = tr ? tr(t, String(v)) : typeof v === 'number' ? formatAmount(v, lang) : v;
  }
  const view: ReasonView = { kind: r.kind, text: t(`reasons.${r.key}`, params) };
  if (r.source) {
    view.source = t('cli.source', {
      document: t(`documents.${r.source.file}`),
      clause: clauseLabel(r.source.clause, lang),
    });
  }
  return view;
}

export function programView(t: TFunction, p: ProgramResult, lang: string): ProgramView {
  const sep = t('cli.listSeparator');
  const v: ProgramView = {
    id: p.id,
    name: t(`programs.${p.id}`),
    verdict: p.verdict,
    verdictText: t(`verdicts.${p.verdict}`),
    department: t(`departments.${p.department}`),
    applyAt: t(`apply.${p.applyAt}`),
    papers: p.papers.map((x) => t(`papers.${x}`)).join(sep),
    reasons: p.reasons.map((r) => reasonText(t, r, lang)),
  };
  if (p.tier) v.tier = t(`tiers.${p.tier}`);
  if (p.monthlyAmount !== undefined) v.monthlyAmount = formatAmount(p.monthlyAmount, lang);
  if (p.amount !== undefined) v.amount = formatAmount(p.amount, lang);
  if (p.missing?.length)
    v.missing = p.missing.map((m) => t(`parameters.${m}`, { defaultValue: m })).join(sep);
  return v;
}

export function resultView(t: TFunction, r: ScreenResult, lang: string): ResultView {
  const sorted = [...r.programs].sort((a, b) => order[a.verdict] - order[b.verdict]);
  return {
    jurisdiction: t(`jurisdictions.${r.jurisdiction}`, { defaultValue: r.jurisdiction }),
    date: r.date,
    programs: sorted.filter((p) => p.verdict !== 'unlikely').map((p) => programView(t, p, lang)),
    unlikely: sorted
      .filter((p) => p.verdict === 'unlikely')
      .map((p) => t(`programs.${p.id}`))
      .join(t('cli.listSeparator')),
  };
}

/** One input problem as a sentence naming the field ("第 2 位家庭成员 · 年龄 (members.1.age): 必须填写"). */
export function issueText(t: TFunction, issue: InputIssue): string {
  const parts = issue.path.split('.').filter(Boolean);
  const label = parts
    .map((p, i) =>
      /^\d+$/.test(p) && parts[i - 1] === 'members'
        ? t('fields.member', { n: Number(p) + 1 })
        : /^\d+$/.test(p)
          ? `${Number(p) + 1}`
          : t(`fields.${p}`, { defaultValue: p }),
    )
    .filter((_, i) => !(parts[i] === 'members' && /^\d+$/.test(parts[i + 1] ?? '')))
    .join(' · ');
  const params = Object.fromEntries(Object.entries(issue.params).map(([k, v]) => [k, String(v)]));
  const message = t(`validation.${issue.code}`, { ...params, defaultValue: t('validation.invalid') });
  return t('validation.field', { field: label || issue.path, path: issue.path || '-', message });
}
