/**
 * How many conversations one client address may start per hour. A stored conversation costs
 * memory and disk until it expires, and page loads store nothing, so this counts only what is
 * stored: the first answer in the chat page, a form's results, a new API conversation. Beyond
 * the budget the request is refused with 429 (translated, with Retry-After), nothing stored.
 * Residents behind one carrier NAT share the budget: NEW_CONVERSATIONS_PER_HOUR raises it.
 *
 * It limits what is stored, so with several instances on PostgreSQL the count is in the store
 * too (one row update per new conversation, beside the conversation's own write): behind a
 * proxy an address gets the budget once, not once per instance. With one process (lowdb) it is
 * counted in memory, as before.
 */
import { createHash } from 'node:crypto';
import type { Context } from 'koa';
import { z } from 'zod';
import type { Collection, Store } from '../../bot/store/collection-store.ts';
import { AppError } from '../errors.ts';
import { AddressWindows, defaultMaxAddresses } from './address-windows.ts';
import { byExpiry, sweeper } from './expiring-records.ts';

const hourSeconds = 60 * 60;

export type NewConversation = (ctx: Context) => Promise<void>;

interface Window {
  /** End of the hour, in seconds. */
  reset: number;
  count: number;
}

const windowSchema = z.strictObject({ id: z.string(), reset: z.number(), count: z.number() });
export type BudgetRecords = Collection<z.infer<typeof windowSchema>>;

/** The store's budget windows (PostgreSQL only; see stored-collections.ts on migration). */
export async function openBudgetRecords(store: Store): Promise<BudgetRecords> {
  return store.collection(
    'conversation-budgets',
    windowSchema,
    byExpiry((w) => w.reset * 1000),
  );
}

/** Counts one conversation in `entry` (a fresh hour if it ended), or undefined: the budget is spent. */
const counted = (entry: Window | undefined, perHour: number, now: number): Window | undefined => {
  const open = entry && entry.reset >= now ? entry : { reset: now + hourSeconds, count: 0 };
  return open.count >= perHour ? undefined : { reset: open.reset, count: open.count + 1 };
};

const refused = (entry: Window | undefined, now: number) => {
  const retryAfter = String(Math.max(1, Math.ceil((entry?.reset ?? now) - now)));
  // The error middleware copies a 429's headers onto the answer.
  return Object.assign(new AppError(429, 'too_many_conversations'), {
    headers: { 'Retry-After': retryAfter },
  });
};

/**
 * Returns a check that counts one new conversation for the request's address, or throws 429:
 * in `records` when given (shared by the instances on one database), else in memory.
 */
export function newConversationBudget(
  perHour: number,
  nowSeconds = () => Date.now() / 1000,
  records?: BudgetRecords,
): NewConversation {
  if (records) return storedBudget(perHour, nowSeconds, records);
  const windows = new AddressWindows<Window>(undefined, nowSeconds);
  return async (ctx) => {
    const now = nowSeconds();
    const entry = windows.get(ctx.ip);
    const next = counted(entry, perHour, now);
    if (!next) throw refused(entry, now);
    windows.set(ctx.ip, next);
  };
}

// An address is kept as a hash: the budget needs to tell addresses apart, not to know them.
const idOf = (address: string) => createHash('sha256').update(address).digest('base64url');

function storedBudget(perHour: number, nowSeconds: () => number, records: BudgetRecords): NewConversation {
  const sweep = sweeper(records, {
    until: (w) => w.reset * 1000,
    max: defaultMaxAddresses,
    everyMs: 60_000,
    now: () => nowSeconds() * 1000,
  });
  return async (ctx) => {
    sweep();
    const now = nowSeconds();
    const id = idOf(ctx.ip);
    let refusal: { entry: Window | undefined } | undefined;
    // One row update, atomic on every instance: two requests cannot both take the last one.
    // Decided afresh on each call of the change (the store may run it again): the last one holds.
    await records.update(id, (current) => {
      const next = counted(current, perHour, now);
      refusal = next ? undefined : { entry: current };
      return next && { id, ...next };
    });
    if (refusal) throw refused(refusal.entry, now);
  };
}
