/**
 * "Create visits": a roster job's flagged households become cases (kind "roster") in their
 * township's inbox. No consent step: the data is the government's own roster, and each case
 * says so. Never a second case for one household: a household whose ID number or phone already
 * has a case in the county (matched through the keyed-hash search index, as staff search is)
 * is skipped and reported, and one already made from this upload is not made again, so pressing
 * the button twice (even at once, on two instances) creates nothing the second time: the
 * decisions are taken in one pass over the county's cases (read by the store's county column),
 * and each case is stored with `insertDurably` under a key made of the upload and the household,
 * which the store keeps unique, so a press that lost the race stores nothing.
 */
import { createHash } from 'node:crypto';
import { readIdNumber, readPhone } from '../../../bot/referral/contact.ts';
import { newReference } from '../../../bot/referral/reference.ts';
import type { ReferralRecord } from '../../../bot/referral/referral-record.ts';
import type { StaffUser } from '../staff-records.ts';
import { streamCountyReferrals } from '../seen-referrals.ts';
import type { StaffDeps } from '../staff-deps.ts';
import { flaggedClauses } from './roster-clauses.ts';
import type { RosterJob } from './roster-jobs.ts';

export interface VisitsReport {
  created: { householdId: string; reference: string; township: string }[];
  /** Already a case for this ID number or phone: the household and the case's reference. */
  duplicates: { householdId: string; reference: string }[];
  /** Made from this upload before (a second press). */
  already: number;
  /** The roster's township is none of the county's: no inbox to put it in. */
  noTownship: string[];
}

/** The township id for a roster cell: an id, or its name in any language (特克斯镇 → tekes_town). */
function townshipId(deps: StaffDeps, county: string, cell: string): string | undefined {
  const v = cell.trim();
  if (!v) return undefined;
  for (const tw of deps.townships(county))
    if (tw.id === v || Object.values(tw.name).some((n) => n.trim() === v)) return tw.id;
  return undefined;
}

const visitKey = (batch: string, householdId: string) =>
  createHash('sha256').update(`roster\u0000${batch}\u0000${householdId}`).digest('base64url');

export async function createVisits(deps: StaffDeps, job: RosterJob, user: StaffUser): Promise<VisitsReport> {
  const report: VisitsReport = { created: [], duplicates: [], already: 0, noTownship: [] };
  const index = deps.referrals.index;
  const hashOf = (field: string, v: string) => (index ? index.hash(field, v) : `${field}:${v}`);
  const seen = new Map<string, string>();
  const keys = new Set<string>();
  // The county as a stream, keeping its hashes and keys, not its records.
  for await (const r of streamCountyReferrals(deps.referrals, user.county)) {
    if (r.jurisdiction !== user.county) continue;
    if (r.idempotencyKey) keys.add(r.idempotencyKey);
    const hashes = index
      ? index.of(r)
      : { phone: r.phone && `phone:${r.phone}`, idNumber: r.idNumber && `idNumber:${r.idNumber}` };
    for (const h of Object.values(hashes)) if (h && !seen.has(h)) seen.set(h, r.reference);
  }
  const at = deps.now().toISOString();
  const planned: ReferralRecord[] = [];
  for (const row of job.rows) {
    const detail = row.detail;
    if (!row.flag || !detail || detail.result.jurisdiction !== user.county) continue;
    const key = visitKey(job.id, row.household_id);
    if (keys.has(key)) {
      report.already++;
      continue;
    }
    const phone = readPhone(detail.contact.phone);
    const idNumber = readIdNumber(detail.contact.idNumber);
    const mine = [
      ...(phone ? [hashOf('phone', phone)] : []),
      ...(idNumber ? [hashOf('idNumber', idNumber)] : []),
    ];
    const other = mine.map((h) => seen.get(h)).find(Boolean);
    if (other) {
      report.duplicates.push({ householdId: row.household_id, reference: other });
      continue;
    }
    const township = townshipId(deps, user.county, row.township);
    if (!township) {
      report.noTownship.push(row.household_id);
      continue;
    }
    const reference = newReference(user.county);
    const record: ReferralRecord = {
      reference,
      kind: 'roster',
      createdAt: at,
      updatedAt: at,
      channel: 'roster',
      lang: 'zh',
      jurisdiction: user.county,
      township,
      ...(row.village ? { village: row.village } : {}),
      idempotencyKey: key,
      answers: JSON.parse(JSON.stringify(detail.input)),
      programs: detail.result.programs.map((p) => ({
        id: p.id,
        verdict: p.verdict,
        ...(p.tier !== undefined ? { tier: p.tier } : {}),
        ...(p.monthlyAmount !== undefined ? { monthlyAmount: p.monthlyAmount } : {}),
        ...(p.amount !== undefined ? { amount: p.amount } : {}),
        department: p.department,
      })),
      name: '',
      phone: phone ?? '',
      ...(idNumber ? { idNumber } : {}),
      status: 'new',
      history: [{ at, by: user.id, action: 'created' }],
      rosterSource: {
        householdId: row.household_id,
        batch: job.id,
        flag: row.flag,
        reason: row.flag_reason,
        clauses: flaggedClauses(detail),
      },
    };
    keys.add(key);
    for (const h of mine) seen.set(h, reference);
    planned.push(record);
  }
  const stored = await Promise.all(planned.map((record) => insertCase(deps, record)));
  for (const [i, record] of planned.entries()) {
    const householdId = record.rosterSource!.householdId;
    if (stored[i]) report.created.push({ householdId, reference: stored[i], township: record.township! });
    else report.already++;
  }
  return report;
}

/**
 * Stores one new case; its reference, or undefined when a case with its key is already stored
 * (another press, perhaps on another instance, was first). A reference already taken is drawn again.
 */
async function insertCase(deps: StaffDeps, record: ReferralRecord): Promise<string | undefined> {
  let next = record;
  for (;;) {
    const done = await deps.referrals.insertDurably(next.reference, next);
    if (done.inserted) return next.reference;
    const holder = await deps.referrals.get(done.existing);
    if (holder?.idempotencyKey === record.idempotencyKey) return undefined;
    next = { ...next, reference: newReference(record.jurisdiction) };
  }
}
