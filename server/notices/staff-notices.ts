/**
 * New-referral notices to a township's staff: a webhook (JSON, signed with HMAC-SHA256,
 * retried with exponential back-off until it is delivered) and/or a WeChat contact or group
 * (queued here, sent by the WeChat channel when it runs). A notice carries the reference,
 * village, programs and a link — never a name, ID or phone number or a health detail. The queue
 * is on disk: a restart, or a receiver down for a day, loses nothing.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { ReferralRecord } from '../../bot/referral/referral-record.ts';
import type { Collection, Store } from '../../bot/store/collection-store.ts';
import type { Person } from '../../bot/referral/delete-person.ts';
import { isReferred } from '../../rules/explain/result-view.ts';
import { claimNotice, released } from './notice-claim.ts';

export const noticeSettingsSchema = z.strictObject({
  webhookUrl: z.string().optional(),
  secret: z.string().optional(),
  wechat: z.string().optional(),
});
export type NoticeSettings = z.infer<typeof noticeSettingsSchema>;

export const staffNoticeSchema = z.strictObject({
  id: z.string(),
  channel: z.enum(['webhook', 'wechat']),
  /** The settings key (placeKey). */
  place: z.string(),
  payload: z.strictObject({
    type: z.literal('referral.created'),
    reference: z.string(),
    kind: z.string(),
    county: z.string(),
    township: z.string(),
    village: z.string(),
    programs: z.array(z.string()),
    link: z.string(),
    createdAt: z.string(),
  }),
  attempts: z.number(),
  nextAt: z.string(),
  deliveredAt: z.string().optional(),
  lastError: z.string().optional(),
  /** When a sender took it (notice-claim.ts): no other instance sends it meanwhile. */
  claimedAt: z.string().optional(),
});
export type StaffNotice = z.infer<typeof staffNoticeSchema>;

/** A webhook must be https (or plain http to this machine, for a local relay). */
export function validWebhookUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return (
      u.protocol === 'https:' ||
      (u.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname))
    );
  } catch {
    return false;
  }
}

/** The settings key of a township (store ids allow only letters, digits, - and _). */
export const placeKey = (county: string, township: string | undefined) => `${county}--${township || 'none'}`;

/** The signature a receiver checks: hex HMAC-SHA256 of "<timestamp>.<body>" with the township's secret. */
export function signature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export interface StaffNoticeOptions {
  publicUrl: () => string;
  /** First retry delay; doubles each time up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  now?: () => Date;
  fetch?: typeof fetch;
  onError?: (notice: StaffNotice, error: string) => void;
  /** A pass that failed as a whole (the store could not be read or written). */
  onPassFailed?: (error: unknown) => void;
}

export async function staffNotices(store: Store, o: StaffNoticeOptions) {
  const settings: Collection<NoticeSettings> = await store.collection(
    'staff-notice-settings',
    noticeSettingsSchema,
  );
  // The village is the resident's own words: encrypted at rest like the referral's.
  // Columns so the pending webhooks are a query, not a walk through every notice ever sent.
  const queue: Collection<StaffNotice> = await store.collection('staff-notices', staffNoticeSchema, {
    personal: ['payload.village'],
    columns: {
      channel: (n) => n.channel,
      state: (n) => (n.deliveredAt ? 'delivered' : 'pending'),
      reference: (n) => n.payload.reference,
    },
  });
  const now = o.now ?? (() => new Date());
  const post = o.fetch ?? fetch;
  let timer: NodeJS.Timeout | undefined;
  let running = false;

  async function enqueue(r: ReferralRecord) {
    const place = placeKey(r.jurisdiction, r.township);
    const s = await settings.get(place);
    if (!s) return;
    const payload = {
      type: 'referral.created' as const,
      reference: r.reference,
      kind: r.kind,
      county: r.jurisdiction,
      township: r.township ?? '',
      village: r.village ?? '',
      programs: r.programs.filter((p) => isReferred(p.verdict)).map((p) => p.id),
      link: `${o.publicUrl()}/staff/referrals/${r.reference}`,
      createdAt: r.createdAt,
    };
    for (const channel of ['webhook', 'wechat'] as const) {
      if (channel === 'webhook' ? !s.webhookUrl : !s.wechat) continue;
      const id = `${r.reference}-${channel}`;
      // Keyed by reference and channel: the same referral never makes a second notice (an
      // insert, so two instances enqueueing at once still store one).
      await queue.insertDurably(id, {
        id,
        channel,
        place,
        payload,
        attempts: 0,
        nextAt: now().toISOString(),
      });
    }
  }

  const due = (n: StaffNotice) => n.channel === 'webhook' && !n.deliveredAt && new Date(n.nextAt) <= now();

  /** Sends one notice this instance has claimed, then records the outcome and releases the claim. */
  async function deliver(n: StaffNotice): Promise<void> {
    const s = await settings.get(n.place);
    const at = now();
    let error: string | undefined;
    if (!s?.webhookUrl || !s.secret) error = 'not configured';
    else {
      const body = JSON.stringify(n.payload);
      const timestamp = String(Math.floor(at.getTime() / 1000));
      try {
        const res = await post(s.webhookUrl, {
          method: 'POST',
          body,
          headers: {
            'content-type': 'application/json',
            'x-notice-id': n.id,
            'x-timestamp': timestamp,
            'x-signature-256': signature(s.secret, timestamp, body),
          },
          signal: AbortSignal.timeout(10_000),
          redirect: 'error',
        });
        if (!res.ok) error = `HTTP ${res.status}`;
        await res.body?.cancel();
      } catch (e) {
        error = (e as Error).message;
      }
    }
    // Deleted while it was being sent (the resident asked for deletion): it stays gone, so
    // the outcome is written only onto a notice still there.
    if (!error) {
      // Delivered is told to nobody, but a crash now must not send it again: on disk at once.
      await queue.update(
        n.id,
        (cur) =>
          cur ? released({ ...cur, attempts: n.attempts + 1, deliveredAt: at.toISOString() }) : undefined,
        { durable: true },
      );
      return;
    }
    const attempts = n.attempts + 1;
    const delay = Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** (attempts - 1));
    const kept = await queue.update(n.id, (cur) =>
      cur
        ? released({
            ...cur,
            attempts,
            lastError: error.slice(0, 200),
            nextAt: new Date(at.getTime() + delay).toISOString(),
          })
        : undefined,
    );
    if (kept) o.onError?.(n, error);
  }

  /** One pass: every webhook notice that is due. (WeChat notices wait for the WeChat channel.) */
  async function dispatchDue() {
    if (running) return;
    running = true;
    try {
      const waiting = (await queue.find({ channel: 'webhook', state: 'pending' })).filter(due);
      for (const { id } of waiting) {
        // Another instance may have sent it since the query: only a claim made here sends.
        const mine = await claimNotice(queue, id, due, now());
        if (mine) await deliver(mine);
      }
    } finally {
      running = false;
    }
  }

  return {
    settings,
    queue,
    enqueue,
    dispatchDue,
    /**
     * Takes a WeChat notice to send (the WeChat channel's pump): the notice, or undefined when
     * it is delivered, gone or another instance's. Two instances never send one message twice.
     */
    claimWechat: (id: string) =>
      claimNotice(queue, id, (n) => n.channel === 'wechat' && !n.deliveredAt, now()),
    /** A resident's deletion: their notices go, sent or not, so no retry carries their village. */
    async forget({ references }: Person) {
      for (const reference of references)
        for (const n of await queue.find({ reference })) await queue.deleteDurably(n.id);
    },
    pending: () => queue.find({ state: 'pending' }),
    /** Sets a township's settings; a webhook without a secret gets a random one. */
    async configure(county: string, township: string, s: NoticeSettings) {
      const key = placeKey(county, township);
      // One change: two admins saving at once never leave a secret neither was shown.
      // A township's settings are acknowledged on the page: on disk before that.
      const next = await settings.update(
        key,
        (current) => ({
          ...(s.webhookUrl
            ? {
                webhookUrl: s.webhookUrl,
                secret: s.secret || current?.secret || randomBytes(24).toString('base64url'),
              }
            : {}),
          ...(s.wechat ? { wechat: s.wechat } : {}),
        }),
        { durable: true },
      );
      return next as NoticeSettings;
    },
    start(intervalMs = 1000) {
      // Fire and forget on a timer; a failed pass is reported and the next one tries again.
      timer = setInterval(() => void dispatchDue().catch((e) => o.onPassFailed?.(e)), intervalMs);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
    },
  };
}
export type StaffNotices = Awaited<ReturnType<typeof staffNotices>>;
