/** An advisory lock's key (a signed bigint, as text for the driver) from a readable name. */
import { createHash } from 'node:crypto';

export const lockKey = (name: string): string =>
  createHash('sha256').update(`assist-screen lock\u0000${name}`).digest().readBigInt64BE(0).toString();
