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
import { countyReferrals } from './seen-referrals.ts';
import type { StaffDeps } from './staff-deps.ts';
import type { StaffDirectory } from './staff-directory.ts';
import type { StaffUser } from './staff-records.ts';

/** A county's cases (duplicates are only ever looked for within one), by reference and as a finder. */
async function countyCases(deps: StaffDeps, county: string) {
  const all = await countyReferrals(deps.referrals, county);
  const byReference = new Map(all.map((r) => [r.reference, r]));
  return {
    all,
    finder: duplicateFinder(all, deps.referrals.index),
    get: (ref: string) => byReference.get(ref),
  };
}

/** Per inbox row shown: the other cases to link to and the number only counted. */
export async function inboxDuplicateFlags(
  deps: StaffDeps,
  rows: readonly ReferralRecord[],
  user: StaffUser,
): Promise<Record<string, { others: string[]; elsewhere: number }>> {
  const out: Record<string, { others: string[]; elsewhere: number }> = Object.create(null);
  if (!rows.length) return out;
  const { finder, get } = await countyCases(deps, user.county);
  for (const r of rows) {
    const seen = duplicatesSeenBy(r, finder, user, get);
    if (seen.visible.length || seen.elsewhere)
      out[r.reference] = { others: seen.visible.map((v) => v.record.reference), elsewhere: seen.elsewhere };
  }
  return out;
}

/** The referral page's box: matches, pairs marked "not a duplicate" (to restore), the merge target. */
export async function duplicateBox(
  deps: StaffDeps,
  staff: StaffDirectory,
  r: ReferralRecord,
  user: StaffUser,
  lang: Language,
) {
  const t = translator(lang);
  const county = await countyCases(deps, r.jurisdiction);
  const finder: DuplicateFinder = county.finder;
  const get = county.get;
  const seen = duplicatesSeenBy(r, finder, user, get);
  // Either side's entry dismisses the pair: list both sides', once, and only cases the user may see
  // (so of this county: canSee).
  const dismissed = new Map<string, { at: string; by: string }>();
  for (const n of r.notDuplicateOf ?? []) dismissed.set(n.reference, n);
  for (const other of county.all)
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
        by: staffName(staff, n.by, t),
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
