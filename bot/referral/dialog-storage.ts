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
import type { Collection, CollectionOptions, Store } from '../store/collection-store.ts';
import { shardedCollection } from '../store/sharded-collection.ts';
import { anonymised, dueForRetention } from './anonymise.ts';
import {
  type ContactProof,
  contactProof,
  guessSchema,
  statusGuessLimit,
  storedGuesses,
  sweepGuesses,
} from './contact-proof.ts';
import { type Forget, personDeletion } from './delete-person.ts';
import { newReference } from './reference.ts';
import {
  callbackRecord,
  type ReferralRecord,
  referralColumns,
  referralIndexFields,
  referralPersonalFields,
  referralRecord,
  referralSchema,
  referralSortKey,
  referralUniqueKey,
} from './referral-record.ts';

/** Files the inbox is spread over (referrals-0.json … referrals-15.json). */
export const referralShards = 16;

/**
 * The inbox as every opener sees it (this storage, the admin tools, tests seeding cases): its
 * personal fields, keyed hashes, plain columns and unique key.
 */
export const referralStoreOptions: CollectionOptions<ReferralRecord> & { shards: number } = {
  shards: referralShards,
  personal: referralPersonalFields,
  index: referralIndexFields,
  columns: referralColumns,
  // The inbox's eight counts a page (per status, and the unreturnable): one row each on
  // PostgreSQL, where counting the index range grew with the township or county.
  counted: ['countyList', 'countyStatus', 'townshipList', 'townshipStatus'],
  // Newest first, as the inbox lists them (an index on PostgreSQL).
  sortKey: referralSortKey,
  // The same submission twice (a double tap, on one instance or two) is stored once: a unique
  // key in the store, not a map in this process.
  unique: referralUniqueKey,
};

export const openReferrals = (store: Store) =>
  shardedCollection(store, 'referrals', referralSchema, referralStoreOptions);

/** The wrong-guess counts per reference (contact-proof.ts), in the store so every instance counts. */
export const openLookupGuesses = (store: Store) => store.collection('lookup-guesses', guessSchema);

/** A reference's wrong-guess count is forgotten after a day without a wrong try. */
const guessesKeptMs = 24 * 60 * 60 * 1000;

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
  /**
   * Anonymises closed cases older than the retention period; returns their references. Also
   * forgets wrong-guess counts idle for a day.
   */
  applyRetention: (now: Date, retentionDays: number) => Promise<string[]>;
  /** The same storage, recording another channel on new referrals. */
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
  // (Store tuning that still leaks here, like the sessions' shards, coalesceMs and fsync: on
  // PostgreSQL the shards are 16 names of one table and the delays mean nothing.)
  const referrals = await openReferrals(store);
  const guessCounts = await openLookupGuesses(store);
  const now = () => new Date().toISOString();

  /**
   * Stores a new inbox item durably under a fresh reference; a reference already taken (one
   * chance in 2^40) draws another. Resolves to the reference holding the item: another one
   * when the same submission (its unique key) is already stored.
   */
  const insertNew = async (jurisdiction: string, make: (reference: string) => ReferralRecord) => {
    for (;;) {
      const reference = newReference(jurisdiction);
      // On disk (fsync) before the resident is told the number.
      const done = await referrals.insertDurably(reference, make(reference));
      if (done.inserted) return reference;
      if (done.existing !== reference) return done.existing;
    }
  };
  const submitReferralVia =
    (via: string): DialogDeps['submitReferral'] =>
    (session, result) =>
      insertNew(result.jurisdiction, (reference) => referralRecord(reference, session, result, via, now()));
  const requestCallbackVia = (via: string) => (session: Session) =>
    insertNew(session.callback?.county ?? session.answers.jurisdiction ?? 'xx', (reference) =>
      callbackRecord(reference, session, via, now()),
    );

  // A deleted person's referral keeps no idempotency key (anonymise.ts), so the same answers
  // sent again make a new referral: the unique key is gone with the personal data.
  const deletion = personDeletion({ referrals, sessions, now });

  const proof = contactProof({
    ...statusGuessLimit,
    guesses: storedGuesses(guessCounts),
    find: (reference) => referrals.get(reference),
    // For the caseworker: someone is guessing at this case (no address, no digits recorded).
    onLocked: async (reference) => {
      await referrals.update(reference, (r) =>
        r
          ? {
              ...r,
              history: [...r.history, { at: now(), by: 'system', action: 'lookup_locked' as const }],
            }
          : undefined,
      );
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
      // Paged through (never the whole inbox in one array); each due case checked again inside
      // one change of it, so a change made meanwhile is neither lost nor anonymised early, and on
      // disk before it is reported done.
      const due: string[] = [];
      for await (const r of referrals.values())
        if (dueForRetention(r, at, retentionDays)) due.push(r.reference);
      const done: string[] = [];
      for (const reference of due) {
        let changed = false;
        await referrals.update(
          reference,
          (r) => {
            changed = r !== undefined && dueForRetention(r, at, retentionDays);
            return changed && r ? anonymised(r, at.toISOString(), 'retention') : undefined;
          },
          { durable: true },
        );
        if (changed) done.push(reference);
      }
      // Wrong-guess counts idle for a day are kept no longer either.
      await sweepGuesses(guessCounts, at.getTime(), guessesKeptMs);
      return done;
    },
  };
}
