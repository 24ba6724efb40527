/**
 * "Where is my referral?" asked by message: the reference and the phone's last four digits
 * ("TE-4F7K2M9Q 1234"). Answered before the dialog, whatever question is open, and only with
 * both: a contact id alone discloses nothing. Wrong tries are counted per reference by the
 * proof the status page uses too, so guesses over both channels add up.
 */
import type { ContactProof } from '../referral/contact-proof.ts';
import { type Reply, text } from './replies.ts';

const statusQuery = /^\s*([A-Za-z]{2})-?([0-9A-Za-z]{8})\s+(\d{4})\s*$/;

/** The status reply for a status question, or undefined when the text is not one. */
export async function statusLookup(input: string, proof: ContactProof): Promise<Reply | undefined> {
  const query = statusQuery.exec(input.trim());
  if (!query) return undefined;
  const reference = `${query[1]!.toUpperCase()}-${query[2]!.toUpperCase()}`;
  const found = await proof.digits(reference, query[3]!);
  // A case merged into the person's other one is not "withdrawn" to them (duplicates.ts).
  if (found.ok)
    return { kind: 'status', reference, state: found.record.mergedInto ? 'merged' : found.record.status };
  return found.locked
    ? text('chat.wechat.status_locked', { minutes: found.minutes })
    : text('chat.wechat.status_not_found');
}
