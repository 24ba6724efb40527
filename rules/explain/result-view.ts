/**
 * Turns a screening result into what a person reads, in one language: program names, verdicts,
 * each reason as a sentence with its comparison, the document and clause behind it. Templates
 * (chat, pages, printouts, CLI) render this view; none of them build sentences themselves.
 */
import type { TFunction } from 'i18next';
import { localReplacement, type Standing, standingOf } from '../engine/documents.ts';
import type { InputIssue } from '../engine/household.ts';
import { isFillable, isParameterName } from '../engine/parameter-catalog.ts';
import type { ProgramResult, Reason, ScreenResult, Source, Verdict } from '../engine/result.ts';

/**
 * Where a sentence comes from, and whether the county can call that document its own:
 * 'borrowed' texts (another county's plan, the anonymised 002) are labelled as such.
 */
export interface SourceView {
  text: string;
  standing: Standing;
}

export interface ReasonView {
  kind: Reason['kind'];
  text: string;
  source?: SourceView;
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
  /** The monthly amount is a floor ("不低于"), shown rounded down to the yuan. */
  floor?: true;
  /** Values the county has not provided yet and could, in words (never parameter ids). */
  missing?: string;
  /** The documents behind this program: the county's own or local ones first, then borrowed. */
  documents: SourceView[];
}

/** A program the screen judged unlikely, with the first reason why. */
export interface UnlikelyView {
  name: string;
  why?: string;
}

export interface ResultView {
  jurisdiction: string;
  date: string;
  /** Likely first, then possible: what a resident should look at first. */
  programs: ProgramView[];
  /** Programs not screened here (nothing configured for the county): ask the township. */
  askTownship: string;
  unlikely: UnlikelyView[];
}

/**
 * What the screen judged worth applying for: referrals, inbox lists and the papers to collect
 * cover these. 'ask' (nothing configured here) and 'unlikely' are not referred.
 */
export function isReferred(v: Verdict): boolean {
  return v === 'likely' || v === 'possible';
}

/** 'ask' (not screened here, ask the township) is listed after what the screen could judge. */
const order: Record<Verdict, number> = { likely: 0, possible: 1, ask: 2, unlikely: 3 };

/** Values of these parameters are ids that the message shows by their translated name. */
const translatedParams: Record<string, (t: TFunction, v: string) => string> = {
  program: (t, v) => t(`programs.${v}`),
  // Never a raw id: a value the county cannot fill is "a rule not set here" in words.
  parameter: (t, v) => t(`parameters.${v}`, { defaultValue: t('parameters.unnamed') }),
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
 * Clause numbers with the seed's own heading marks for Chinese ("三(二)" → "三、（二）",
 * "三(九)1" → "三、（九）1."), never a "第…条" the seeds do not use; in digits ("3(2)",
 * "3، 4") for Uyghur and Kazakh, whose text must not carry Chinese characters.
 */
export function clauseLabel(clause: string, lang: string): string {
  if (lang === 'zh')
    return clause
      .replace(/^([一二三四五六七八九十]+)(?=\()/, '$1、')
      .replace(/\(([一二三四五六七八九十]+)\)/g, '（$1）')
      .replace(/(\d+)$/, '$1.');
  return clause
    .replace(/([一二三四五六七八九]?)十([一二三四五六七八九]?)/g, (_, tens: string, ones: string) =>
      String((tens ? chineseDigits[tens]! : 1) * 10 + (ones ? chineseDigits[ones]! : 0)),
    )
    .replace(/[一二三四五六七八九]/g, (d) => String(chineseDigits[d]))
    .replace(/、/g, '، ');
}

export function reasonText(t: TFunction, r: Reason, lang: string, jurisdiction = ''): ReasonView {
  const params: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.params)) {
    const tr = translatedParams[k];
    params[k] = tr ? tr(t, String(v)) : typeof v === 'number' ? formatAmount(v, lang) : v;
  }
  const view: ReasonView = { kind: r.kind, text: t(`reasons.${r.key}`, params) };
  if (r.source) view.source = sourceView(t, r.source, lang, jurisdiction);
  return view;
}

/**
 * "依据：《…》三、（二）" for the county's own document; its local replacement by its own title
 * and clause; anything else "参照外地文件：…；本县尚未提供本地依据" (issue 14 item 6).
 */
export function sourceView(t: TFunction, s: Source, lang: string, jurisdiction: string): SourceView {
  const standing = standingOf(jurisdiction, s);
  if (standing === 'local') {
    const doc = localReplacement(jurisdiction, s)!;
    const title = doc.title[lang as keyof typeof doc.title] ?? doc.title.zh;
    const clause = doc.clauses?.[s.clause];
    return {
      standing,
      text: t('sources.own', {
        document: t('sources.title', { title }),
        clause: clause ? clauseLabel(clause, lang) : '',
      }),
    };
  }
  return {
    standing,
    text: t(`sources.${standing}`, {
      document: t(`documents.${s.file}`),
      clause: clauseLabel(s.clause, lang),
    }),
  };
}

export function programView(t: TFunction, p: ProgramResult, lang: string, jurisdiction = ''): ProgramView {
  const sep = t('cli.listSeparator');
  const v: ProgramView = {
    id: p.id,
    name: t(`programs.${p.id}`),
    verdict: p.verdict,
    verdictText: t(`verdicts.${p.verdict}`),
    department: t(`departments.${p.department}`),
    applyAt: t(`apply.${p.applyAt}`),
    papers: p.papers.map((x) => t(`papers.${x}`)).join(sep),
    reasons: p.reasons.map((r) => reasonText(t, r, lang, jurisdiction)),
    documents: [],
  };
  if (p.tier) v.tier = t(`tiers.${p.tier}`);
  if (p.monthlyAmount !== undefined)
    v.monthlyAmount = formatAmount(p.floor ? Math.floor(p.monthlyAmount) : p.monthlyAmount, lang);
  if (p.floor) v.floor = true;
  if (p.amount !== undefined) v.amount = formatAmount(p.amount, lang);
  // Only what the county itself can provide; other places' rules are not the resident's business.
  const fillable = p.missing?.filter((m) => isParameterName(m) && isFillable(m)) ?? [];
  if (fillable.length) v.missing = fillable.map((m) => t(`parameters.${m}`)).join(sep);
  v.documents = documentsOf(v.reasons);
  return v;
}

/** Distinct documents (not clauses) behind the reasons: own and local first, then borrowed. */
function documentsOf(reasons: readonly ReasonView[]): SourceView[] {
  const seen = new Map<string, SourceView>();
  for (const r of reasons) if (r.source && !seen.has(r.source.text)) seen.set(r.source.text, r.source);
  const all = [...seen.values()];
  return [...all.filter((d) => d.standing !== 'borrowed'), ...all.filter((d) => d.standing === 'borrowed')];
}

/** The first reason a program failed (or, failing that, its first note): why it is unlikely. */
function unlikelyWhy(t: TFunction, p: ProgramResult, lang: string, jurisdiction: string): string | undefined {
  const r = p.reasons.find((x) => x.kind === 'failed') ?? p.reasons.find((x) => x.kind === 'note');
  return r && reasonText(t, r, lang, jurisdiction).text;
}

export function resultView(t: TFunction, r: ScreenResult, lang: string): ResultView {
  const sorted = [...r.programs].sort((a, b) => order[a.verdict] - order[b.verdict]);
  return {
    jurisdiction: t(`jurisdictions.${r.jurisdiction}`, { defaultValue: r.jurisdiction }),
    date: r.date,
    programs: sorted
      .filter((p) => p.verdict === 'likely' || p.verdict === 'possible')
      .map((p) => programView(t, p, lang, r.jurisdiction)),
    askTownship: sorted
      .filter((p) => p.verdict === 'ask')
      .map((p) => t(`programs.${p.id}`))
      .join(t('cli.listSeparator')),
    unlikely: sorted
      .filter((p) => p.verdict === 'unlikely')
      .map((p) => {
        const why = unlikelyWhy(t, p, lang, r.jurisdiction);
        return why ? { name: t(`programs.${p.id}`), why } : { name: t(`programs.${p.id}`) };
      }),
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
