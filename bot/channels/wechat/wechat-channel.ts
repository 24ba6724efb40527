/**
 * The WeChat channel: a thin adapter from Wechaty events to the dialog engine, like the web
 * page and the terminal. One-to-one chats run the questionnaire; in groups it answers only
 * when mentioned. Each message id is handled once (duplicate events after a reconnect change
 * nothing), one resident's messages in order, each resident rate-limited, each turn's replies
 * as one message through the paced, on-disk outbox (outbox.ts). Voice, images and files get a "text, please" and are not kept.
 * Status questions need the reference and phone digits: a contact id alone discloses nothing.
 */
import { createHash } from 'node:crypto';
import type { Wechaty as WechatyInterface } from 'wechaty';
import type {
  Contact as ContactInterface,
  Message as MessageInterface,
  Room as RoomInterface,
} from 'wechaty/users';
import { types } from 'wechaty';
import { z } from 'zod';
import { type Language, languages, translator } from '../../../locales/i18n.ts';
import { renderReplies } from '../../dialog/render.ts';
import type { Session } from '../../dialog/session.ts';
import { sessionLoop } from '../../dialog/session-loop.ts';
import type { DialogDeps } from '../../dialog/transition.ts';
import { type ContactProof, contactProof, statusGuessLimit } from '../../referral/contact-proof.ts';
import type { ReferralRecord } from '../../referral/referral-record.ts';
import type { Collection } from '../../store/collection-store.ts';
import { createOutbox, type Sendable } from './outbox.ts';
import type { OutboxRecord } from './outbox-store.ts';
import { perResidentLimit } from './rate-limit.ts';

export const seenSchema = z.strictObject({ at: z.number() });

export interface WechatState {
  status: 'starting' | 'scan' | 'online' | 'offline';
  /** The login QR code's content while waiting for a scan. */
  qr?: string;
  user?: string;
  lastError?: string;
  since: string;
}

export interface WechatChannelOptions {
  bot: WechatyInterface;
  dialog: DialogDeps;
  sessions: Collection<Session>;
  referrals: Collection<ReferralRecord>;
  /**
   * Reference + digits checks, wrong tries counted per reference: the server passes the one the
   * status page uses, so guesses over both add up. Default: one of the channel's own.
   */
  proof?: ContactProof;
  /** Message ids already handled (kept a few days). */
  seen: Collection<z.infer<typeof seenSchema>>;
  log: {
    info: (o: object, m: string) => void;
    warn: (o: object, m: string) => void;
    error: (o: object, m: string) => void;
  };
  /** How replies are paced (server/config.ts: WECHAT_*). */
  pacing: WechatPacing;
  /** The outbox on disk (outbox-store.ts); without it replies wait in memory only. */
  outbox?: Collection<OutboxRecord>;
  messagesPerMinute: number;
  /** Prints the login QR code (the terminal). */
  showQr?: (qr: string) => void;
}

export interface WechatPacing {
  /** Sends per minute over all residents: the account's budget. */
  sendsPerMinute: number;
  /** Least time between two messages to one contact. */
  contactGapMs: number;
  /** Longest message, UTF-8 bytes; a longer turn is split. */
  maxBytes: number;
  /** A resident waiting longer than this is told the reply is coming (0: never). */
  slowNoticeMs: number;
}

/** Session ids from contact ids: fixed length, only id-safe characters, not the raw WeChat id. */
export const sessionIdFor = (key: string) =>
  `wx-${createHash('sha256').update(key).digest('base64url').slice(0, 32)}`;

const languageOf = (lang: string): Language =>
  (languages as readonly string[]).includes(lang) ? (lang as Language) : 'zh';

export function startWechatChannel(o: WechatChannelOptions) {
  const { bot, log } = o;
  const state: WechatState = { status: 'starting', since: new Date().toISOString() };
  const outbox = createOutbox({
    globalGapMs: Math.ceil(60_000 / o.pacing.sendsPerMinute),
    contactGapMs: o.pacing.contactGapMs,
    maxBytes: o.pacing.maxBytes,
    slowNoticeMs: o.pacing.slowNoticeMs,
    slowNotice: (lang) => translator(languageOf(lang))('chat.wechat.reply_coming'),
    durable: o.outbox,
    isRoom: (to) => typeof (to as Partial<RoomInterface>).topic === 'function',
    find: async (a) =>
      (a.room ? await bot.Room.find({ id: a.contact }) : await bot.Contact.find({ id: a.contact })) ??
      undefined,
    attempts: 4,
    isOnline: () => state.status === 'online',
    onGiveUp: (e) => log.warn({ err: String(e) }, 'wechat message not sent after retries'),
  });
  const limit = perResidentLimit(o.messagesPerMinute);
  const proof =
    o.proof ?? contactProof({ ...statusGuessLimit, find: (r) => o.referrals.get(r), onLocked: () => {} });
  // Status questions ("TE-4F7K2M9Q 1234") are answered by the loop, before the dialog.
  const loop = sessionLoop({ sessions: o.sessions, dialog: o.dialog, proof });
  const chains = new Map<string, Promise<void>>();
  const set = (s: Partial<WechatState>) => Object.assign(state, s, { since: new Date().toISOString() });

  bot.on('scan', (qr, status) => {
    set({ status: 'scan', qr });
    log.info({ status }, 'wechat: scan the QR code to log in (terminal, or the county admin page)');
    if (status === types.ScanStatus.Waiting || status === types.ScanStatus.Timeout) o.showQr?.(qr);
  });
  bot.on('login', (user) => {
    set({ status: 'online', user: user.name(), qr: undefined });
    log.info({}, 'wechat: logged in');
    // Replies the last process had not sent yet go first (once: a re-login keeps the queue).
    // Not awaited: an event handler; a store that cannot be read is logged, not thrown away.
    void outbox
      .restore()
      .then((restored) => {
        if (restored) log.info({ restored }, 'wechat: sending replies queued before the restart');
      })
      .catch((e) => log.error({ err: String(e) }, 'wechat: queued replies not restored'));
  });
  bot.on('logout', () => {
    set({ status: 'offline' });
    log.warn({}, 'wechat: logged out; the web page keeps working');
  });
  // Without an error listener Wechaty dies silently on the first failure.
  bot.on('error', (e) => {
    set({ lastError: String((e as Error).message ?? e).slice(0, 200) });
    log.error({ err: state.lastError }, 'wechat error');
  });
  bot.on('friendship', async (f) => {
    try {
      if (f.type() !== types.Friendship.Receive) return;
      await f.accept();
      const greeting = languages.map((l) => translator(l)('chat.wechat.friend_greeting')).join('\n\n');
      await outbox.send(f.contact(), greeting);
    } catch (e) {
      log.warn({ err: String(e) }, 'wechat: friend request not accepted');
    }
  });
  bot.on('message', (msg) => {
    void onMessage(msg).catch((e) => log.error({ err: String(e) }, 'wechat message failed'));
  });

  async function onMessage(msg: MessageInterface) {
    if (msg.self()) return; // our own replies come back as messages too
    // Marked and checked as one change: a duplicate event arriving at once is still handled once.
    let first = false;
    await o.seen.update(msg.id, (seen) => {
      if (seen) return undefined;
      first = true;
      return { at: Date.now() };
    });
    if (!first) return;
    const room = msg.room();
    if (room && !(await msg.mentionSelf())) return;
    const talker = msg.talker();
    const key = room ? `${room.id}/${talker.id}` : talker.id;
    // Counted on arrival: a flood is dropped at once, instead of queueing behind itself for
    // minutes and holding the outbox. The first message over the limit gets one warning.
    const allowed = limit.allow(key);
    if (!allowed.ok) {
      if (allowed.warn) await inOrder(key, () => warnTooFast(key, room ?? talker));
      return;
    }
    await inOrder(key, () => reply(msg, key, talker, room));
  }

  /** One resident's messages strictly in order; different residents in parallel. */
  async function inOrder(key: string, work: () => Promise<void>) {
    const previous = chains.get(key) ?? Promise.resolve();
    const next = previous.then(work).catch((e) => log.error({ err: String(e) }, 'wechat reply failed'));
    chains.set(key, next);
    await next;
    if (chains.get(key) === next) chains.delete(key);
  }

  async function warnTooFast(key: string, to: Sendable) {
    const lang: Language = (await loop.peek(sessionIdFor(key)))?.lang ?? 'zh';
    await outbox.send(to, translator(lang)('chat.wechat.too_fast'), lang);
  }

  async function reply(
    msg: MessageInterface,
    key: string,
    talker: ContactInterface,
    room: RoomInterface | undefined,
  ) {
    const to = room ?? talker;
    const who = sessionIdFor(key);
    if (msg.type() !== types.Message.Text) {
      const lang: Language = (await loop.peek(who))?.lang ?? 'zh';
      await outbox.send(to, translator(lang)('chat.wechat.text_only'), lang);
      return;
    }
    const text = (room ? await msg.mentionText() : msg.text()).trim();
    if (!text) return;
    // The contact id goes with the session (for status notices), never into what we disclose.
    const out = await loop.turn({ who, text, lang: 'zh', contact: talker.id });
    if (out.missing) return;
    // One message per turn: the outbox joins the turn's replies (turn-text.ts).
    await outbox.sendTurn(to, renderReplies(out.replies, out.lang), out.lang);
  }

  return {
    state: () => ({ ...state }),
    outbox,
    /** Sends a text to a contact by id, or a room / contact by its name (staff groups). */
    async sendTo(target: { contactId?: string; name?: string }, text: string): Promise<boolean> {
      if (state.status !== 'online') return false;
      const found: RoomInterface | ContactInterface | undefined = target.contactId
        ? await bot.Contact.find({ id: target.contactId })
        : ((await bot.Room.find({ topic: target.name ?? '' })) ??
          (await bot.Contact.find({ name: target.name ?? '' })));
      if (!found) return false;
      await outbox.send(found, text);
      return true;
    },
    stop() {
      outbox.stop();
    },
  };
}
export type WechatChannel = ReturnType<typeof startWechatChannel>;
