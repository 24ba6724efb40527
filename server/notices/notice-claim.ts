/**
 * Taking one queued notice to send it. Several server instances may pump one queue (before, and
 * besides, the leader lock): reading "not sent yet" and then sending would let two of them send
 * the same message. So a sender first marks the notice claimed, inside `update` (atomic on every
 * store), and sends only if its own change made the claim. A claim lapses after `leaseMs`, so a
 * notice held by an instance that died mid-send is taken up again.
 */
import type { Collection } from '../../bot/store/collection-store.ts';

export interface Claimable {
  claimedAt?: string | undefined;
}

/** Longer than any one send (a webhook gives up after 10 s, a WeChat call sooner). */
export const claimLeaseMs = 2 * 60_000;

/**
 * Claims the notice `id` if `due(current)` still holds and nobody else holds a live claim;
 * returns the claimed notice, or undefined when it is gone, not due, or another sender's.
 */
export async function claimNotice<T extends Claimable>(
  queue: Collection<T>,
  id: string,
  due: (current: T) => boolean,
  now: Date,
  leaseMs = claimLeaseMs,
): Promise<T | undefined> {
  let mine: T | undefined;
  await queue.update(id, (current) => {
    // Reset on every call: a store may run the change again (a retried transaction).
    mine = undefined;
    if (!current || !due(current)) return undefined;
    const held = current.claimedAt ? now.getTime() - new Date(current.claimedAt).getTime() < leaseMs : false;
    if (held) return undefined;
    mine = { ...current, claimedAt: now.toISOString() };
    return mine;
  });
  return mine;
}

/** The notice as it is written back after a send: its claim released. */
export function released<T extends Claimable>(notice: T): T {
  const { claimedAt: _claim, ...rest } = notice;
  return rest as T;
}
