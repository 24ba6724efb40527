/**
 * The Koa application, built without listening (createApp(deps)) so tests and main share it.
 * Order: errors first, then language, security headers, body parsing with limits, routes.
 */
import Router from '@koa/router';
import Koa from 'koa';
import ratelimit from 'koa-ratelimit';
import type { Logger } from 'pino';
import type { Screener } from '../rules/engine/screen.ts';
import type { Session } from '../bot/dialog/session.ts';
import type { DialogDeps } from '../bot/dialog/transition.ts';
import type { Collection, StoreHealth } from '../bot/store/collection-store.ts';
import type { ReferralRecord } from '../bot/referral/referral-record.ts';
import { bodyParsing } from './middleware/body-parsing.ts';
import { limiterMemory } from './limits/address-windows.ts';
import { type BudgetRecords, newConversationBudget } from './limits/new-conversations.ts';
import type { RefusalLog } from './limits/refusal-log.ts';
import { loggedPath } from './log-masks.ts';
import { csrf } from './middleware/csrf.ts';
import { errors } from './middleware/errors.ts';
import { language } from './middleware/language.ts';
import { securityHeaders } from './middleware/security-headers.ts';
import { trustedProxy } from './middleware/trusted-proxy.ts';
import { apiRoutes } from './routes/api.ts';
import { conversationRoutes } from './routes/conversations.ts';
import { ruleRoutes } from './routes/rules.ts';
import { webRoutes } from './web/web-routes.ts';
import type { StaffStorage } from './staff/staff-storage.ts';
import { staffRoutes } from './staff/staff-routes.ts';
import { staffAuth } from './staff/staff-auth.ts';
import type { RosterSettings, StaffDeps } from './staff/staff-deps.ts';
import type { StaffNotices } from './notices/staff-notices.ts';
import type { WechatState } from '../bot/channels/wechat/wechat-channel.ts';
import type { ContactProof } from '../bot/referral/contact-proof.ts';
import { type MiniprogramDeps, miniprogramRoutes } from './miniprogram/miniprogram-routes.ts';

export interface AppDeps {
  /** Requests per minute per client address on /api. */
  rateLimitPerMinute: number;
  screener: Screener;
  log: Logger;
  storeHealth: () => StoreHealth;
  sessions: Collection<Session>;
  dialog: DialogDeps;
  referrals: Collection<ReferralRecord>;
  /** Reference + phone checks, counted per reference (the status page and WeChat share it). */
  proof: ContactProof;
  /** Signs the cookies (CSRF secret, conversation id); newest first. */
  cookieKeys: string[];
  /** Where residents reach the pages (posters' QR codes). */
  publicUrl: () => string;
  /** Referral status lookups per minute per client. */
  statusLookupsPerMinute: number;
  /** How long a results page is kept (RESULTS_DAYS), in milliseconds; default 7 days. */
  resultsKeepMs?: number;
  /** Staff accounts, sessions and the audit log. */
  staff: StaffStorage;
  /** A status change the resident should hear about (their channel, their language). */
  onStatusChange: (r: ReferralRecord) => void;
  notices: StaffNotices;
  /** Staff password attempts per minute per client address. */
  loginsPerMinute: number;
  /** The WeChat channel's state, when it runs. */
  wechatState: () => WechatState | undefined;
  /** TRUST_PROXY: the reverse proxy's addresses, whose X-Forwarded-For/-Proto are believed. */
  trustProxy?: readonly string[];
  /** Conversations one client address may start (store) per hour. */
  newConversationsPerHour: number;
  /** Where new conversations are counted when several instances share a database (else in memory). */
  conversationBudgets?: BudgetRecords;
  /** Counts refused (429) requests and logs them, one line per address per window. */
  refusals: RefusalLog;
  /** Roster uploads (政策找人): size limit, how long results are kept, where uploads wait. */
  roster?: RosterSettings;
  /** The mini-program's sign-in and "my referrals"; unset: answered "sign-in not set up". */
  miniprogram?: Pick<MiniprogramDeps, 'api' | 'signIns' | 'templates'>;
  /** The mini-program code for a county's posters (staff page); unset: "not set up". */
  posterCode?: StaffDeps['posterCode'];
}

export { jsonLimit } from './body-limits.ts';

export function createApp(deps: AppDeps): Koa {
  const app = new Koa();
  app.proxy = false; // koa's own trust is all-or-nothing: trustedProxy checks the peer instead
  app.keys = deps.cookieKeys;
  // First: client address and scheme, which limiters, cookies and headers below all read.
  app.use(trustedProxy(deps.trustProxy));
  // API answers are about one caller's household or conversation: never kept by a cache.
  app.use((ctx, next) => {
    if (ctx.path.startsWith('/api/')) ctx.set('Cache-Control', 'no-store');
    return next();
  });
  app.use(errors(deps.log, deps.refusals));
  app.use(language());
  // same-origin, not no-referrer: with no-referrer browsers send "Origin: null" on our own form
  // posts, and the CSRF origin check could not tell them from a sandboxed foreign frame.
  app.use(securityHeaders({ referrerPolicy: { policy: 'same-origin' } }));
  app.use(async (ctx, next) => {
    const start = process.hrtime.bigint();
    await next();
    deps.log.info(
      {
        method: ctx.method,
        // Conversation and result ids, and reference numbers: never written to logs.
        path: loggedPath(ctx.path),
        status: ctx.status,
        ms: Number(process.hrtime.bigint() - start) / 1e6,
      },
      'request',
    );
  });
  // Keyed by the client address: the socket's, or what a trusted proxy (TRUST_PROXY) says.
  app.use(
    ratelimit({
      driver: 'memory',
      db: limiterMemory(),
      duration: 60_000,
      max: deps.rateLimitPerMinute,
      id: (ctx) => ctx.ip,
      // The API and every form post count; pages, assets and health checks do not.
      whitelist: (ctx) => !ctx.path.startsWith('/api/') && ctx.method !== 'POST',
      throw: true,
    }),
  );
  // The API takes JSON only; the pages take their own forms only.
  app.use(bodyParsing());
  // The HTML forms need a CSRF token; the JSON API does not (see middleware/csrf.ts).
  const forms = csrf();
  app.use((ctx, next) => (ctx.path.startsWith('/api/') ? next() : forms(ctx, next)));

  const staffDeps: StaffDeps = {
    staff: deps.staff,
    referrals: deps.referrals,
    screener: deps.screener,
    townships: (county) => deps.screener.book.jurisdictions.get(county)?.townships ?? [],
    deadlines: (county) => deps.screener.book.jurisdictions.get(county)?.deadlines,
    onStatusChange: deps.onStatusChange,
    notices: deps.notices,
    wechatState: deps.wechatState,
    now: () => new Date(),
    ...(deps.roster ? { roster: deps.roster } : {}),
    ...(deps.posterCode ? { posterCode: deps.posterCode } : {}),
  };
  // One login gate for every spelling of /staff, before any router can match one.
  app.use(staffAuth(staffDeps));
  const health = new Router();
  health.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  health.get('/readyz', (ctx) => {
    const store = deps.storeHealth();
    ctx.status = store.ok ? 200 : 503;
    // WeChat being offline is normal (logins expire): reported, but the server stays ready.
    const w = deps.wechatState();
    const wechat = w
      ? { status: w.status, since: w.since, ...(w.lastError ? { lastError: w.lastError } : {}) }
      : { status: 'off' };
    ctx.body = { status: store.ok ? 'ready' : 'degraded', store, wechat };
  });
  const api = apiRoutes(deps.screener);
  const newConversation = newConversationBudget(
    deps.newConversationsPerHour,
    undefined,
    deps.conversationBudgets,
  );
  const conversations = conversationRoutes(deps.sessions, deps.dialog, newConversation);
  app.use(health.routes()).use(api.routes()).use(api.allowedMethods());
  app.use(conversations.routes()).use(conversations.allowedMethods());
  const rules = ruleRoutes(deps.screener);
  app.use(rules.routes()).use(rules.allowedMethods());
  const web = webRoutes(deps, newConversation);
  app.use(web.routes()).use(web.allowedMethods());
  if (deps.miniprogram) {
    const mp = miniprogramRoutes({
      ...deps.miniprogram,
      sessions: deps.sessions,
      referrals: deps.referrals,
      now: () => new Date(),
    });
    app.use(mp.routes()).use(mp.allowedMethods());
  }
  const staff = staffRoutes(staffDeps, deps.loginsPerMinute);
  app.use(staff.routes()).use(staff.allowedMethods());
  return app;
}
