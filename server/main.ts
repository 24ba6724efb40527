/**
 * npm start: configuration → store → rules → app → listen. Stops gracefully on SIGTERM/SIGINT:
 * stops accepting, finishes requests, flushes the store, releases its lock.
 */
import { once } from 'node:events';
import { join } from 'node:path';
import { createDialogDeps } from '../bot/dialog/deps.ts';
import { expireSessions } from '../bot/dialog/session-lifecycle.ts';
import { openDialogStorage } from '../bot/referral/dialog-storage.ts';
import type { Store } from '../bot/store/collection-store.ts';
import { openStore } from '../bot/store/open-store.ts';
import type { Logger } from 'pino';
import { createScreener } from '../rules/engine/screen.ts';
import { createApp } from './app.ts';
import { startWechat } from './wechat-start.ts';
import { runWhileLeading } from './senders.ts';
import { loadCookieKeys } from './cookie-keys.ts';
import { residentNotices } from './notices/resident-notices.ts';
import { staffNotices } from './notices/staff-notices.ts';
import { startMiniprogram } from './miniprogram/miniprogram-start.ts';
import { ensureFirstAdmin } from './staff/bootstrap.ts';
import { openStaffStorage } from './staff/staff-storage.ts';
import { byCounty } from './staff/local-values/local-value-record.ts';
import { refreshCountyValues } from './staff/local-values/county-values-refresh.ts';
import { openBudgetRecords } from './limits/new-conversations.ts';
import { type Config, envKeys, parseConfig } from './config.ts';
import { createLogger } from './logger.ts';
import { refusalLog } from './limits/refusal-log.ts';
import { maskReferences } from './log-masks.ts';

const sessionSweepMs = 10 * 60 * 1000;

async function main() {
  const config = parseConfig(process.env);
  const log = createLogger(config.LOG_LEVEL);
  const keys = envKeys(config);
  const store = await openStore({
    dataDir: config.DATA_DIR,
    ...(config.DATABASE_URL ? { databaseUrl: config.DATABASE_URL } : {}),
    ...(keys ? { keys } : {}),
  });
  try {
    await run(config, log, store);
  } catch (e) {
    // A damaged file or any start-up failure: release the data directory before saying why.
    await store.close().catch(() => {});
    throw e;
  }
}

async function run(config: Config, log: Logger, store: Store) {
  const screener = createScreener(config.RULES_DIR ? { rulesDir: config.RULES_DIR } : {});
  const storage = await openDialogStorage(store, 'web');
  const { sessions } = storage;
  await expireSessions(sessions, new Date());
  let port = config.PORT;
  const publicUrl = () => config.PUBLIC_URL ?? `http://${config.HOST}:${port}`;
  const townshipNotices = await staffNotices(store, {
    publicUrl,
    baseDelayMs: config.NOTICE_RETRY_BASE_MS,
    maxDelayMs: 60 * 60 * 1000,
    // The notice's id and payload hold the reference number: the log names only where it goes.
    onError: (n, error) =>
      log.warn(
        { channel: n.channel, place: n.place, attempts: n.attempts + 1, error: maskReferences(error) },
        'township notice not delivered, will retry',
      ),
    onPassFailed: (e) => log.error({ err: e }, 'township notices not sent: the store failed, will retry'),
  });
  // The township hears of each new inbox item; the notice is queued on disk before the resident
  // is told the reference, and keyed by it, so a repeated submission never notifies twice.
  const notifyTownship = async (reference: unknown) => {
    const record = typeof reference === 'string' ? await storage.referrals.get(reference) : undefined;
    if (record) await townshipNotices.enqueue(record);
    return reference;
  };
  const dialog = createDialogDeps({
    screener,
    submitReferral: async (s, r) => (await notifyTownship(await storage.submitReferral(s, r))) as string,
    requestCallback: async (s) => notifyTownship(await storage.requestCallback(s)),
    requestDeletion: storage.requestDeletion,
    provePhone: storage.proof.phone,
  });
  const staff = await openStaffStorage(store, config.DATA_DIR, config.AUDIT_KEY);
  // The county admins' local values over the YAML, in force from the first screening.
  screener.useCountyValues(await byCounty(staff.localValues));
  // Other instances on the database save local values too: theirs reach this screener in seconds.
  const countyValues =
    store.kind === 'postgres'
      ? refreshCountyValues(
          staff.localValues,
          (values) => screener.useCountyValues(values),
          (e) => log.error({ err: e }, 'local values not re-read: the store failed, will retry'),
        )
      : undefined;
  // The log's length and last hash, outside the data directory: a copy of both audit files put
  // back over newer ones (which the files alone cannot show) shows against this line.
  log.info({ audit: staff.audit.head }, 'audit log opened');
  await ensureFirstAdmin(staff, config.ADMIN_COUNTY, (text) => process.stdout.write(`${text}\n`));
  const notices = await residentNotices(store);
  // A deletion reaches the queues too: no notice or webhook retry carries the person afterwards.
  storage.alsoForget(townshipNotices.forget);
  storage.alsoForget(notices.forget);
  const miniprogram = await startMiniprogram(config, store, log, storage.alsoForget);
  // WeChat only when asked for: without WECHATY_PUPPET, Wechaty would start wechat4u and spin.
  const puppet = config.WECHATY_PUPPET;
  let wechat: Awaited<ReturnType<typeof startWechat>> | undefined;
  const wechatJob = {
    async start() {
      if (!puppet) return;
      wechat = await startWechat({
        puppet,
        dataDir: config.DATA_DIR,
        store,
        storage,
        dialog,
        screener,
        residentNotices: notices,
        staffNotices: townshipNotices,
        log,
        pacing: {
          sendsPerMinute: config.WECHAT_SENDS_PER_MINUTE,
          contactGapMs: config.WECHAT_CONTACT_GAP_MS,
          maxBytes: config.WECHAT_MESSAGE_MAX_BYTES,
          slowNoticeMs: config.WECHAT_SLOW_NOTICE_MS,
        },
      });
    },
    async stop() {
      const running = wechat;
      wechat = undefined;
      await running?.stop();
    },
  };
  if (!puppet)
    log.info(
      {},
      'WeChat channel off. To turn it on set WECHATY_PUPPET=wechaty-puppet-wechat4u (log in by QR code) or wechaty-puppet-service with WECHATY_PUPPET_SERVICE_TOKEN; see the README.',
    );
  // Exactly one instance sends (server/senders.ts): with lowdb this one, at once.
  const senders = await runWhileLeading(
    await store.lead('senders'),
    [townshipNotices, miniprogram.subscriptions, wechatJob],
    log,
  );
  const refusals = refusalLog(log);
  const app = createApp({
    refusals,
    newConversationsPerHour: config.NEW_CONVERSATIONS_PER_HOUR,
    // Several instances on one database share each address's budget (it limits what is stored).
    ...(store.kind === 'postgres' ? { conversationBudgets: await openBudgetRecords(store) } : {}),
    wechatState: () => wechat?.state(),
    trustProxy: config.TRUST_PROXY,
    screener,
    log,
    storeHealth: () => store.health(),
    sessions,
    dialog,
    rateLimitPerMinute: config.RATE_LIMIT_PER_MINUTE,
    referrals: storage.referrals,
    proof: storage.proof,
    cookieKeys: loadCookieKeys(config.DATA_DIR),
    publicUrl,
    notices: townshipNotices,
    loginsPerMinute: config.LOGINS_PER_MINUTE,
    statusLookupsPerMinute: config.STATUS_LOOKUPS_PER_MINUTE,
    resultsKeepMs: config.RESULTS_DAYS * 24 * 60 * 60 * 1000,
    roster: {
      maxBytes: config.ROSTER_MAX_BYTES,
      keepMs: config.ROSTER_RESULTS_MINUTES * 60_000,
      uploadDir: join(config.DATA_DIR, 'roster-uploads'),
    },
    staff,
    onStatusChange: (r) => {
      // The status change is already stored; the messages about it are queued beside the request.
      void notices
        .statusChanged(r)
        .catch((e) => log.error({ err: e }, 'status notice not queued: the store cannot write'));
      void miniprogram.subscriptions
        .statusChanged(r)
        .catch((e) => log.error({ err: e }, 'subscription message not queued: the store cannot write'));
    },
    miniprogram: miniprogram.routes,
    ...(miniprogram.posterCode ? { posterCode: miniprogram.posterCode } : {}),
  });
  // Closed cases lose their personal data after the retention period (checked hourly).
  const retention = async () => {
    for (const reference of await storage.applyRetention(new Date(), config.RETENTION_DAYS))
      await staff.audit.appendSystem(
        (await storage.referrals.get(reference))?.jurisdiction ?? '',
        'anonymised',
        reference,
        `retention ${config.RETENTION_DAYS} days`,
      );
  };
  await retention();
  const sweep = setInterval(
    () => void retention().catch((e) => log.error({ err: e }, 'retention sweep failed')),
    60 * 60 * 1000,
  );
  sweep.unref();
  // Idle conversations go every ten minutes: one never answered lasts hours, not days.
  const sessionSweep = setInterval(
    () =>
      void expireSessions(sessions, new Date()).catch((e) => log.error({ err: e }, 'session sweep failed')),
    sessionSweepMs,
  );
  sessionSweep.unref();
  // A deep accept queue: a village's worth of phones connecting at once must not be reset.
  const server = app.listen(config.PORT, config.HOST, 4096);
  // Idle keep-alive sockets stay open longer than clients keep them (undici: 4 s, proxies: 60 s),
  // so the server never closes one just as a client reuses it (ECONNRESET under load).
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await once(server, 'listening');
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : config.PORT;
  log.info({ port, host: config.HOST, dataDir: config.DATA_DIR }, 'listening');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    clearInterval(sweep);
    clearInterval(sessionSweep);
    countyValues?.stop();
    await senders.stop();
    server.close();
    await once(server, 'close');
    refusals.flush();
    try {
      await store.close();
    } catch (e) {
      // Disk full or failing: what was acknowledged is already on disk (written durably before
      // anyone was told); only unacknowledged progress such as half-done chats is lost.
      log.error({ err: e }, 'stopped without writing the last changes: the data directory cannot be written');
      staff.audit.close();
      process.exit(1);
    }
    staff.audit.close();
    log.info('stopped');
    // Everything is flushed; a library still holding a timer (Wechaty's puppets do) must not
    // keep the process alive after a SIGTERM.
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exitCode = 1;
});
