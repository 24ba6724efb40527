/**
 * Which instance runs the jobs that must run once (the WeChat bot, the notice senders).
 * `Store.lead(name)` answers it: the file and memory stores are one process by construction
 * (the data directory's lock), so they lead at once and forever; PostgreSQL holds an advisory
 * lock per name (pg/leadership.ts), taken over by another instance when the holder dies.
 */
export interface Leadership {
  /** Whether this instance leads now. */
  isLeader(): boolean;
  /** Called on every change after registration (read `isLeader()` for the state now). */
  onChange(cb: (leader: boolean) => void): void;
  /** Gives up the lead (shutdown); another instance may take it. */
  release(): Promise<void>;
}

/** The lead of a store that only one process can open. */
export function soleLeadership(): Leadership {
  let leader = true;
  const callbacks: ((leader: boolean) => void)[] = [];
  return {
    isLeader: () => leader,
    onChange: (cb) => {
      callbacks.push(cb);
    },
    async release() {
      if (!leader) return;
      leader = false;
      for (const cb of callbacks) cb(false);
    },
  };
}
