/**
 * Outgoing WeChat messages, one at a time with a pause between them, so a burst of replies or
 * notices never floods WeChat (which answers floods with 操作过于频繁 and bans). A failed send
 * is retried with a growing delay; while the account is logged out, messages wait in order.
 */
export interface Sendable {
  /** The contact's or room's id (Wechaty's objects have one). */
  readonly id?: string;
  say(text: string): Promise<unknown>;
}

export interface OutboxOptions {
  /** Pause between two sends. */
  intervalMs: number;
  /** Attempts per message before it is given up (and logged). */
  attempts: number;
  isOnline: () => boolean;
  onGiveUp: (error: unknown) => void;
}

export function createOutbox(o: OutboxOptions) {
  const queue: { to: Sendable; text: string; tries: number; done: () => void }[] = [];
  let running = false;
  let stopped = false;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  async function drain() {
    if (running) return;
    running = true;
    try {
      while (queue.length && !stopped) {
        if (!o.isOnline()) {
          await sleep(Math.max(o.intervalMs, 200));
          continue;
        }
        const item = queue[0]!;
        try {
          await item.to.say(item.text);
          queue.shift();
          item.done();
        } catch (e) {
          item.tries++;
          if (item.tries >= o.attempts) {
            queue.shift();
            item.done();
            o.onGiveUp(e);
          } else {
            await sleep(o.intervalMs * 2 ** item.tries);
          }
        }
        if (o.intervalMs) await sleep(o.intervalMs);
      }
    } finally {
      running = false;
    }
  }

  return {
    /** Resolves once the message was sent (or given up). */
    send(to: Sendable, text: string): Promise<void> {
      return new Promise((done) => {
        queue.push({ to, text, tries: 0, done });
        void drain();
      });
    },
    /**
     * A resident's deletion: messages still waiting for these contacts are not sent. The one
     * being sent right now (the head, while draining) is left to finish.
     */
    forget(contactIds: ReadonlySet<string>) {
      for (let i = queue.length - 1; i >= (running ? 1 : 0); i--) {
        const id = queue[i]!.to.id;
        if (id !== undefined && contactIds.has(id)) queue.splice(i, 1)[0]!.done();
      }
    },
    get pending() {
      return queue.length;
    },
    stop() {
      stopped = true;
    },
  };
}
