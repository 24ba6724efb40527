/**
 * Telling residents that their referral moved on, in their language, through the channel they
 * used. The web status page reads the referral itself, so a web referral needs no message;
 * a WeChat referral gets a queued message, kept until the WeChat channel has sent it
 * (WeChat may be offline for days: the queue is on disk).
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { ReferralRecord } from '../../bot/referral/referral-record.ts';
import type { Person } from '../../bot/referral/delete-person.ts';
import type { Store } from '../../bot/store/collection-store.ts';
import { claimNotice } from './notice-claim.ts';

export const noticeSchema = z.strictObject({
  id: z.string(),
  reference: z.string(),
  channel: z.string(),
  contact: z.string(),
  lang: z.enum(['zh', 'ug', 'kk']),
  /** i18n key and values of the message (rendered by the channel in the resident's language). */
  key: z.string(),
  params: z.record(z.string(), z.string()),
  createdAt: z.string(),
  attempts: z.number(),
  sentAt: z.string().optional(),
  /** When a sender took it (notice-claim.ts): no other instance sends it meanwhile. */
  claimedAt: z.string().optional(),
});
export type ResidentNotice = z.infer<typeof noticeSchema>;

export async function residentNotices(store: Store) {
  // The WeChat contact id identifies the resident: encrypted at rest like the referral's.
  const queue = await store.collection('resident-notices', noticeSchema, { personal: ['contact'] });
  return {
    queue,
    /**
     * Takes a WeChat notice to send (the WeChat channel's pump): the notice, or undefined when
     * it is sent, gone or another instance's. Two instances never send one message twice.
     */
    claim: (id: string, now = new Date()) =>
      claimNotice(queue, id, (n) => !n.sentAt && n.channel === 'wechat', now),
    /** A resident's deletion: messages still waiting for them (or about their referral) go. */
    async forget({ references, contacts }: Person) {
      // The contact is encrypted (no column): those are found by walking the queue.
      const theirs: string[] = [];
      for await (const [id, n] of queue.entries())
        if (references.has(n.reference) || contacts.has(n.contact)) theirs.push(id);
      for (const id of theirs) await queue.deleteDurably(id);
    },
    async statusChanged(r: ReferralRecord) {
      if (r.channel === 'web' || !r.contact) return;
      const notice: ResidentNotice = {
        id: randomUUID(),
        reference: r.reference,
        channel: r.channel,
        contact: r.contact,
        lang: r.lang,
        key: `web.status.states.${r.status}`,
        params: { reference: r.reference },
        createdAt: new Date().toISOString(),
        attempts: 0,
      };
      await queue.set(notice.id, notice);
    },
  };
}
export type ResidentNotices = Awaited<ReturnType<typeof residentNotices>>;
