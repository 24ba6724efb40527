/**
 * One leader per name among every instance on a database: a session-level advisory lock held
 * on a connection of its own (never the pool's, whose connections come and go). PostgreSQL
 * releases the lock the moment that session ends, so when the leader dies (SIGKILL, a lost
 * machine once TCP keep-alive notices) another instance, asking every second, takes over.
 *
 * The holder checks its connection every second too: a connection that errors or ends means
 * the lock may be gone, so leadership is given up at once (callbacks get false), then the
 * instance reconnects and asks again like any other.
 */
import pg from 'pg';
import type { Leadership } from '../leadership.ts';
import { lockKey } from './lock-key.ts';

export interface LeadershipOptions {
  /** How often to ask for the lock (and, as leader, check the connection), ms. */
  intervalMs?: number;
  /** Reported when the lock's connection fails (health, logs). */
  onError?: (error: unknown) => void;
}

export async function pgLeadership(
  url: string,
  name: string,
  options: LeadershipOptions = {},
): Promise<Leadership> {
  const intervalMs = options.intervalMs ?? 1000;
  const key = lockKey(`lead ${name}`);
  const callbacks: ((leader: boolean) => void)[] = [];
  let leader = false;
  let client: pg.Client | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const become = (next: boolean) => {
    if (leader === next) return;
    leader = next;
    for (const cb of callbacks) cb(next);
  };
  /** The connection is suspect: drop it and the lead it held. */
  const lose = (which: pg.Client, error?: unknown) => {
    if (client !== which) return;
    client = undefined;
    which.end().catch(() => {});
    if (error !== undefined) options.onError?.(error);
    become(false);
  };

  const connect = async () => {
    const fresh = new pg.Client({ connectionString: url, keepAlive: true, query_timeout: 5000 });
    fresh.on('error', (e) => lose(fresh, e));
    fresh.on('end', () => lose(fresh));
    client = fresh;
    await fresh.connect();
    return fresh;
  };
  /** One step, never two at once (the loop waits for it): ask for the lock, or check the connection. */
  const attempt = async () => {
    let c = client;
    try {
      c ??= await connect();
      if (!leader) {
        const { rows } = await c.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS ok', [
          key,
        ]);
        if (rows[0]?.ok && !stopped) become(true);
      } else await c.query('SELECT 1');
    } catch (e) {
      if (client) lose(client, e);
      else options.onError?.(e);
    }
  };
  const loop = async () => {
    await attempt();
    if (!stopped) {
      timer = setTimeout(() => void loop(), intervalMs);
      timer.unref();
    }
  };

  await attempt();
  if (!stopped) {
    timer = setTimeout(() => void loop(), intervalMs);
    timer.unref();
  }
  return {
    isLeader: () => leader,
    onChange: (cb) => {
      callbacks.push(cb);
    },
    async release() {
      stopped = true;
      clearTimeout(timer);
      const c = client;
      client = undefined;
      become(false);
      // Ending the session releases the advisory lock.
      await c?.end().catch(() => {});
    },
  };
}
