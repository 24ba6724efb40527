/**
 * The 台账's columns, as a 民政 office keeps it: one row per case, what each column holds and how
 * it is shown (text, a count, yuan, a date). Always in Chinese (the office's record), with the
 * resident's own-script name beside the Chinese one. Text goes through safeCell, so a name typed
 * as "=HYPERLINK(...)" stays text; numbers and dates stay numbers and dates.
 */
import type { TFunction } from 'i18next';
import { maskId } from '../../bot/referral/contact.ts';
import {
  type ReferralRecord,
  type ReferralStatus,
  referralStatuses,
} from '../../bot/referral/referral-record.ts';
import { translator } from '../../locales/i18n.ts';
import { safeCell } from '../../rules/cli/roster/safe-cell.ts';
import { programIds } from '../../rules/engine/household-values.ts';
import { isReferred } from '../../rules/explain/result-view.ts';
import { type LedgerVariant, showsFullNumbers } from './ledger-access.ts';
import { maskPhone } from './referral-view.ts';
import type { StaffDeps } from './staff-deps.ts';
import type { StaffUser } from './staff-records.ts';

export type CellKind = 'text' | 'count' | 'yuan' | 'date';
export type CellValue = string | number | Date | undefined;

export interface LedgerColumn {
  header: string;
  /** Excel character widths: a reference or an ID number fits without wrapping. */
  width: number;
  kind: CellKind;
  value: (r: ReferralRecord) => CellValue;
}

/** What the columns read besides the case: township names and caseworkers' display names. */
/** `staff.users`: the county's accounts by id, already read (staff-directory.ts). */
export type LedgerDeps = Pick<StaffDeps, 'townships'> & {
  staff: { users: { get(id: string): { displayName: string } | undefined } };
};

/**
 * An instant as China's wall clock, for a date cell: Excel dates have no time zone and exceljs
 * writes a Date's UTC fields, so the instant is moved by +8 h to show the township's own day.
 */
export const chinaClock = (iso: string) => new Date(Date.parse(iso) + 8 * 3600_000);

/** The last time the case entered a status (a visit can be scheduled twice); "new" is its arrival. */
export function stepDate(r: ReferralRecord, status: ReferralStatus): Date | undefined {
  if (status === 'new') return chinaClock(r.createdAt);
  const entry = r.history.findLast((h) => h.action === 'status' && h.to === status);
  return entry ? chinaClock(entry.at) : undefined;
}

const arabicScript = /\p{Script=Arabic}/u;

/** Programs that get outcome columns: those screened as possible for, or decided on, in any row. */
export function programsInLedger(items: Iterable<ReferralRecord>): string[] {
  const seen = ledgerPrograms();
  for (const r of items) seen.add(r);
  return seen.list();
}

/** programsInLedger a record at a time, for a 台账 read from the store as a stream. */
export function ledgerPrograms() {
  const seen = new Set<string>();
  return {
    add(r: ReferralRecord) {
      for (const p of r.programs) if (isReferred(p.verdict)) seen.add(p.id);
      for (const id of Object.keys(r.outcomes ?? {})) seen.add(id);
    },
    list: () => programIds.filter((id) => seen.has(id)),
  };
}

const numberOf = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

export function ledgerColumns(
  deps: LedgerDeps,
  user: StaffUser,
  variant: LedgerVariant,
  programs: readonly string[],
): LedgerColumn[] {
  const t: TFunction = translator('zh');
  const full = (r: ReferralRecord) => showsFullNumbers(user, r, variant);
  const township = (r: ReferralRecord) =>
    r.township
      ? (deps.townships(r.jurisdiction).find((tw) => tw.id === r.township)?.name.zh ?? r.township)
      : '';
  const sep = t('cli.listSeparator');
  const text = (header: string, width: number, value: (r: ReferralRecord) => string | undefined) => ({
    header,
    width,
    kind: 'text' as const,
    value,
  });
  return [
    text(t('ledger.columns.reference'), 14, (r) => r.reference),
    text(t('ledger.columns.kind'), 10, (r) => t(`staff.inbox.kind_${r.kind}`)),
    text(t('ledger.columns.township'), 16, township),
    text(t('ledger.columns.village'), 16, (r) => r.village),
    text(t('ledger.columns.name_zh'), 12, (r) => (arabicScript.test(r.name) ? '' : r.name)),
    text(t('ledger.columns.name_resident'), 18, (r) => (arabicScript.test(r.name) ? r.name : '')),
    text(t('ledger.columns.lang'), 10, (r) => t(`staff.languages.${r.lang}`)),
    text(t('ledger.columns.id_number'), 21, (r) =>
      r.idNumber ? (full(r) ? r.idNumber : maskId(r.idNumber)) : '',
    ),
    text(t('ledger.columns.phone'), 14, (r) => (full(r) ? r.phone : maskPhone(r.phone))),
    {
      header: t('ledger.columns.size'),
      // Not 9: exceljs takes 9 for Excel's default width and writes no width at all.
      width: 8,
      kind: 'count',
      value: (r) =>
        numberOf(r.answers.size) ?? (Array.isArray(r.answers.members) ? r.answers.members.length : undefined),
    },
    {
      header: t('ledger.columns.income'),
      width: 13,
      kind: 'yuan',
      value: (r) => numberOf(r.answers.monthlyIncome),
    },
    text(t('ledger.columns.programs'), 30, (r) =>
      r.programs
        .filter((p) => isReferred(p.verdict))
        .map((p) => t(`programs.${p.id}`))
        .join(sep),
    ),
    text(t('ledger.columns.status'), 11, (r) => t(`staff.statuses.${r.status}`)),
    ...referralStatuses.map(
      (s): LedgerColumn => ({
        header:
          s === 'new'
            ? t('ledger.columns.received')
            : t('ledger.columns.step_date', { step: t(`staff.statuses.${s}`) }),
        width: 12,
        kind: 'date',
        value: (r) => stepDate(r, s),
      }),
    ),
    text(t('ledger.columns.assignee'), 10, (r) =>
      r.assignee ? deps.staff.users.get(r.assignee)?.displayName : '',
    ),
    text(t('ledger.columns.channel'), 8, (r) =>
      t(`staff.channels.${r.channel}`, { defaultValue: r.channel }),
    ),
    ...programs.flatMap((id): LedgerColumn[] => {
      const program = t(`programs.${id}`);
      const outcome = (r: ReferralRecord) => r.outcomes?.[id];
      return [
        text(t('ledger.columns.decision', { program }), 10, (r) => {
          const o = outcome(r);
          return o ? t(`staff.referral.${o.decision}`) : '';
        }),
        text(t('ledger.columns.tier', { program }), 8, (r) => outcome(r)?.tier),
        {
          header: t('ledger.columns.amount', { program }),
          width: 12,
          kind: 'yuan',
          value: (r) => outcome(r)?.monthlyAmount,
        },
        text(t('ledger.columns.reason', { program }), 24, (r) => outcome(r)?.reason),
      ];
    }),
  ];
}

/** One case's cells; text made safe for a spreadsheet, empty text as "". */
export function ledgerCells(columns: readonly LedgerColumn[], r: ReferralRecord): CellValue[] {
  return columns.map((c) => {
    const v = c.value(r);
    return c.kind === 'text' ? safeCell((v as string | undefined) ?? '') : v;
  });
}
