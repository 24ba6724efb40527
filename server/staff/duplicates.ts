/**
 * Possible duplicates: the same person referred twice. Two referrals of one county are flagged
 * when they share the ID number, the phone, or the name with the village (name-village.ts).
 * Matching uses the keyed hashes the store already keeps for search (search-index.ts, memoised
 * per record), never the decrypted values compared pairwise. A page asks the store's hash index
 * for the cases sharing a hash with the ones it shows (duplicates-view.ts), never for the county.
 *
 * Who sees what: a match is listed (reference, status, date, why) only if the viewer may see
 * that case (canSee); a match in another township is only counted. The count is kept because a
 * person with a case in two townships is the duplicate that costs most (paid twice, or one
 * township not knowing it was already decided), and the caseworker needs a reason to ask the
 * county admin; it carries no reference, name, township, status or reason, so it tells nothing
 * about that case beyond "exists". The county admin sees every match.
 *
 * The two things staff do (both audited by the route, both recorded in both histories):
 * - merge: this open case is closed into the other (`mergedInto`, status withdrawn, so it leaves
 *   the work lists and retention applies), with no notice to the resident: "withdrawn" would be
 *   untrue and frightening; the resident's status page says the case was joined with their other
 *   referral instead (server/web/routes/status.ts), without naming it.
 * - not a duplicate: the pair is never flagged again for anyone (either side's entry is enough,
 *   so a half-written pair still counts); reversible ("restore"), since a wrong click must not
 *   hide a real duplicate for good.
 */
import { z } from 'zod';
import {
  closedStatuses,
  type HistoryEntry,
  type ReferralRecord,
} from '../../bot/referral/referral-record.ts';
import type { Collection } from '../../bot/store/collection-store.ts';
import type { SearchIndex } from '../../bot/store/search-index.ts';
import { canSee } from './access.ts';
import type { StaffUser } from './staff-records.ts';

/** Why two cases look like one person, strongest first (index field names). */
export const matchReasons = ['idNumber', 'phone', 'nameVillage'] as const;
export type MatchReason = (typeof matchReasons)[number];

/** Only live referrals take part: not call-backs (a request to talk, usually beside the person's referral), not anonymised or already merged cases. */
export const takesPart = (r: ReferralRecord) => r.kind === 'referral' && !r.anonymisedAt && !r.mergedInto;

const pairKey = (a: string, b: string) => (a < b ? `${a}|${b}` : `${b}|${a}`);

export interface DuplicateFinder {
  /** Other cases that look like this one, with why (empty when none). */
  matchesOf(r: ReferralRecord): Map<string, MatchReason[]>;
}

/** One pass over the county's hashes: groups of references per (county, reason, hash). */
export function duplicateFinder(
  all: Iterable<ReferralRecord>,
  index: SearchIndex<ReferralRecord> | undefined,
): DuplicateFinder {
  const groups = new Map<string, string[]>();
  const dismissed = new Set<string>();
  const keyOf = (r: ReferralRecord, reason: MatchReason, hash: string) =>
    `${r.jurisdiction}\u0000${reason}\u0000${hash}`;
  if (index)
    for (const r of all) {
      for (const n of r.notDuplicateOf ?? []) dismissed.add(pairKey(r.reference, n.reference));
      if (!takesPart(r)) continue;
      const hashes = index.of(r);
      for (const reason of matchReasons) {
        const h = hashes[reason];
        if (!h) continue;
        const key = keyOf(r, reason, h);
        const group = groups.get(key);
        if (group) group.push(r.reference);
        else groups.set(key, [r.reference]);
      }
    }
  return {
    matchesOf(r) {
      const out = new Map<string, MatchReason[]>();
      if (!index || !takesPart(r)) return out;
      const hashes = index.of(r);
      for (const reason of matchReasons) {
        const h = hashes[reason];
        for (const other of (h && groups.get(keyOf(r, reason, h))) || []) {
          if (other === r.reference || dismissed.has(pairKey(r.reference, other))) continue;
          out.set(other, [...(out.get(other) ?? []), reason]);
        }
      }
      return out;
    },
  };
}

export interface DuplicatesSeen {
  /** The matches this user may see, oldest first (then by reference). */
  visible: { record: ReferralRecord; reasons: MatchReason[] }[];
  /** Matches outside what this user may see: a number only. */
  elsewhere: number;
}

export function duplicatesSeenBy(
  r: ReferralRecord,
  finder: DuplicateFinder,
  user: StaffUser,
  get: (reference: string) => ReferralRecord | undefined,
): DuplicatesSeen {
  const visible: DuplicatesSeen['visible'] = [];
  let elsewhere = 0;
  for (const [reference, reasons] of finder.matchesOf(r)) {
    const other = get(reference);
    if (!other) continue;
    if (canSee(user, other)) visible.push({ record: other, reasons });
    else elsewhere++;
  }
  // Equal instants by reference: the same order whichever order the store found them in.
  visible.sort((a, b) =>
    a.record.createdAt !== b.record.createdAt
      ? a.record.createdAt < b.record.createdAt
        ? -1
        : 1
      : a.record.reference < b.record.reference
        ? -1
        : 1,
  );
  return { visible, elsewhere };
}

const referencePattern = /^[A-Z]{2}-[0-9A-Z]{8}$/;

/** The form of every duplicate action: the other case's reference (the CSRF token is checked apart). */
export const duplicateFormSchema = z.object({ other: z.string().regex(referencePattern) });

export const duplicateActions = ['merge', 'not-duplicate', 'restore'] as const;
export type DuplicateAction = (typeof duplicateActions)[number];

export type DuplicateResult =
  | { ok: true; records: [ReferralRecord, ReferralRecord] }
  | { ok: false; error: 'not_found' | 'not_a_match' | 'closed' | 'not_dismissed' };

/**
 * Merge, dismiss or restore a pair. The pair must be one the user may see on both sides; merge
 * and dismiss only a pair currently flagged (a crafted post cannot merge two unrelated cases).
 * Each side is changed by its own `update`, onto the record as it is then (a status change or
 * note made meanwhile stays); the two are not one transaction, which the rules allow: either
 * side's "not a duplicate" is enough, and a merge is written on the merged case first.
 */
export async function changeDuplicatePair(
  referrals: Collection<ReferralRecord>,
  action: DuplicateAction,
  reference: string,
  otherReference: string,
  user: StaffUser,
  now: Date,
): Promise<DuplicateResult> {
  const at = now.toISOString();
  const [r, o] = await Promise.all([referrals.get(reference), referrals.get(otherReference)]);
  if (!r || !o || reference === otherReference || !canSee(user, r) || !canSee(user, o))
    return { ok: false, error: 'not_found' };
  const entry = (e: Omit<HistoryEntry, 'at' | 'by'>): HistoryEntry => ({ at, by: user.id, ...e });
  /** Changes both sides, each onto its current record; undefined if a side is gone. */
  const both = async (
    mine: (x: ReferralRecord) => ReferralRecord | undefined,
    theirs: (x: ReferralRecord) => ReferralRecord,
  ): Promise<DuplicateResult> => {
    let changed = false;
    const first = await referrals.update(
      r.reference,
      (x) => {
        const next = x && mine(x);
        changed = next !== undefined;
        return next;
      },
      { durable: true },
    );
    if (!first || !changed) return { ok: false, error: action === 'merge' ? 'closed' : 'not_found' };
    const second = await referrals.update(o.reference, (x) => (x ? theirs(x) : undefined), { durable: true });
    return second ? { ok: true, records: [first, second] } : { ok: false, error: 'not_found' };
  };
  if (action === 'restore') {
    const listed = (x: ReferralRecord, y: string) => (x.notDuplicateOf ?? []).some((n) => n.reference === y);
    if (!listed(r, o.reference) && !listed(o, r.reference)) return { ok: false, error: 'not_dismissed' };
    const without = (x: ReferralRecord, y: string): ReferralRecord => ({
      ...x,
      notDuplicateOf: (x.notDuplicateOf ?? []).filter((n) => n.reference !== y),
      history: [...x.history, entry({ action: 'duplicate_restored', to: y })],
      updatedAt: at,
    });
    return both(
      (x) => without(x, o.reference),
      (x) => without(x, r.reference),
    );
  }
  const finder = duplicateFinder([r, o], referrals.index);
  if (!finder.matchesOf(r).has(o.reference)) return { ok: false, error: 'not_a_match' };
  if (action === 'merge') {
    // A closed case carries a decision: merge the open one into it, never the other way
    // (checked again on the record as it is when the change runs).
    if (closedStatuses.has(r.status)) return { ok: false, error: 'closed' };
    return both(
      (x) =>
        closedStatuses.has(x.status)
          ? undefined
          : {
              ...x,
              mergedInto: o.reference,
              status: 'withdrawn',
              history: [...x.history, entry({ action: 'merged', from: x.status, to: o.reference })],
              updatedAt: at,
            },
      (x) => ({
        ...x,
        history: [...x.history, entry({ action: 'merged_from', to: r.reference })],
        updatedAt: at,
      }),
    );
  }
  const dismiss = (x: ReferralRecord, y: string): ReferralRecord => ({
    ...x,
    notDuplicateOf: [...(x.notDuplicateOf ?? []), { reference: y, at, by: user.id }],
    history: [...x.history, entry({ action: 'not_duplicate', to: y })],
    updatedAt: at,
  });
  return both(
    (x) => dismiss(x, o.reference),
    (x) => dismiss(x, r.reference),
  );
}
