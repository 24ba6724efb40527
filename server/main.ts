/**
 * npm start: configuration → store → rules → app → listen. Stops gracefully on SIGTERM/SIGINT:
 * stops accepting, finishes requests, flushes the store, releases its lock.
 */
import { once } from 'node:events';
import { openFileStore } from '../bot/store/collection-store.ts';
import { createScreener } from '../rules/engine/screen.ts';
import { createApp } from './app.ts';
import { parseConfig } from './config.ts';
import { createLogger } from './logger.ts';

async function main() {
  const config = parseConfig(process.env);
  const log = createLogger(config.LOG_LEVEL);
  const store = await openFileStore(config.DATA_DIR);
  const screener = createScreener();
  const app = createApp({ screener, log, storeHealth: () => store.health() });
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
