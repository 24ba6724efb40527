/**
 * The jobs that must run on exactly one instance: the WeChat bot (one login per account) and the
 * senders of township and mini-program notices. They run while this instance holds the store's
 * lead named "senders" (lowdb: always, one process owns the files; PostgreSQL: an advisory lock,
 * taken over by another instance within seconds of this one dying) and stop when it is lost.
 * Notices are also claimed one by one (notice-claim.ts), so a lead lost mid-pass sends nothing twice.
 */
import type { Logger } from 'pino';
import type { Leadership } from '../bot/store/leadership.ts';

export interface Job {
  start(): Promise<void> | void;
  stop(): Promise<void> | void;
}

export interface Senders {
  /** Whether this instance runs them now. */
  running(): boolean;
  /** Stops them and gives the lead up (shutdown). */
  stop(): Promise<void>;
}

export async function runWhileLeading(lead: Leadership, jobs: readonly Job[], log: Logger): Promise<Senders> {
  let running = false;
  // Start and stop one after another: a lead lost during a start stops what that start began.
  let chain: Promise<void> = Promise.resolve();
  const follow = (leader: boolean) => {
    chain = chain.then(async () => {
      if (leader === running) return;
      running = leader;
      for (const job of jobs) {
        try {
          await (leader ? job.start() : job.stop());
        } catch (e) {
          log.error({ err: e }, leader ? 'a sender did not start' : 'a sender did not stop');
        }
      }
      log.info(
        { leader },
        leader
          ? 'this instance runs WeChat and the notice senders'
          : 'senders stopped: another instance leads',
      );
    });
    return chain;
  };
  lead.onChange((leader) => void follow(leader));
  if (lead.isLeader()) await follow(true);
  else log.info({}, 'another instance runs WeChat and the notice senders; this one waits to take over');
  return {
    running: () => running,
    async stop() {
      await follow(false);
      await lead.release();
    },
  };
}
