/**
 * Possible duplicates as the staff pages show them (duplicates.ts decides what matches and who
 * may see it): a badge per inbox row and a box on the referral page, in the viewer's language.
 */
import type { TFunction } from 'i18next';
import type { HistoryEntry, ReferralRecord } from '../../bot/referral/referral-record.ts';
import { type Language, translator } from '../../locales/i18n.ts';
import type { Collection } from '../../bot/store/collection-store.ts';
import { canSee } from './access.ts';
import { duplicateFinder, duplicatesSeenBy, matchReasons, takesPart } from './duplicates.ts';
import { chinaDate, staffName } from './referral-view.ts';
import type { StaffDeps } from './staff-deps.ts';
import type { StaffDirectory } from './staff-directory.ts';
import type { StaffUser } from './staff-records.ts';

type HashLookup = (field: string, hash: string) => Promise<ReferralRecord[]>;

/** findByHash, each (field, hash) asked once however many rows of a page share it. */
function sharedLookup(referrals: Collection<ReferralRecord>): HashLookup {
  const asked = new Map<string, Promise<ReferralRecord[]>>();
  return (field, hash) => {
    const key = `${field}\u0000${hash}`;
    let found = asked.get(key);
    if (!found) {
      found = referrals.findByHash(field, hash);
      asked.set(key, found);
    }
    return found;
  };
}

/**
 * The cases that can be a duplicate of `r`: those of its county sharing one of its keyed hashes
 * (an index lookup each on PostgreSQL), with `r`. duplicates.ts's finder over these gives
 * exactly what it gives over the whole county: a match shares a hash, and a dismissed pair is
 * written on one of its two sides, both of which are here. So a page reads its rows' matches,
 * never the county (which at 1,000,000 referrals took seconds and hundreds of MB per page).
 */
async function candidatesOf(deps: StaffDeps, r: ReferralRecord, lookup: HashLookup) {
  const index = deps.referrals.index;
  const byReference = new Map([[r.reference, r]]);
  if (index) {
    const hashes = index.of(r);
    const found = await Promise.all(
      matchReasons.flatMap((reason) => {
        const h = hashes[reason];
        return h ? [lookup(reason, h)] : [];
      }),
    );
    // A hash is the same in every county: duplicates are only looked for within one.
    for (const o of found.flat())
      if (o.jurisdiction === r.jurisdiction && !byReference.has(o.reference)) byReference.set(o.reference, o);
  }
  return {
    all: byReference,
    finder: duplicateFinder(byReference.values(), index),
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
  const lookup = sharedLookup(deps.referrals);
  const seenPerRow = await Promise.all(
    // A call-back or a merged case is never flagged: its hashes are not even looked up.
    rows
      .filter(takesPart)
      .map(async (r) => {
        const { finder, get } = await candidatesOf(deps, r, lookup);
        return [r.reference, duplicatesSeenBy(r, finder, user, get)] as const;
      }),
  );
  for (const [reference, seen] of seenPerRow)
    if (seen.visible.length || seen.elsewhere)
      out[reference] = { others: seen.visible.map((v) => v.record.reference), elsewhere: seen.elsewhere };
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
  const candidates = await candidatesOf(deps, r, sharedLookup(deps.referrals));
  const seen = duplicatesSeenBy(r, candidates.finder, user, candidates.get);
  // Either side's entry dismisses the pair: list both sides', once, and only cases the user may
  // see (so of this county: canSee). The other side's entries are read from the cases sharing a
  // hash with this one (and those this one lists), not from the whole county. Not listed any
  // more: a pair written only on the other side (a half-written dismissal) whose two cases no
  // longer share a phone, ID number or name and village (one corrected or anonymised since).
  // Such a pair would not be flagged anyway, so there is nothing its "restore" could bring back.
  const dismissed = new Map<string, { at: string; by: string }>();
  for (const n of r.notDuplicateOf ?? []) dismissed.set(n.reference, n);
  for (const other of candidates.all.values())
    for (const n of other.notDuplicateOf ?? [])
      if (n.reference === r.reference && !dismissed.has(other.reference)) dismissed.set(other.reference, n);
  const sameCounty = (o: ReferralRecord | undefined) => (o?.jurisdiction === r.jurisdiction ? o : undefined);
  const read = async (ref: string) => candidates.get(ref) ?? sameCounty(await deps.referrals.get(ref));
  const listed = await Promise.all(
    [...dismissed].map(async ([reference, n]) => ({ reference, n, other: await read(reference) })),
  );
  const mergedInto = r.mergedInto ? await read(r.mergedInto) : undefined;
  return {
    items: seen.visible.map(({ record, reasons }) => ({
      reference: record.reference,
      status: t(`staff.statuses.${record.status}`),
      statusId: record.status,
      created: chinaDate(record.createdAt),
      why: reasons.map((w) => t(`staff.duplicates.why_${w}`)).join(t('cli.listSeparator')),
    })),
    elsewhere: seen.elsewhere,
    dismissed: listed
      .filter(({ other }) => other !== undefined && canSee(user, other))
      .map(({ reference, n }) => ({
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
