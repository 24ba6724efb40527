/**
 * Refused requests (429) made visible without flooding the log. A flood of thousands of
 * refusals becomes one warning per client address per window, with the count; the address is
 * not written (it is personal data under PIPL): a salted hash, new at each start, lets an
 * operator tell one client from another within a run and nothing more.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Logger } from 'pino';

export interface RefusalLog {
  /** One request from this address was refused. */
  refused(address: string): void;
  /** Writes the counts so far (the window ended, or the server is stopping). */
  flush(): void;
}

export interface RefusalLogOptions {
  windowMs?: number;
  /** Addresses counted at once; beyond it the counts are written early (memory stays bounded). */
  maxAddresses?: number;
}

export function refusalLog(log: Pick<Logger, 'warn'>, o: RefusalLogOptions = {}): RefusalLog {
  const windowMs = o.windowMs ?? 60_000;
  const maxAddresses = o.maxAddresses ?? 10_000;
  const salt = randomBytes(16);
  const counts = new Map<string, number>();
  let timer: NodeJS.Timeout | undefined;

  const client = (address: string) =>
    createHash('sha256').update(salt).update(address).digest('hex').slice(0, 12);

  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    for (const [address, refused] of counts)
      log.warn(
        { client: client(address), refused, windowSeconds: windowMs / 1000 },
        'requests refused: rate limit',
      );
    counts.clear();
  };

  return {
    refused(address) {
      counts.set(address, (counts.get(address) ?? 0) + 1);
      if (counts.size > maxAddresses) flush();
      else if (!timer) {
        timer = setTimeout(flush, windowMs);
        timer.unref();
      }
    },
    flush,
  };
}
