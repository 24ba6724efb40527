/**
 * A pre-screened referral as stored, and what happens to it: made only from a finished
 * screening with the resident's consent (or, as kind "callback", from a "talk to a person"
 * request, without answers), written durably before its reference number is shown, then
 * followed up by the township: status, assignment, notes and official outcomes, each change
 * in its history.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { type ScreenResult, verdicts } from '../../rules/engine/result.ts';
import type { Session } from '../dialog/session.ts';
import { readPhone } from './contact.ts';
import type { IndexFields } from '../store/search-index.ts';
import { nameVillageKey } from './name-village.ts';

/** new → contacted → visit scheduled → application accepted → approved | declined | withdrawn. */
export const referralStatuses = [
  'new',
  'contacted',
  'visit_scheduled',
  'accepted',
  'approved',
  'declined',
  'withdrawn',
] as const;
export type ReferralStatus = (typeof referralStatuses)[number];
export const closedStatuses: ReadonlySet<ReferralStatus> = new Set(['approved', 'declined', 'withdrawn']);

/** Which status may follow which: forward along the path, or closed early (withdrawn, declined). */
export const nextStatuses: Record<ReferralStatus, readonly ReferralStatus[]> = {
  new: ['contacted', 'visit_scheduled', 'withdrawn', 'declined'],
  contacted: ['visit_scheduled', 'accepted', 'withdrawn', 'declined'],
  visit_scheduled: ['contacted', 'accepted', 'withdrawn', 'declined'],
  accepted: ['approved', 'declined', 'withdrawn'],
  approved: [],
  declined: [],
  withdrawn: [],
};

export const historyActions = [
  'created',
  'status',
  'assigned',
  'note',
  'outcome',
  'deletion_requested',
  'anonymised',
  /** Too many wrong phone digits for this reference: lookups paused (no address kept). */
  'lookup_locked',
  /** Possible duplicates (server/staff/duplicates.ts): `to`/`from` hold the other reference. */
  'merged',
  'merged_from',
  'not_duplicate',
  'duplicate_restored',
  /** A home visit set or moved: `from` the old time (if any), `to` the new one (ISO instants). */
  'visit',
  /** The caseworker ticked which papers the household has handed in. */
  'papers',
] as const;

const historyEntry = z.strictObject({
  at: z.string(),
  /** A staff id, or "resident" / "system". */
  by: z.string(),
  action: z.enum(historyActions),
  from: z.string().optional(),
  to: z.string().optional(),
  note: z.string().optional(),
});
export type HistoryEntry = z.infer<typeof historyEntry>;

/** The official decision per program, recorded when a case closes: the rules learn from it. */
const outcomeSchema = z.strictObject({
  decision: z.enum(['approved', 'declined']),
  tier: z.string().optional(),
  monthlyAmount: z.number().optional(),
  reason: z.string().optional(),
  at: z.string(),
  by: z.string(),
});
export type Outcome = z.infer<typeof outcomeSchema>;

export const referralSchema = z.strictObject({
  reference: z.string(),
  /**
   * "roster" (政策找人): made by a county admin from the government's own roster, not asked for
   * by the resident, so there was no consent step; older records have no such kind and load as before.
   */
  kind: z.enum(['referral', 'callback', 'roster']).default('referral'),
  createdAt: z.string(),
  updatedAt: z.string().optional(),
  channel: z.string(),
  /** The channel's address for the resident (a WeChat contact id), for status notices. */
  contact: z.string().optional(),
  lang: z.enum(['zh', 'ug', 'kk']),
  jurisdiction: z.string(),
  township: z.string().optional(),
  /** The village or address as the resident wrote it (optional). */
  village: z.string().optional(),
  /** Same submission twice (double tap, retry, duplicated event) → the same referral. */
  idempotencyKey: z.string().optional(),
  /** The answers as given (health, disability, income: stored only with consent). */
  answers: z.record(z.string(), z.unknown()),
  programs: z.array(
    z.strictObject({
      id: z.string(),
      verdict: z.enum(verdicts),
      tier: z.string().optional(),
      monthlyAmount: z.number().optional(),
      amount: z.number().optional(),
      /** The department responsible (民政局, 医保局 ...): the township passes the case on. */
      department: z.string().optional(),
    }),
  ),
  name: z.string(),
  phone: z.string(),
  idNumber: z.string().optional(),
  status: z.enum(referralStatuses),
  /** The caseworker following it up (staff id). */
  assignee: z.string().optional(),
  /**
   * The home visit's date and time (ISO instant), once agreed with the household; in clear like
   * the other dates, so the visit lists and the inbox can sort on it.
   */
  visitAt: z.string().optional(),
  history: z.array(historyEntry).default([]),
  outcomes: z.record(z.string(), outcomeSchema).optional(),
  /** Paper ids (papers.<id>) the household has handed in: the page lists the rest as missing. */
  papersReceived: z.array(z.string()).optional(),
  deletionRequestedAt: z.string().optional(),
  /** kind "roster": where the case came from and why it was flagged (the roster's own words). */
  rosterSource: z
    .strictObject({
      /** The roster's 户编号, the county office's key for the household. */
      householdId: z.string(),
      /** The upload (job) it came from: pressing "create visits" twice makes no second case. */
      batch: z.string(),
      flag: z.string(),
      reason: z.string(),
      clauses: z.array(z.string()).default([]),
    })
    .optional(),
  anonymisedAt: z.string().optional(),
  /** Merged as a duplicate into this other case (then closed as withdrawn, the resident not told). */
  mergedInto: z.string().optional(),
  /** Cases staff said are not this one's duplicates (either side's entry is enough). */
  notDuplicateOf: z
    .array(z.strictObject({ reference: z.string(), at: z.string(), by: z.string() }))
    .optional(),
  /**
   * Made in the mini-program by a resident signed in with WeChat: their openid (encrypted at rest,
   * found through a keyed hash, never in clear) and the subscription templates they allowed for
   * status messages. Older records have none and load as before.
   */
  miniprogram: z
    .strictObject({
      openid: z.string(),
      templates: z.array(z.string()).default([]),
      at: z.string(),
    })
    .optional(),
});
export type ReferralRecord = z.output<typeof referralSchema>;

/**
 * Encrypted at rest (PIPL Art. 51): who the resident is and how to reach them, what they told
 * us, and staff free text (notes, outcome reasons). Reference, kind, county, township, status,
 * programs and dates stay in clear: the inbox, retention and a future SQL store filter on them.
 * The idempotency key too: it is a plain hash over name, phone and ID number, which a dictionary
 * of phone numbers could otherwise match.
 */
export const referralPersonalFields = [
  'idempotencyKey',
  'name',
  'phone',
  'idNumber',
  'village',
  'contact',
  'answers',
  'rosterSource',
  'history.*.note',
  'outcomes.*.reason',
  'miniprogram.openid',
] as const;

/**
 * Staff find a case by the whole phone or ID number: keyed hashes of both (stored as digits /
 * upper case). Name and village together mark a possible duplicate (server/staff/duplicates.ts).
 */
export const referralIndexFields: IndexFields<ReferralRecord> = {
  phone: (r) => r.phone || undefined,
  idNumber: (r) => r.idNumber || undefined,
  nameVillage: (r) => nameVillageKey(r.name, r.village),
  /** "My referrals" in the mini-program: the signed-in resident's openid. */
  openid: (r) => r.miniprogram?.openid,
};

/**
 * Plain values the inbox selects by (`referrals.find({ township })`): PostgreSQL keeps each in an
 * indexed column, so a township's inbox never scans the county. None is personal.
 */
export const referralColumns = {
  county: (r: ReferralRecord) => r.jurisdiction || undefined,
  township: (r: ReferralRecord) => r.township || undefined,
  status: (r: ReferralRecord) => r.status,
  kind: (r: ReferralRecord) => r.kind,
  /** "no": a call-back stored without a phone, kept out of the work list (its own list). */
  listed: (r: ReferralRecord) => listedOf(r),
  /**
   * The inbox's page and its counts per status, each one column (inboxScope): counting a
   * township's "new" cases is then one index range as long as the count, where joining the
   * township's rows with their status row grew with the township (~190 ms at 200,000 stored).
   */
  countyList: (r: ReferralRecord) => inboxScope(r.jurisdiction, undefined, listedOf(r)),
  countyStatus: (r: ReferralRecord) => inboxScope(r.jurisdiction, undefined, listedOf(r), r.status),
  townshipList: (r: ReferralRecord) =>
    r.township ? inboxScope(r.jurisdiction, r.township, listedOf(r)) : undefined,
  townshipStatus: (r: ReferralRecord) =>
    r.township ? inboxScope(r.jurisdiction, r.township, listedOf(r), r.status) : undefined,
} as const;

const listedOf = (r: ReferralRecord) => (cannotBeReturned(r) ? 'no' : 'yes');

/** The value of the inbox's combined columns: county, township (if any), listed, status (if any). */
export const inboxScope = (county: string, township: string | undefined, listed: string, status?: string) =>
  [county, ...(township ? [township] : []), listed, ...(status ? [status] : [])].join(' ');

/** A call-back stored without a phone number: nobody can return it, so it is not in the work. */
export const cannotBeReturned = (r: Pick<ReferralRecord, 'kind' | 'phone'>) =>
  r.kind === 'callback' && !r.phone.trim();

/**
 * The order of the inbox, newest first and, among the same instant, references A→Z, as one
 * string a store can index (`find(..., { descending: true })`): the reference's characters are
 * mirrored within printable ASCII, so reading the key backwards reads references forwards.
 */
export const referralSortKey = (r: Pick<ReferralRecord, 'createdAt' | 'reference'>) =>
  `${r.createdAt} ${[...r.reference].map((c) => String.fromCharCode(0x7e + 0x20 - c.charCodeAt(0))).join('')}`;

/** A referral's unique key: the same submission twice is stored once (see `idempotencyKey`). */
export const referralUniqueKey = (r: ReferralRecord) => r.idempotencyKey;

/** One submission's fingerprint: the session, the answers and the contact details. */
export function idempotencyKey(session: Session): string {
  const r = session.referral;
  return createHash('sha256')
    .update(JSON.stringify([session.id, session.answers, r?.name, r?.phone, r?.idNumber, r?.village]))
    .digest('base64url');
}

export function referralRecord(
  reference: string,
  session: Session,
  result: ScreenResult,
  channel: string,
  now: string,
): ReferralRecord {
  const r = session.referral;
  if (!r?.consent || !r.name || !r.phone) throw new Error('a referral needs consent, a name and a phone');
  return {
    reference,
    kind: 'referral',
    createdAt: now,
    updatedAt: now,
    channel,
    ...(session.contact ? { contact: session.contact } : {}),
    lang: session.lang,
    jurisdiction: result.jurisdiction,
    ...(session.answers.township ? { township: session.answers.township } : {}),
    ...(r.village ? { village: r.village } : {}),
    idempotencyKey: idempotencyKey(session),
    answers: JSON.parse(JSON.stringify(session.answers)),
    programs: result.programs.map((p) => ({
      id: p.id,
      verdict: p.verdict,
      ...(p.tier !== undefined ? { tier: p.tier } : {}),
      ...(p.monthlyAmount !== undefined ? { monthlyAmount: p.monthlyAmount } : {}),
      ...(p.amount !== undefined ? { amount: p.amount } : {}),
      department: p.department,
    })),
    name: r.name,
    phone: r.phone,
    ...(r.idNumber ? { idNumber: r.idNumber } : {}),
    status: 'new',
    history: [{ at: now, by: 'resident', action: 'created' }],
  };
}

/**
 * "Talk to a person": an inbox item without answers (no consent was asked for them), routed by
 * the county and township the resident gave, linked to their referral if they made one. Only
 * with a phone someone can call back: the one given for the call-back (with its own consent) or
 * the one a sent referral holds. A call-back nobody can return is refused here, not stored.
 */
export function callbackRecord(
  reference: string,
  session: Session,
  channel: string,
  now: string,
): ReferralRecord {
  const c = session.callback;
  const r = session.referral?.consent ? session.referral : undefined;
  const name = c?.name ?? r?.name ?? '';
  const typed = c?.phone ?? r?.phone;
  // Stored in the one form readPhone gives, or not at all: a call-back nobody can return is refused.
  const phone = typed ? readPhone(typed) : undefined;
  if (!phone) throw new Error('a call-back needs a phone number to call');
  const jurisdiction = c?.county ?? session.answers.jurisdiction ?? '';
  const township = c?.county ? c.township : session.answers.township;
  return {
    reference,
    kind: 'callback',
    createdAt: now,
    updatedAt: now,
    channel,
    ...(session.contact ? { contact: session.contact } : {}),
    lang: session.lang,
    jurisdiction,
    ...(township ? { township } : {}),
    answers: {},
    programs: [],
    name,
    phone,
    status: 'new',
    history: [
      {
        at: now,
        by: 'resident',
        action: 'created',
        ...(session.referral?.reference ? { note: session.referral.reference } : {}),
      },
    ],
  };
}
