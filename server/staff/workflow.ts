/**
 * What caseworkers do to a referral: move its status along the workflow, assign it, add notes,
 * record the official outcome per program. Each change is checked, stamped in the referral's
 * history, and made in one `update` of the record: checked against the record as it is when the
 * change runs (not as the page read it), so two caseworkers changing one case at once both land
 * in its history, in this process or across instances on one database.
 */
import {
  type HistoryEntry,
  nextStatuses,
  type Outcome,
  type ReferralRecord,
  type ReferralStatus,
} from '../../bot/referral/referral-record.ts';
import type { Collection } from '../../bot/store/collection-store.ts';
import type { StaffUser } from './staff-records.ts';

export type Change =
  | { kind: 'status'; to: ReferralStatus; note?: string }
  | { kind: 'assign'; to: string }
  | { kind: 'note'; note: string }
  | { kind: 'outcome'; program: string; outcome: Omit<Outcome, 'at' | 'by'> }
  | { kind: 'visit'; at: string }
  | { kind: 'papers'; received: string[] };

export type ChangeResult =
  | { ok: true; record: ReferralRecord; notifyResident: boolean }
  | { ok: false; error: 'bad_transition' | 'unknown_program' | 'not_found' };

/**
 * Free text from staff: control and bidi-override characters removed, kept short. NFC, not
 * NFKC: NFKC would turn Chinese full-width punctuation (，：) into ASCII.
 */
export const cleanText = (s: string, max = 1000) =>
  s
    .normalize('NFC')
    .replace(/[\p{Cc}\p{Cf}]/gu, (c) => (c === '\n' ? '\n' : ''))
    .trim()
    .slice(0, max);

export async function applyChange(
  referrals: Collection<ReferralRecord>,
  reference: string,
  user: StaffUser,
  change: Change,
  now: Date,
): Promise<ChangeResult> {
  let result: ChangeResult = { ok: false, error: 'not_found' };
  const at = now.toISOString();
  await referrals.update(
    reference,
    (r) => {
      result = { ok: false, error: 'not_found' };
      if (!r) return undefined;
      const entry = (e: Omit<HistoryEntry, 'at' | 'by'>): HistoryEntry => ({ at, by: user.id, ...e });
      switch (change.kind) {
        case 'status': {
          if (!nextStatuses[r.status].includes(change.to)) {
            result = { ok: false, error: 'bad_transition' };
            return undefined;
          }
          const history = [
            ...r.history,
            entry({
              action: 'status',
              from: r.status,
              to: change.to,
              ...(change.note ? { note: change.note } : {}),
            }),
          ];
          const next = { ...r, status: change.to, history, updatedAt: at };
          result = { ok: true, record: next, notifyResident: true };
          return next;
        }
        case 'assign': {
          const next = {
            ...r,
            assignee: change.to,
            history: [...r.history, entry({ action: 'assigned', to: change.to })],
            updatedAt: at,
          };
          result = { ok: true, record: next, notifyResident: false };
          return next;
        }
        case 'note': {
          const next = {
            ...r,
            history: [...r.history, entry({ action: 'note', note: change.note })],
            updatedAt: at,
          };
          result = { ok: true, record: next, notifyResident: false };
          return next;
        }
        case 'visit': {
          // The old time stays in the history: a moved visit is visible, not overwritten.
          const next = {
            ...r,
            visitAt: change.at,
            history: [
              ...r.history,
              entry({ action: 'visit', ...(r.visitAt ? { from: r.visitAt } : {}), to: change.at }),
            ],
            updatedAt: at,
          };
          result = { ok: true, record: next, notifyResident: false };
          return next;
        }
        case 'outcome': {
          if (!r.programs.some((p) => p.id === change.program)) {
            result = { ok: false, error: 'unknown_program' };
            return undefined;
          }
          const outcome: Outcome = { ...change.outcome, at, by: user.id };
          const next = {
            ...r,
            outcomes: { ...r.outcomes, [change.program]: outcome },
            history: [...r.history, entry({ action: 'outcome', from: change.program, to: outcome.decision })],
            updatedAt: at,
          };
          result = { ok: true, record: next, notifyResident: false };
          return next;
        }
        case 'papers': {
          // The whole checklist as ticked now (unticking is a correction), in history without the list.
          const next = {
            ...r,
            papersReceived: [...new Set(change.received)],
            history: [...r.history, entry({ action: 'papers' })],
            updatedAt: at,
          };
          result = { ok: true, record: next, notifyResident: false };
          return next;
        }
      }
    },
    { durable: true },
  );
  return result as ChangeResult;
}
