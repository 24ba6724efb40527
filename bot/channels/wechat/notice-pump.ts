/**
 * Delivers what waits for WeChat: status changes to residents (in their language) and
 * new-referral notices to townships' staff contacts or groups. A notice stays queued until it
 * is sent: WeChat may be offline for days, and nothing is lost meanwhile.
 */
import type { Collection } from '../../store/collection-store.ts';
import { translator } from '../../../locales/i18n.ts';
import type { WechatChannel } from './wechat-channel.ts';

interface ResidentNotice {
  id: string;
  channel: string;
  contact: string;
  lang: 'zh' | 'ug' | 'kk';
  key: string;
  params: Record<string, string>;
  attempts: number;
  sentAt?: string;
}
interface StaffNotice {
  id: string;
  channel: 'webhook' | 'wechat';
  place: string;
  payload: {
    reference: string;
    township: string;
    village: string;
    programs: string[];
    link: string;
    county: string;
  };
  attempts: number;
  deliveredAt?: string;
}

export interface NoticePumpOptions {
  channel: WechatChannel;
  residentNotices: Collection<ResidentNotice>;
  staffNotices: Collection<StaffNotice>;
  /** The WeChat contact or group name configured for a place (county--township). */
  staffTarget: (place: string) => Promise<string | undefined> | string | undefined;
  townshipName: (county: string, township: string) => string;
  now?: () => Date;
}

/** One pass over both queues; returns how many were sent. */
export async function pumpNotices(o: NoticePumpOptions): Promise<number> {
  const now = () => (o.now ?? (() => new Date()))().toISOString();
  let sent = 0;
  for await (const n of o.residentNotices.values()) {
    if (n.sentAt || n.channel !== 'wechat') continue;
    const t = translator(n.lang);
    const text = t('chat.wechat.status_update', { reference: n.params.reference ?? '', state: t(n.key) });
    const ok = await o.channel.sendTo({ contactId: n.contact }, text);
    // One change of the notice as it is now: deleted meanwhile (the resident asked for
    // deletion), it is not written back.
    await o.residentNotices.update(n.id, (current) =>
      current ? { ...current, attempts: current.attempts + 1, ...(ok ? { sentAt: now() } : {}) } : undefined,
    );
    if (ok) sent++;
  }
  for await (const n of o.staffNotices.values()) {
    if (n.deliveredAt || n.channel !== 'wechat') continue;
    const target = await o.staffTarget(n.place);
    if (!target) continue;
    // Staff groups read Chinese; no names, numbers or health details, only where to look.
    const t = translator('zh');
    const p = n.payload;
    const text = t('chat.wechat.staff_notice', {
      reference: p.reference,
      place: [o.townshipName(p.county, p.township), p.village].filter(Boolean).join(' '),
      programs: p.programs.map((id) => t(`programs.${id}`)).join(t('cli.listSeparator')),
      link: p.link,
    });
    const ok = await o.channel.sendTo({ name: target }, text);
    await o.staffNotices.update(n.id, (current) =>
      current
        ? { ...current, attempts: current.attempts + 1, ...(ok ? { deliveredAt: now() } : {}) }
        : undefined,
    );
    if (ok) sent++;
  }
  return sent;
}
