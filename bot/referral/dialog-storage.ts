/**
 * Where a dialog keeps its data, the same for every channel: sessions (coalesced, sharded),
 * referrals (written with fsync before the reference number is shown) and call-back requests.
 */
import { z } from 'zod';
import { type Session, sessionStoreOptions, storedSessionSchema } from '../dialog/session.ts';
import type { DialogDeps } from '../dialog/transition.ts';
import type { Collection, Store } from '../store/collection-store.ts';
import { shardedCollection } from '../store/sharded-collection.ts';
import { newReference } from './reference.ts';
import { type ReferralRecord, referralRecord, referralSchema } from './referral-record.ts';

export const callbackSchema = z.strictObject({ session: z.string(), at: z.string(), lang: z.string() });

export interface DialogStorage {
  sessions: Collection<Session>;
  referrals: Collection<ReferralRecord>;
  callbacks: Collection<z.infer<typeof callbackSchema>>;
  submitReferral: DialogDeps['submitReferral'];
  requestCallback: DialogDeps['requestCallback'];
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
  const sessionOptions = { coalesceMs: sessionStoreOptions.coalesceMs, fsync: sessionStoreOptions.fsync };
  const sessions =
    shards > 1
      ? await shardedCollection(store, 'sessions', storedSessionSchema, { ...sessionOptions, shards })
      : await store.collection('sessions', storedSessionSchema, sessionOptions);
  const referrals = await store.collection('referrals', referralSchema);
  const callbacks = await store.collection('callbacks', callbackSchema);
  const now = () => new Date().toISOString();
  return {
    sessions,
    referrals,
    callbacks,
    async submitReferral(session, result) {
      const reference = newReference(result.jurisdiction);
      // On disk (fsync) before the resident is told the number.
      await referrals.setDurably(reference, referralRecord(reference, session, result, channel, now()));
      return reference;
    },
    async requestCallback(session) {
      await callbacks.setDurably(session.id, { session: session.id, at: now(), lang: session.lang });
    },
  };
}
