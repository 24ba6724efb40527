/**
 * Every collection the server keeps, opened by the same openers the server's start-up uses
 * (so each has its schema, personal fields, keyed hashes, columns and unique key), by logical
 * name: lowdb's shard files (referrals-0..15, sessions-0..15) are one collection here, as they
 * are one collection on PostgreSQL. The store migration (store-migrate.ts) copies exactly
 * these; test/server/stored-collections.test.ts fails when an opener is added elsewhere and
 * not here.
 */
import { openOutboxStore } from '../bot/channels/wechat/outbox-store.ts';
import { openDialogStorage, openLookupGuesses } from '../bot/referral/dialog-storage.ts';
import type { Collection, Store } from '../bot/store/collection-store.ts';
import { residentNotices } from './notices/resident-notices.ts';
import { staffNotices } from './notices/staff-notices.ts';
import { subscribeNotices } from './notices/subscribe-notices.ts';
import { openLocalValues } from './staff/local-values/local-value-record.ts';
import { openAccounts } from './staff/staff-storage.ts';
import { openSeenStore } from './wechat-start.ts';

/**
 * Collections several instances on PostgreSQL share but the migration does not copy: they
 * hold only what lives minutes or hours (a mini-program sign-in, a name's login failures, an
 * address's new-conversation count this hour), and lowdb — the only store one migrates from —
 * keeps them in memory, never in a file, so there is nothing to copy. After a move residents
 * sign in to the mini-program again and counts start afresh, as after a restart.
 */
export const shortLivedCollections = [
  'miniprogram-sign-ins',
  'login-failures',
  'conversation-budgets',
] as const;

/** Queues opened only to be read and written here: never started, so nothing is sent. */
const idle = { publicUrl: () => '', baseDelayMs: 60_000, maxDelayMs: 60_000 };

export async function openEveryCollection(store: Store): Promise<Map<string, Collection<unknown>>> {
  const dialog = await openDialogStorage(store, 'web');
  const accounts = await openAccounts(store);
  const township = await staffNotices(store, idle);
  const all: [string, Collection<unknown>][] = [
    ['sessions', dialog.sessions],
    ['referrals', dialog.referrals],
    ['lookup-guesses', await openLookupGuesses(store)],
    ['staff-users', accounts.users],
    ['staff-sessions', accounts.sessions],
    ['local-values', await openLocalValues(store)],
    ['staff-notices', township.queue],
    ['staff-notice-settings', township.settings],
    ['resident-notices', (await residentNotices(store)).queue],
    ['subscribe-notices', (await subscribeNotices(store, idle)).queue],
    ['wechat-seen', await openSeenStore(store)],
    ['wechat-outbox', await openOutboxStore(store)],
  ] as [string, Collection<unknown>][];
  return new Map(all);
}
