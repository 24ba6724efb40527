/**
 * How many conversations one client address may start per hour. A stored conversation costs
 * memory and disk until it expires, and page loads store nothing, so this counts only what is
 * stored: the first answer in the chat page, a form's results, a new API conversation. Beyond
 * the budget the request is refused with 429 (translated, with Retry-After), nothing stored.
 * Residents behind one carrier NAT share the budget: NEW_CONVERSATIONS_PER_HOUR raises it.
 */
import type { Context } from 'koa';
import { AppError } from '../errors.ts';
import { AddressWindows } from './address-windows.ts';

const hourSeconds = 60 * 60;

export type NewConversation = (ctx: Context) => void;

/** Returns a check that counts one new conversation for the request's address, or throws 429. */
export function newConversationBudget(
  perHour: number,
  nowSeconds = () => Date.now() / 1000,
): NewConversation {
  const windows = new AddressWindows<{ reset: number; count: number }>(undefined, nowSeconds);
  return (ctx) => {
    const now = nowSeconds();
    let entry = windows.get(ctx.ip);
    if (!entry || entry.reset < now) {
      entry = { reset: now + hourSeconds, count: 0 };
      windows.set(ctx.ip, entry);
    }
    if (entry.count >= perHour) {
      const retryAfter = String(Math.max(1, Math.ceil(entry.reset - now)));
      // The error middleware copies a 429's headers onto the answer.
      throw Object.assign(new AppError(429, 'too_many_conversations'), {
        headers: { 'Retry-After': retryAfter },
      });
    }
    entry.count++;
  };
}
