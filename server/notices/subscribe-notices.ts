/**
 * Status messages to residents who made their referral in the mini-program and allowed them
 * (WeChat subscription messages): queued on disk when a caseworker changes the status, sent
 * through WeChat's subscribe-message API, retried with back-off while WeChat is unreachable,
 * and dropped when the resident deletes their data. A refusal WeChat will repeat (the resident
 * turned the messages off, a template the console no longer has) is recorded and not retried:
 * retrying it would be a storm of calls that can never succeed.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { translator } from '../../locales/i18n.ts';
import type { Person } from '../../bot/referral/delete-person.ts';
import type { ReferralRecord } from '../../bot/referral/referral-record.ts';
import type { Store } from '../../bot/store/collection-store.ts';
import { finalSendErrors, type WechatApi, WechatApiError } from '../wechat-api/wechat-api.ts';
import { claimNotice, released } from './notice-claim.ts';

export const subscribeNoticeSchema = z.strictObject({
  id: z.string(),
  reference: z.string(),
  /** The resident's openid; removed once the message is sent or finally refused. */
  openid: z.string().optional(),
  templateId: z.string(),
  lang: z.enum(['zh', 'ug', 'kk']),
  status: z.string(),
  at: z.string(),
  attempts: z.number(),
  nextAt: z.string(),
  sentAt: z.string().optional(),
  /** WeChat's error code when it refused for good (43101: not subscribed / turned off). */
  refused: z.number().optional(),
  /** When a sender took it (notice-claim.ts): no other instance sends it meanwhile. */
  claimedAt: z.string().optional(),
});
export type SubscribeNotice = z.infer<typeof subscribeNoticeSchema>;

export interface StatusTemplate {
  id: string;
  /** The template's field keys: the status (thing/phrase N) and, if it has one, the date (time/date N). */
  fields: { status: string; date?: string };
  page: string;
  state: 'formal' | 'trial' | 'developer';
}

export interface SubscribeNoticeOptions {
  template?: StatusTemplate;
  api?: WechatApi;
  baseDelayMs: number;
  maxDelayMs: number;
  now?: () => Date;
  /** A send that failed (the error code only: never the openid or the reference). */
  onError?: (attempts: number, error: string, final: boolean) => void;
  /** A pass that failed as a whole (the store could not be read or written). */
  onPassFailed?: (error: unknown) => void;
}

/** Beijing time, as WeChat shows a template's time and date fields. */
function beijing(at: string, withTime: boolean): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone: 'Asia/Shanghai',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(new Date(at))
      .map((p) => [p.type, p.value]),
  );
  const date = `${parts.year}-${parts.month}-${parts.day}`;
  return withTime ? `${date} ${parts.hour}:${parts.minute}` : date;
}

/**
 * The template's data: a thing field (any text up to 20 characters) in the resident's language,
 * a phrase field (up to 5 Chinese characters) in Chinese, which is all WeChat accepts there.
 */
/** WeChat's "argument invalid": for a subscribe message, a field's value it does not take. */
const invalidDataError = 47003;

export function templateData(t: StatusTemplate, n: Pick<SubscribeNotice, 'lang' | 'status' | 'at'>) {
  const phrase = t.fields.status.startsWith('phrase');
  const text = phrase
    ? translator('zh')(`api.miniprogram.notice.phrase.${n.status}`)
    : translator(n.lang)(`api.miniprogram.notice.thing.${n.status}`);
  const data: Record<string, { value: string }> = {
    [t.fields.status]: { value: [...text].slice(0, phrase ? 5 : 20).join('') },
  };
  if (t.fields.date) data[t.fields.date] = { value: beijing(n.at, t.fields.date.startsWith('time')) };
  return data;
}

export async function subscribeNotices(store: Store, o: SubscribeNoticeOptions) {
  // The openid identifies the resident: encrypted at rest like the referral's.
  // Columns so the waiting messages are a query, not a walk through every message ever sent.
  const queue = await store.collection('subscribe-notices', subscribeNoticeSchema, {
    personal: ['openid'],
    columns: {
      state: (n) => (n.sentAt || n.refused !== undefined ? 'done' : 'pending'),
      reference: (n) => n.reference,
    },
  });
  const now = o.now ?? (() => new Date());
  let timer: NodeJS.Timeout | undefined;
  let running = false;

  const due = (n: SubscribeNotice) =>
    Boolean(n.openid) && !n.sentAt && n.refused === undefined && new Date(n.nextAt) <= now();
  /** The outcome, written only onto a message still queued (deleted meanwhile: it stays gone). */
  const record = (id: string, change: (cur: SubscribeNotice) => SubscribeNotice, durable = false) =>
    queue.update(id, (cur) => (cur ? change(cur) : undefined), { durable });

  /** Sends one message this instance has claimed, then records the outcome and releases the claim. */
  async function deliver(n: SubscribeNotice, t: StatusTemplate, api: WechatApi): Promise<void> {
    let error: unknown;
    try {
      await api.sendSubscribe({
        touser: n.openid ?? '',
        template_id: n.templateId,
        page: t.page,
        data: templateData(t, n),
        miniprogram_state: t.state,
      });
    } catch (e) {
      error = e;
    }
    const at = now();
    const withoutOpenid = ({ openid: _o, ...rest }: SubscribeNotice): SubscribeNotice => released(rest);
    if (error === undefined) {
      // Sent is final: on disk at once, so a crash now never sends it a second time.
      await record(
        n.id,
        (cur) => withoutOpenid({ ...cur, attempts: n.attempts + 1, sentAt: at.toISOString() }),
        true,
      );
      return;
    }
    const errcode = error instanceof WechatApiError ? error.errcode : undefined;
    // WeChat documents a thing field as "汉字、数字、字母或符号": if it refuses the Uyghur or Kazakh
    // text as invalid data (47003), the resident still hears of the change, in Chinese, at once.
    if (errcode === invalidDataError && n.lang !== 'zh' && !t.fields.status.startsWith('phrase')) {
      // Still claimed by this instance: the second send is part of the same turn.
      const inChinese = await record(n.id, (cur) => ({ ...cur, lang: 'zh', attempts: n.attempts + 1 }));
      if (!inChinese) return;
      o.onError?.(n.attempts + 1, `WeChat error ${errcode}; sent again in Chinese`, false);
      return deliver(inChinese, t, api);
    }
    if (errcode !== undefined && finalSendErrors.has(errcode)) {
      // Refused is final too: on disk before it is reported.
      const refused = await record(
        n.id,
        (cur) => withoutOpenid({ ...cur, attempts: n.attempts + 1, refused: errcode }),
        true,
      );
      if (!refused) return;
      o.onError?.(n.attempts + 1, `WeChat error ${errcode}`, true);
      return;
    }
    const attempts = n.attempts + 1;
    const delay = Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** (attempts - 1));
    const kept = await record(n.id, (cur) =>
      released({ ...cur, attempts, nextAt: new Date(at.getTime() + delay).toISOString() }),
    );
    if (kept)
      o.onError?.(attempts, errcode !== undefined ? `WeChat error ${errcode}` : (error as Error).name, false);
  }

  async function dispatchDue() {
    const t = o.template;
    if (running || !t || !o.api) return;
    running = true;
    try {
      const waiting = (await queue.find({ state: 'pending' })).filter(due);
      for (const { id } of waiting) {
        // Another instance may have sent it since the query: only a claim made here sends.
        const mine = await claimNotice(queue, id, due, now());
        if (mine) await deliver(mine, t, o.api);
      }
    } finally {
      running = false;
    }
  }

  return {
    queue,
    dispatchDue,
    /** A caseworker changed the status: queued (on disk) if the resident allowed the template. */
    async statusChanged(r: ReferralRecord) {
      const t = o.template;
      const m = r.miniprogram;
      if (!t || !m || !m.templates.includes(t.id)) return;
      const at = now().toISOString();
      const id = randomUUID();
      await queue.setDurably(id, {
        id,
        reference: r.reference,
        openid: m.openid,
        templateId: t.id,
        lang: r.lang,
        status: r.status,
        at: r.updatedAt ?? at,
        attempts: 0,
        nextAt: at,
      });
      // Sent now rather than at the next tick; a failed pass is reported, the timer tries again.
      void dispatchDue().catch((e) => o.onPassFailed?.(e));
    },
    /** A resident's deletion: their messages go, sent or not, so no retry carries their openid. */
    async forget({ references }: Person) {
      for (const reference of references)
        for (const n of await queue.find({ reference })) await queue.deleteDurably(n.id);
    },
    pending: () => queue.find({ state: 'pending' }),
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
export type SubscribeNotices = Awaited<ReturnType<typeof subscribeNotices>>;
