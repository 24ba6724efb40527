/**
 * The mini-program's server side, from configuration: the WeChat API client (only with the
 * AppID and secret; else sign-in answers "not set up"), the status template, the on-disk queue
 * of subscription messages (joined to deletion) and the sign-ins. One place, so main stays a
 * list of parts.
 */
import type { Logger } from 'pino';
import type { Forget } from '../../bot/referral/delete-person.ts';
import type { Store } from '../../bot/store/collection-store.ts';
import type { Config } from '../config.ts';
import { subscribeNotices } from '../notices/subscribe-notices.ts';
import { posterRequest } from '../staff/poster-code.ts';
import { wechatApi } from '../wechat-api/wechat-api.ts';
import { openSignIns } from './sign-ins.ts';

export async function startMiniprogram(
  config: Config,
  store: Store,
  log: Logger,
  alsoForget: (forget: Forget) => void,
) {
  const api =
    config.MINIPROGRAM_APPID && config.MINIPROGRAM_SECRET
      ? wechatApi({
          base: config.WECHAT_API_BASE,
          appid: config.MINIPROGRAM_APPID,
          secret: config.MINIPROGRAM_SECRET,
        })
      : undefined;
  const template = config.MINIPROGRAM_STATUS_TEMPLATE_ID
    ? {
        id: config.MINIPROGRAM_STATUS_TEMPLATE_ID,
        fields: config.MINIPROGRAM_STATUS_TEMPLATE_FIELDS,
        page: config.MINIPROGRAM_STATUS_PAGE,
        state: config.MINIPROGRAM_STATE,
      }
    : undefined;
  const subscriptions = await subscribeNotices(store, {
    ...(template ? { template } : {}),
    ...(api ? { api } : {}),
    baseDelayMs: config.NOTICE_RETRY_BASE_MS,
    maxDelayMs: 60 * 60 * 1000,
    // The error code and attempt only: the message's openid and reference are never logged.
    onError: (attempts, error, final) =>
      final
        ? log.warn({ attempts, error }, 'subscription message refused by WeChat, not retried')
        : log.warn({ attempts, error }, 'subscription message not sent, will retry'),
    onPassFailed: (e) =>
      log.error({ err: e }, 'subscription messages not sent: the store failed, will retry'),
  });
  // A deletion reaches this queue too: no retry carries the resident's openid afterwards.
  alsoForget(subscriptions.forget);
  // Sending is started by the instance that leads (server/senders.ts).
  return {
    subscriptions,
    // The county's poster code (staff page): the same client, so the same access token.
    ...(api
      ? { posterCode: (scene: string) => api.unlimitedCode(posterRequest(scene, config.MINIPROGRAM_STATE)) }
      : {}),
    routes: {
      api,
      // Shared by every instance on PostgreSQL: a token from one is honoured by the others.
      signIns: await openSignIns(store, config.MINIPROGRAM_SESSION_MINUTES * 60_000),
      templates: template ? [template.id] : [],
    },
  };
}
