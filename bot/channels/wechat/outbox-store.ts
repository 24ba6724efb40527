/**
 * The WeChat outbox on disk: a reply is written here (fsync'd) before it is queued and removed
 * once WeChat took it, so a restart or crash loses no reply. The contact id and the text are
 * personal (a reply can repeat a name or a phone number): encrypted at rest like the notices.
 */
import { z } from 'zod';
import type { Store } from '../../store/collection-store.ts';

export const outboxRecordSchema = z.strictObject({
  /** The contact's or group's WeChat id. */
  contact: z.string(),
  room: z.boolean(),
  text: z.string(),
  lang: z.string(),
  /** Queued at (ms) and order within that moment: a restart sends in this order. */
  at: z.number(),
  seq: z.number(),
});
export type OutboxRecord = z.infer<typeof outboxRecordSchema>;

export const openOutboxStore = (store: Store) =>
  store.collection('wechat-outbox', outboxRecordSchema, { personal: ['contact', 'text'] });
