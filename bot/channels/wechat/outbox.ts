/**
 * Outgoing WeChat messages, paced so a county's residents never flood WeChat (which answers
 * floods with 操作过于频繁 and bans), yet nobody waits behind a pause that protects nothing:
 * - a turn's replies go as one message (split only past the length limit, see turn-text.ts);
 * - each contact has its own first-in-first-out line, so one resident's order is kept while
 *   others are served in arrival order between them;
 * - two sends are at least `globalGapMs` apart overall and `contactGapMs` apart per contact,
 *   and nothing waits after the last send (the old outbox slept after every message);
 * - a resident whose reply has waited `slowNoticeMs` gets a short "it is coming" first;
 * - with a `durable` collection every reply is on disk before it is queued and removed once
 *   sent, so a restart sends what was pending (in order, once) instead of losing it.
 * A failed send is retried with a growing delay for that contact only; while the account is
 * logged out, messages wait.
 */
import type { Collection } from '../../store/collection-store.ts';
import type { OutboxRecord } from './outbox-store.ts';
import { turnMessages } from './turn-text.ts';

export interface Sendable {
  /** The contact's or room's id (Wechaty's objects have one). */
  readonly id?: string;
  say(text: string): Promise<unknown>;
}

export interface OutboxOptions {
  /** Least time between two sends, whoever they go to (the account's budget). */
  globalGapMs: number;
  /** Least time between two sends to one contact. */
  contactGapMs: number;
  /** Longest text of one message, UTF-8 bytes; a longer turn is split between whole lines. */
  maxBytes: number;
  /** A reply waiting longer than this is announced first (0: never). */
  slowNoticeMs: number;
  /** The announcement, in the resident's language. */
  slowNotice: (lang: string) => string;
  /** Attempts per message before it is given up (and logged). */
  attempts: number;
  isOnline: () => boolean;
  onGiveUp: (error: unknown) => void;
  /** The on-disk outbox; without it (tests, the terminal) messages live in memory only. */
  durable?: Collection<OutboxRecord>;
  /** Whether a target is a group (stored with the message, to find it again after a restart). */
  isRoom?: (to: Sendable) => boolean;
  /** Finds a stored message's contact or group again after a restart. */
  find?: (r: Pick<OutboxRecord, 'contact' | 'room'>) => Promise<Sendable | undefined>;
  now?: () => number;
}

interface Item {
  /** Record id on disk; notices are not stored. */
  id?: string;
  to?: Sendable;
  address: Pick<OutboxRecord, 'contact' | 'room'>;
  text: string;
  lang: string;
  seq: number;
  queuedAt: number;
  tries: number;
  notice?: boolean;
  done: () => void;
}

interface Line {
  items: Item[];
  /** Earliest time the next send to this contact may go. */
  nextAt: number;
  /** The contact was told its reply is coming (reset when its line empties). */
  told: boolean;
}

export function createOutbox(o: OutboxOptions) {
  const now = o.now ?? Date.now;
  const lines = new Map<string, Line>();
  let seq = 0;
  let nextGlobalAt = 0;
  let running = false;
  let stopped = false;
  let restored = false;
  let sending: Item | undefined;
  let wake: (() => void) | undefined;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });

  const keyOf = (a: Item['address']) => `${a.room ? 'r' : 'c'}:${a.contact}`;

  function push(item: Item) {
    const key = keyOf(item.address);
    const line = lines.get(key) ?? { items: [], nextAt: 0, told: false };
    lines.set(key, line);
    line.items.push(item);
    wake?.();
    void drain();
  }

  /** Lines whose reply has waited too long get the notice in front (once per backlog). */
  function announce(t: number) {
    if (!o.slowNoticeMs) return;
    for (const line of lines.values()) {
      const head = line.items[0];
      if (!head || line.told || head === sending || t - head.queuedAt < o.slowNoticeMs) continue;
      line.told = true;
      const text = o.slowNotice(head.lang);
      line.items.unshift({ ...head, id: undefined, text, notice: true, tries: 0, done: () => {} });
    }
  }

  /** The line to serve now: notices first, then the oldest waiting reply; or when to look again. */
  function pick(t: number): { line: Line } | { wait: number } {
    let best: Line | undefined;
    let soonest = Number.POSITIVE_INFINITY;
    for (const line of lines.values()) {
      const head = line.items[0];
      if (!head) continue;
      if (!line.told && o.slowNoticeMs) soonest = Math.min(soonest, head.queuedAt + o.slowNoticeMs);
      if (line.nextAt > t) {
        soonest = Math.min(soonest, line.nextAt);
        continue;
      }
      const b = best?.items[0];
      if (!b || (head.notice && !b.notice) || (head.notice === b.notice && head.seq < b.seq)) best = line;
    }
    if (best && nextGlobalAt <= t) return { line: best };
    return { wait: Math.max(1, Math.min(soonest, best ? nextGlobalAt : soonest) - t) };
  }

  async function drain() {
    if (running) return;
    running = true;
    try {
      while (!stopped) {
        if (![...lines.values()].some((l) => l.items.length)) break;
        if (!o.isOnline()) {
          await sleep(200);
          continue;
        }
        const t = now();
        // Lines that are empty and past their gap are forgotten (memory stays per active contact).
        for (const [key, line] of lines) if (!line.items.length && line.nextAt <= t) lines.delete(key);
        announce(t);
        const chosen = pick(t);
        if ('wait' in chosen) {
          await sleep(chosen.wait);
          continue;
        }
        await sendHead(chosen.line, t);
      }
    } finally {
      running = false;
    }
  }

  async function sendHead(line: Line, t: number) {
    const item = line.items[0]!;
    sending = item;
    try {
      item.to ??= await o.find?.(item.address);
      if (!item.to) throw new Error('contact not found');
      await item.to.say(item.text);
      nextGlobalAt = t + o.globalGapMs;
      line.nextAt = t + o.contactGapMs;
      finish(line, item);
    } catch (e) {
      item.tries++;
      if (item.tries >= o.attempts) {
        finish(line, item);
        o.onGiveUp(e);
      } else line.nextAt = now() + Math.max(o.globalGapMs, 200) * 2 ** item.tries;
    } finally {
      sending = undefined;
    }
  }

  function finish(line: Line, item: Item) {
    const i = line.items.indexOf(item);
    if (i >= 0) line.items.splice(i, 1);
    // An empty line is kept until its gap has run, so the gap holds for the contact's next turn.
    if (!line.items.length) line.told = false;
    // Removed after it was sent: a crash in between sends it again (at least once, never lost).
    if (item.id) void o.durable?.deleteDurably(item.id).catch(() => {});
    item.done();
  }

  async function enqueue(to: Sendable, texts: string[], lang: string): Promise<void> {
    const address = { contact: to.id ?? '', room: o.isRoom?.(to) ?? false };
    const t = now();
    const keep = Boolean(o.durable && address.contact);
    const items = texts.map((text) => {
      const n = ++seq;
      return { text, seq: n, id: keep ? `m${t.toString(36)}-${n}` : undefined };
    });
    // On disk before it is queued: from here on a restart cannot lose it.
    if (keep)
      for (const x of items)
        await o.durable!.setDurably(x.id!, {
          ...address,
          text: x.text,
          lang,
          seq: x.seq,
          at: t,
        });
    await Promise.all(
      items.map(
        (x) =>
          new Promise<void>((done) =>
            push({
              id: x.id,
              to,
              address,
              text: x.text,
              lang,
              seq: x.seq,
              queuedAt: t,
              tries: 0,
              done,
            }),
          ),
      ),
    );
  }

  return {
    /** One message; resolves once it was sent (or given up). */
    send(to: Sendable, text: string, lang = 'zh'): Promise<void> {
      return enqueue(to, [text], lang);
    },
    /** A turn's replies as one message (or a few, past the length limit), in the resident's language. */
    sendTurn(to: Sendable, replies: readonly string[], lang: string): Promise<void> {
      const texts = turnMessages(replies, o.maxBytes);
      return texts.length ? enqueue(to, texts, lang) : Promise.resolve();
    },
    /**
     * What the last process left on disk, queued again in its order (call once, before new
     * messages; the contacts are looked up again when their turn comes).
     */
    async restore(): Promise<number> {
      if (!o.durable || restored) return 0;
      restored = true; // before the first await: a second login meanwhile queues nothing again
      const stored: [string, OutboxRecord][] = [];
      for await (const entry of o.durable.entries()) stored.push(entry);
      stored.sort(([, a], [, b]) => a.at - b.at || a.seq - b.seq);
      const t = now();
      for (const [id, r] of stored)
        push({
          id,
          address: { contact: r.contact, room: r.room },
          text: r.text,
          lang: r.lang,
          seq: ++seq,
          queuedAt: t,
          tries: 0,
          done: () => {},
        });
      return stored.length;
    },
    /**
     * A resident's deletion: messages still waiting for these contacts are not sent (nor kept
     * on disk). The one being sent right now is left to finish.
     */
    async forget(contactIds: ReadonlySet<string>) {
      for (const line of lines.values())
        for (const item of [...line.items]) {
          if (item === sending || !contactIds.has(item.address.contact)) continue;
          line.items.splice(line.items.indexOf(item), 1);
          item.done();
        }
      if (!o.durable) return;
      // Listed first, deleted after: a store read a page at a time must not page past a deletion.
      const theirs: string[] = [];
      for await (const [id, r] of o.durable.entries())
        if (contactIds.has(r.contact) && id !== sending?.id) theirs.push(id);
      for (const id of theirs) await o.durable.deleteDurably(id);
    },
    get pending() {
      let n = 0;
      for (const line of lines.values()) n += line.items.length;
      return n;
    },
    stop() {
      stopped = true;
      wake?.();
    },
  };
}
export type Outbox = ReturnType<typeof createOutbox>;
