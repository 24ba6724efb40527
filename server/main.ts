/**
 * npm start: configuration → store → rules → app → listen. Stops gracefully on SIGTERM/SIGINT:
 * stops accepting, finishes requests, flushes the store, releases its lock.
 */
import { once } from 'node:events';
import { z } from 'zod';
import { createDialogDeps } from '../bot/dialog/deps.ts';
import { sessionStoreOptions, storedSessionSchema } from '../bot/dialog/session.ts';
import { expireSessions } from '../bot/dialog/session-lifecycle.ts';
import { newReference } from '../bot/referral/reference.ts';
import { referralRecord, referralSchema } from '../bot/referral/referral-record.ts';
import { openFileStore } from '../bot/store/collection-store.ts';
import { shardedCollection } from '../bot/store/sharded-collection.ts';
import { createScreener } from '../rules/engine/screen.ts';
import { createApp } from './app.ts';
import { parseConfig } from './config.ts';
import { createLogger } from './logger.ts';

async function main() {
  const config = parseConfig(process.env);
  const log = createLogger(config.LOG_LEVEL);
  const store = await openFileStore(config.DATA_DIR);
  const screener = createScreener();
  const sessions = await shardedCollection(store, 'sessions', storedSessionSchema, sessionStoreOptions);
  const referrals = await store.collection('referrals', referralSchema);
  const callbacks = await store.collection(
    'callbacks',
    z.strictObject({ session: z.string(), at: z.string(), lang: z.string() }),
  );
  expireSessions(sessions, new Date());
  const dialog = createDialogDeps({
    screener,
    submitReferral: async (session, result) => {
      const reference = newReference(result.jurisdiction);
      // On disk (fsync) before the resident sees the number.
      await referrals.setDurably(
        reference,
        referralRecord(reference, session, result, 'web', new Date().toISOString()),
      );
      return reference;
    },
    requestCallback: async (session) => {
      await callbacks.setDurably(session.id, {
        session: session.id,
        at: new Date().toISOString(),
        lang: session.lang,
      });
    },
  });
  const app = createApp({
    screener,
    log,
    storeHealth: () => store.health(),
    sessions,
    dialog,
    rateLimitPerMinute: config.RATE_LIMIT_PER_MINUTE,
  });
  const sweep = setInterval(() => expireSessions(sessions, new Date()), 60 * 60 * 1000);
  sweep.unref();
  const server = app.listen(config.PORT, config.HOST);
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  log.info({ port, host: config.HOST, dataDir: config.DATA_DIR }, 'listening');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    clearInterval(sweep);
    server.close();
    await once(server, 'close');
    await store.close();
    log.info('stopped');
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exitCode = 1;
});
