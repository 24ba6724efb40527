/**
 * Where a dialog keeps its data, the same for every channel: sessions (coalesced, sharded) and
 * the township inbox (referrals and call-back requests, written with fsync before a resident
 * is told anything). Submitting the same referral twice gives the first one's reference.
 */
import {
  type Session,
  sessionPersonalFields,
  sessionStoreOptions,
  storedSessionSchema,
} from '../dialog/session.ts';
import type { DialogDeps } from '../dialog/transition.ts';
import type { Collection, Store } from '../store/collection-store.ts';
import { shardedCollection } from '../store/sharded-collection.ts';
import { anonymised, dueForRetention } from './anonymise.ts';
import { type ContactProof, contactProof, statusGuessLimit } from './contact-proof.ts';
import { type Forget, personDeletion } from './delete-person.ts';
import { newReference } from './reference.ts';
import {
  callbackRecord,
  idempotencyKey,
  type ReferralRecord,
  referralIndexFields,
  referralPersonalFields,
  referralRecord,
  referralSchema,
} from './referral-record.ts';

/** Files the inbox is spread over (referrals-0.json … referrals-15.json). */
export const referralShards = 16;

export interface DialogStorage {
  sessions: Collection<Session>;
  referrals: Collection<ReferralRecord>;
  submitReferral: DialogDeps['submitReferral'];
  requestCallback: DialogDeps['requestCallback'];
  /** Deletes the person behind a reference from every store (see delete-person.ts). */
  requestDeletion: NonNullable<DialogDeps['requestDeletion']>;
  /** Checks a reference with the phone (digits or whole), counting wrong tries per reference. */
  proof: ContactProof;
  /** Registers another store (a notice queue) that must forget a deleted person too. */
  alsoForget: (forget: Forget) => void;
  /** Anonymises closed cases older than the retention period; returns their references. */
  applyRetention: (now: Date, retentionDays: number) => Promise<string[]>;
  /** The same storage, recording another channel on new referrals (one process, one store). */
  forChannel: (channel: string) => Pick<DialogStorage, 'submitReferral' | 'requestCallback'>;
}

/**
 * @param channel recorded on each referral ("web", "terminal", "wechat")
 * @param shards session files; a single-user channel (the terminal) needs only one
 */
export async function openDialogStorage(
  store: Store,
  channel: string,
  shards: number = sessionStoreOptions.shards,
): Promise<DialogStorage> {
  const sessionOptions = {
    coalesceMs: sessionStoreOptions.coalesceMs,
    fsync: sessionStoreOptions.fsync,
    personal: sessionPersonalFields,
  };
  const sessions =
    shards > 1
      ? await shardedCollection(store, 'sessions', storedSessionSchema, { ...sessionOptions, shards })
      : await store.collection('sessions', storedSessionSchema, sessionOptions);
  // Sharded like the sessions: lowdb rewrites a whole file per write, and one file of 50,000
  // referrals costs ~0.6 s (and an event-loop stall) per new referral; 16 files cost 1/16.
  const referrals = await shardedCollection(store, 'referrals', referralSchema, {
    shards: referralShards,
    personal: referralPersonalFields,
    index: referralIndexFields,
  });
  const now = () => new Date().toISOString();

  // Idempotency keys of stored referrals → their reference (rebuilt at start from the file).
  const byKey = new Map<string, string>();
  for (const r of referrals.values()) if (r.idempotencyKey) byKey.set(r.idempotencyKey, r.reference);
  // Two identical submissions at the same moment: the second waits for the first's write.
  const pending = new Map<string, Promise<string>>();

  const unusedReference = (jurisdiction: string) => {
    let reference = newReference(jurisdiction);
    while (referrals.get(reference)) reference = newReference(jurisdiction);
    return reference;
  };

  const submitReferralVia =
    (via: string): DialogDeps['submitReferral'] =>
    (session, result) => {
      const key = idempotencyKey(session);
      const known = byKey.get(key);
      if (known) return Promise.resolve(known);
      const inFlight = pending.get(key);
      if (inFlight) return inFlight;
      const write = (async () => {
        const reference = unusedReference(result.jurisdiction);
        // On disk (fsync) before the resident is told the number.
        await referrals.setDurably(reference, referralRecord(reference, session, result, via, now()));
        byKey.set(key, reference);
        return reference;
      })().finally(() => pending.delete(key));
      pending.set(key, write);
      return write;
    };
  const requestCallbackVia = (via: string) => async (session: Session) => {
    const reference = unusedReference(session.callback?.county ?? session.answers.jurisdiction ?? 'xx');
    await referrals.setDurably(reference, callbackRecord(reference, session, via, now()));
    return reference;
  };

  const deletion = personDeletion({ referrals, sessions, now });
  deletion.alsoForget(async ({ references }) => {
    for (const [key, reference] of [...byKey]) if (references.has(reference)) byKey.delete(key);
  });

  const proof = contactProof({
    ...statusGuessLimit,
    find: (reference) => referrals.get(reference),
    // For the caseworker: someone is guessing at this case (no address, no digits recorded).
    onLocked: (reference) => {
      referrals.update(reference, (r) => ({
        ...r!,
        history: [...r!.history, { at: now(), by: 'system', action: 'lookup_locked' as const }],
      }));
    },
  });

  return {
    sessions,
    referrals,
    proof,
    submitReferral: submitReferralVia(channel),
    requestCallback: requestCallbackVia(channel),
    forChannel: (via) => ({
      submitReferral: submitReferralVia(via),
      requestCallback: requestCallbackVia(via),
    }),
    requestDeletion: deletion.deletePerson,
    alsoForget: deletion.alsoForget,
    async applyRetention(at, retentionDays) {
      const due = [...referrals.values()].filter((r) => dueForRetention(r, at, retentionDays));
      for (const r of due)
        await referrals.setDurably(r.reference, anonymised(r, at.toISOString(), 'retention'));
      return due.map((r) => r.reference);
    },
  };
}
