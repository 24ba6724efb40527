/**
 * Possible duplicates as the staff pages show them (duplicates.ts decides what matches and who
 * may see it): a badge per inbox row and a box on the referral page, in the viewer's language.
 */
import type { TFunction } from 'i18next';
import type { HistoryEntry, ReferralRecord } from '../../bot/referral/referral-record.ts';
import { type Language, translator } from '../../locales/i18n.ts';
import { canSee } from './access.ts';
import {
  type DuplicateFinder,
  duplicateFinder,
  duplicatesSeenBy,
  matchReasons,
  takesPart,
} from './duplicates.ts';
import { chinaDate, staffName } from './referral-view.ts';
import type { StaffDeps } from './staff-deps.ts';
import type { StaffDirectory } from './staff-directory.ts';
import type { StaffUser } from './staff-records.ts';

type Candidates = {
  all: ReadonlyMap<string, ReferralRecord>;
  finder: DuplicateFinder;
  get: (reference: string) => ReferralRecord | undefined;
};

/**
 * The cases that can be a duplicate of each of `rows`: those of its county sharing one of its
 * keyed hashes, with the row. duplicates.ts's finder over these gives exactly what it gives over
 * the whole county: a match shares a hash, and a dismissed pair is written on one of its two
 * sides, both of which are here. Asked as one hash-index query per reason for the whole page
 * (ids only: most rows share no hash with anything), then only the other cases are read. So a
 * page reads its rows' matches, never the county (which at 50,000 referrals took 2.6 s and
 * ~200 MB per page, growing with the county).
 */
async function candidatesFor(
  deps: StaffDeps,
  rows: readonly ReferralRecord[],
): Promise<Map<string, Candidates>> {
  const index = deps.referrals.index;
  const hashesOf = (r: ReferralRecord) => (index ? index.of(r) : {});
  const found = await Promise.all(
    matchReasons.map(async (reason) => {
      const hashes = rows.flatMap((r) => hashesOf(r)[reason] ?? []);
      return { reason, hits: hashes.length ? await deps.referrals.idsByHash(reason, hashes) : [] };
    }),
  );
  const keyOf = (reason: string, hash: string) => `${reason}\u0000${hash}`;
  const idsOf = new Map<string, string[]>();
  for (const { reason, hits } of found)
    for (const { id, hash } of hits) {
      const ids = idsOf.get(keyOf(reason, hash));
      if (ids) ids.push(id);
      else idsOf.set(keyOf(reason, hash), [id]);
    }
  const shown = new Map(rows.map((r) => [r.reference, r]));
  const others = new Set([...idsOf.values()].flat().filter((id) => !shown.has(id)));
  const read = new Map(
    await Promise.all([...others].map(async (id) => [id, await deps.referrals.get(id)] as const)),
  );
  const out = new Map<string, Candidates>();
  for (const r of rows) {
    const all = new Map([[r.reference, r]]);
    const hashes = hashesOf(r);
    for (const reason of matchReasons) {
      const h = hashes[reason];
      for (const id of (h && idsOf.get(keyOf(reason, h))) || []) {
        const o = shown.get(id) ?? read.get(id);
        // A hash is the same in every county: duplicates are only looked for within one.
        if (o && o.jurisdiction === r.jurisdiction) all.set(id, o);
      }
    }
    out.set(r.reference, {
      all,
      finder: duplicateFinder(all.values(), index),
      get: (ref) => all.get(ref),
    });
  }
  return out;
}

/** Per inbox row shown: the other cases to link to and the number only counted. */
export async function inboxDuplicateFlags(
  deps: StaffDeps,
  rows: readonly ReferralRecord[],
  user: StaffUser,
): Promise<Record<string, { others: string[]; elsewhere: number }>> {
  const out: Record<string, { others: string[]; elsewhere: number }> = Object.create(null);
  // A call-back or a merged case is never flagged: its hashes are not even looked up.
  const flagged = rows.filter(takesPart);
  const candidates = await candidatesFor(deps, flagged);
  for (const r of flagged) {
    const { finder, get } = candidates.get(r.reference)!;
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
  const candidates = (await candidatesFor(deps, [r])).get(r.reference)!;
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
