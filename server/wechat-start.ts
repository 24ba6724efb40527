/**
 * Starts the WeChat channel in the server's process (one process owns the store), only when
 * WECHATY_PUPPET is set: without it Wechaty would start wechat4u and spin offline. Start-up
 * failures are retried with a growing delay; queued notices are pumped while it is online.
 */
import { join } from 'node:path';
import type { Logger } from 'pino';
import QRCode from 'qrcode';
import { pumpNotices } from '../bot/channels/wechat/notice-pump.ts';
import { openOutboxStore } from '../bot/channels/wechat/outbox-store.ts';
import {
  seenSchema,
  startWechatChannel,
  type WechatChannel,
  type WechatPacing,
} from '../bot/channels/wechat/wechat-channel.ts';
import type { DialogDeps } from '../bot/dialog/transition.ts';
import type { DialogStorage } from '../bot/referral/dialog-storage.ts';
import type { Store } from '../bot/store/collection-store.ts';
import type { Screener } from '../rules/engine/screen.ts';
import type { ResidentNotices } from './notices/resident-notices.ts';
import type { StaffNotices } from './notices/staff-notices.ts';

export interface WechatStartOptions {
  puppet: string;
  dataDir: string;
  store: Store;
  storage: DialogStorage;
  dialog: DialogDeps;
  screener: Screener;
  residentNotices: ResidentNotices;
  staffNotices: StaffNotices;
  log: Logger;
  pacing: WechatPacing;
}

/** WeChat message ids already answered (a replay after a reconnect is ignored). */
export const openSeenStore = (store: Store) =>
  store.collection('wechat-seen', seenSchema, { coalesceMs: 1000, fsync: false });

export async function startWechat(o: WechatStartOptions) {
  const { WechatyBuilder } = await import('wechaty');
  const seen = await openSeenStore(o.store);
  // Message ids are kept three days: long enough for any replay after a reconnect.
  const prune = async () => {
    const old = Date.now() - 3 * 24 * 3600_000;
    const gone: string[] = [];
    for await (const [id, v] of seen.entries()) if (v.at < old) gone.push(id);
    for (const id of gone) await seen.delete(id);
  };
  await prune();
  const bot = WechatyBuilder.build({ puppet: o.puppet as never, name: join(o.dataDir, 'wechat') });
  const wechat = o.storage.forChannel('wechat');
  const channel: WechatChannel = startWechatChannel({
    bot,
    dialog: { ...o.dialog, submitReferral: wechatSubmit(o, wechat), requestCallback: wechat.requestCallback },
    sessions: o.storage.sessions,
    referrals: o.storage.referrals,
    proof: o.storage.proof,
    seen,
    outbox: await openOutboxStore(o.store),
    log: {
      info: (x, m) => o.log.info(x, m),
      warn: (x, m) => o.log.warn(x, m),
      error: (x, m) => o.log.error(x, m),
    },
    pacing: o.pacing,
    messagesPerMinute: 20,
    showQr: (qr) => {
      void QRCode.toString(qr, { type: 'terminal', small: true }).then((art) =>
        process.stdout.write(`${art}\n`),
      );
    },
  });

  // A deletion also drops the replies and notices still waiting to be sent to that contact.
  o.storage.alsoForget(({ contacts }) => channel.outbox.forget(contacts));

  let delay = 5_000;
  let stopped = false;
  const start = async () => {
    while (!stopped) {
      try {
        await bot.start();
        return;
      } catch (e) {
        o.log.error({ err: String(e), retryInMs: delay }, 'wechat failed to start');
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 10 * 60_000);
      }
    }
  };
  // Runs beside the server for as long as it lives; it catches its own failures and retries.
  void start();
  const pump = setInterval(() => {
    if (channel.state().status !== 'online') return;
    void pumpNotices({
      channel,
      residentNotices: o.residentNotices.queue,
      staffNotices: o.staffNotices.queue,
      staffTarget: async (place) => (await o.staffNotices.settings.get(place))?.wechat,
      townshipName: (county, township) =>
        o.screener.book.jurisdictions.get(county)?.townships.find((t) => t.id === township)?.name.zh ??
        township,
    }).catch((e) => o.log.warn({ err: String(e) }, 'wechat notices not sent, will retry'));
  }, 10_000);
  pump.unref();
  const sweep = setInterval(
    () =>
      void prune().catch((e) => o.log.warn({ err: String(e) }, 'wechat message ids not pruned, will retry')),
    3600_000,
  );
  sweep.unref();
  return {
    state: channel.state,
    async stop() {
      stopped = true;
      clearInterval(pump);
      clearInterval(sweep);
      channel.stop();
      // Wechaty's stop can wait on a login that never comes: give it a few seconds, no more.
      await Promise.race([bot.stop().catch(() => {}), new Promise((r) => setTimeout(r, 3000).unref())]);
    },
  };
}

/** WeChat referrals notify the township like web ones (the server's wrapper does the same). */
function wechatSubmit(
  o: WechatStartOptions,
  wechat: Pick<DialogStorage, 'submitReferral'>,
): DialogDeps['submitReferral'] {
  return async (session, result) => {
    const reference = await wechat.submitReferral(session, result);
    const record = await o.storage.referrals.get(reference);
    if (record) await o.staffNotices.enqueue(record);
    return reference;
  };
}
