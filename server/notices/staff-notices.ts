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
}

export async function staffNotices(store: Store, o: StaffNoticeOptions) {
  const settings: Collection<NoticeSettings> = await store.collection(
    'staff-notice-settings',
    noticeSettingsSchema,
  );
  // The village is the resident's own words: encrypted at rest like the referral's.
  const queue: Collection<StaffNotice> = await store.collection('staff-notices', staffNoticeSchema, {
    personal: ['payload.village'],
  });
  const now = o.now ?? (() => new Date());
  const post = o.fetch ?? fetch;
  let timer: NodeJS.Timeout | undefined;
  let running = false;

  async function enqueue(r: ReferralRecord) {
    const place = placeKey(r.jurisdiction, r.township);
    const s = settings.get(place);
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
      // Keyed by reference and channel: the same referral never makes a second notice.
      if (queue.get(id)) continue;
      await queue.setDurably(id, { id, channel, place, payload, attempts: 0, nextAt: now().toISOString() });
    }
  }

  async function deliver(n: StaffNotice): Promise<void> {
    const s = settings.get(n.place);
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
    if (!error) {
      if (!queue.get(n.id)) return;
      await queue.setDurably(n.id, { ...n, attempts: n.attempts + 1, deliveredAt: at.toISOString() });
      return;
    }
    // Deleted while it was being sent (the resident asked for deletion): it stays gone.
    if (!queue.get(n.id)) return;
    const attempts = n.attempts + 1;
    const delay = Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** (attempts - 1));
    queue.set(n.id, {
      ...n,
      attempts,
      lastError: error.slice(0, 200),
      nextAt: new Date(at.getTime() + delay).toISOString(),
    });
    o.onError?.(n, error);
  }

  /** One pass: every webhook notice that is due. (WeChat notices wait for the WeChat channel.) */
  async function dispatchDue() {
    if (running) return;
    running = true;
    try {
      const due = [...queue.values()].filter(
        (n) => n.channel === 'webhook' && !n.deliveredAt && new Date(n.nextAt) <= now(),
      );
      for (const n of due) await deliver(n);
    } finally {
      running = false;
    }
  }

  return {
    settings,
    queue,
    enqueue,
    dispatchDue,
    /** A resident's deletion: their notices go, sent or not, so no retry carries their village. */
    async forget({ references }: Person) {
      for (const [id, n] of [...queue.entries()])
        if (references.has(n.payload.reference)) await queue.deleteDurably(id);
    },
    pending: () => [...queue.values()].filter((n) => !n.deliveredAt),
    /** Sets a township's settings; a webhook without a secret gets a random one. */
    async configure(county: string, township: string, s: NoticeSettings) {
      const current = settings.get(placeKey(county, township));
      const next: NoticeSettings = {
        ...(s.webhookUrl
          ? {
              webhookUrl: s.webhookUrl,
              secret: s.secret || current?.secret || randomBytes(24).toString('base64url'),
            }
          : {}),
        ...(s.wechat ? { wechat: s.wechat } : {}),
      };
      await settings.setDurably(placeKey(county, township), next);
      return next;
    },
    start(intervalMs = 1000) {
      timer = setInterval(() => void dispatchDue(), intervalMs);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
    },
  };
}
export type StaffNotices = Awaited<ReturnType<typeof staffNotices>>;
