/**
 * The parts of the referral page that follow the case after the screening: the official outcome
 * recorded per program, the papers still missing (the rules' paper list of each referred program
 * minus what the caseworker ticked as received), and the screening result worded about the
 * household ("该户") rather than to the resident ("您家"), for staff.
 */
import type { TFunction } from 'i18next';
import { z } from 'zod';
import type { ReferralRecord } from '../../bot/referral/referral-record.ts';
import { getI18n, type Language, translator } from '../../locales/i18n.ts';
import { formatAmount, isReferred, resultView } from '../../rules/explain/result-view.ts';
import { chinaDateTime, screenedAgain, staffName } from './referral-view.ts';
import type { StaffDeps } from './staff-deps.ts';
import type { StaffDirectory } from './staff-directory.ts';

/**
 * t for staff reading a resident's result: where staff.json has a household wording of a key
 * (staff.household.<key>), that one; otherwise the resident's text. The resident's pages keep
 * speaking to the resident; only this page speaks about the household.
 */
export function householdTranslator(lang: Language): TFunction {
  const t = translator(lang);
  const i18n = getI18n();
  const about = ((key: unknown, ...rest: unknown[]) => {
    const own = typeof key === 'string' ? `staff.household.${key}` : undefined;
    const use = own && i18n.exists(own, { lng: lang }) ? own : key;
    return (t as unknown as (...a: unknown[]) => string)(use, ...rest);
  }) as unknown as TFunction;
  return about;
}

/** The result as the resident was shown it (same standards, same day), worded about the household. */
export function householdResult(deps: StaffDeps, r: ReferralRecord, lang: Language) {
  const result = screenedAgain(deps, r);
  return result ? resultView(householdTranslator(lang), result, lang) : undefined;
}

export interface OutcomeLine {
  program: string;
  decision: string;
  approved: boolean;
  tier?: string;
  amount?: string;
  reason?: string;
  recorded: string;
}

/** Each recorded outcome, in the order of the case's programs: decision, tier, amount, reason, who, when. */
export function outcomeLines(staff: StaffDirectory, r: ReferralRecord, lang: Language): OutcomeLine[] {
  const t = translator(lang);
  return r.programs.flatMap((p) => {
    const o = r.outcomes?.[p.id];
    if (!o) return [];
    return [
      {
        program: t(`programs.${p.id}`),
        decision: t(`staff.referral.${o.decision}`),
        approved: o.decision === 'approved',
        ...(o.tier ? { tier: o.tier } : {}),
        ...(o.monthlyAmount !== undefined
          ? { amount: t('staff.referral.per_month', { amount: formatAmount(o.monthlyAmount, lang) }) }
          : {}),
        ...(o.reason ? { reason: o.reason } : {}),
        recorded: t('staff.case_page.outcome_recorded', {
          by: staffName(staff, o.by, t),
          at: chinaDateTime(o.at),
        }),
      },
    ];
  });
}

export interface PaperLine {
  id: string;
  name: string;
  /** The referred programs that ask for it, in words. */
  programs: string;
  received: boolean;
}

/**
 * The papers the referred programs ask for (rules/), each once with the programs that need it
 * (an ID card serves all of them), marked received or not.
 */
export function papersNeeded(deps: StaffDeps, r: ReferralRecord, lang: Language): PaperLine[] {
  const t = translator(lang);
  const received = new Set(r.papersReceived ?? []);
  const programs = screenedAgain(deps, r)?.programs.filter((p) => isReferred(p.verdict)) ?? [];
  const byPaper = new Map<string, string[]>();
  for (const p of programs)
    for (const id of p.papers) byPaper.set(id, [...(byPaper.get(id) ?? []), t(`programs.${p.id}`)]);
  return [...byPaper].map(([id, names]) => ({
    id,
    name: t(`papers.${id}`),
    programs: [...new Set(names)].join(t('cli.listSeparator')),
    received: received.has(id),
  }));
}

/** The paper ids a case can have received: those its referred programs ask for. */
export function paperIds(deps: StaffDeps, r: ReferralRecord): Set<string> {
  const programs = screenedAgain(deps, r)?.programs.filter((p) => isReferred(p.verdict)) ?? [];
  return new Set(programs.flatMap((p) => p.papers));
}

/** The checklist as posted: paper ids (a repeated field "received"; none ticked: absent). */
export const receivedPapersSchema = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]))
  .pipe(z.array(z.string().regex(/^[a-z0-9_]{1,60}$/)).max(60));

/** "Also assign this case to me", ticked beside a status change. */
export const takeCaseSchema = z.literal('yes').optional();
