/**
 * Possible duplicates as the staff pages show them (duplicates.ts decides what matches and who
 * may see it): a badge per inbox row and a box on the referral page, in the viewer's language.
 */
import type { TFunction } from 'i18next';
import type { HistoryEntry, ReferralRecord } from '../../bot/referral/referral-record.ts';
import { type Language, translator } from '../../locales/i18n.ts';
import { canSee } from './access.ts';
import { type DuplicateFinder, duplicateFinder, duplicatesSeenBy } from './duplicates.ts';
import { chinaDate, staffName } from './referral-view.ts';
import type { StaffDeps } from './staff-deps.ts';
import type { StaffUser } from './staff-records.ts';

const finderOf = (deps: StaffDeps) => duplicateFinder(deps.referrals.values(), deps.referrals.index);

/** Per inbox row shown: the other cases to link to and the number only counted. */
export function inboxDuplicateFlags(
  deps: StaffDeps,
  rows: readonly ReferralRecord[],
  user: StaffUser,
): Record<string, { others: string[]; elsewhere: number }> {
  const finder = finderOf(deps);
  const out: Record<string, { others: string[]; elsewhere: number }> = Object.create(null);
  for (const r of rows) {
    const seen = duplicatesSeenBy(r, finder, user, (ref) => deps.referrals.get(ref));
    if (seen.visible.length || seen.elsewhere)
      out[r.reference] = { others: seen.visible.map((v) => v.record.reference), elsewhere: seen.elsewhere };
  }
  return out;
}

/** The referral page's box: matches, pairs marked "not a duplicate" (to restore), the merge target. */
export function duplicateBox(deps: StaffDeps, r: ReferralRecord, user: StaffUser, lang: Language) {
  const t = translator(lang);
  const finder: DuplicateFinder = finderOf(deps);
  const seen = duplicatesSeenBy(r, finder, user, (ref) => deps.referrals.get(ref));
  const get = (ref: string) => deps.referrals.get(ref);
  // Either side's entry dismisses the pair: list both sides', once, and only cases the user may see.
  const dismissed = new Map<string, { at: string; by: string }>();
  for (const n of r.notDuplicateOf ?? []) dismissed.set(n.reference, n);
  for (const other of deps.referrals.values())
    for (const n of other.notDuplicateOf ?? [])
      if (n.reference === r.reference && !dismissed.has(other.reference)) dismissed.set(other.reference, n);
  const mergedInto = r.mergedInto ? get(r.mergedInto) : undefined;
  return {
    items: seen.visible.map(({ record, reasons }) => ({
      reference: record.reference,
      status: t(`staff.statuses.${record.status}`),
      statusId: record.status,
      created: chinaDate(record.createdAt),
      why: reasons.map((w) => t(`staff.duplicates.why_${w}`)).join(t('cli.listSeparator')),
    })),
    elsewhere: seen.elsewhere,
    dismissed: [...dismissed]
      .filter(([ref]) => {
        const o = get(ref);
        return o !== undefined && canSee(user, o);
      })
      .map(([reference, n]) => ({
        reference,
        by: staffName(deps, n.by, t),
        at: chinaDate(n.at),
      })),
    // Shown as a link only when the user may open it; otherwise just that it was merged.
    mergedInto: r.mergedInto
      ? { reference: mergedInto && canSee(user, mergedInto) ? r.mergedInto : undefined }
      : undefined,
  };
}

/** History lines of the duplicate actions (the other reference is in `to`). */
export function duplicateHistoryText(h: HistoryEntry, t: TFunction): string | undefined {
  if (
    h.action === 'merged' ||
    h.action === 'merged_from' ||
    h.action === 'not_duplicate' ||
    h.action === 'duplicate_restored'
  )
    return t(`staff.duplicates.history_${h.action}`, { reference: h.to ?? '' });
  return undefined;
}
