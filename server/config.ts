/**
 * Configuration, parsed once at the entry point from the environment (STYLE lesson 11) and
 * passed in: nothing else reads process.env. Defaults work on a fresh machine.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import type { EnvKeys } from '../bot/store/data-keys.ts';

/** A 32-byte key in base64 (`openssl rand -base64 32`); the message never repeats the value. */
const dataKey = z.string().transform((s, ctx) => {
  const key = Buffer.from(s.trim(), 'base64');
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(s.trim()) && key.length === 32) return key;
  ctx.addIssue({ code: 'custom', message: 'must be 32 bytes in base64 (openssl rand -base64 32)' });
  return z.NEVER;
});

const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** 127.0.0.1 by default: put a TLS reverse proxy in front, or set HOST=0.0.0.0. */
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./data'),
  /**
   * postgres://user:password@host:5432/db: PostgreSQL holds everything the server stores, and
   * several instances may share it (README, "Two stores"). Unset: lowdb files in DATA_DIR.
   */
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  /**
   * A copy of rules/ holding the county's own configuration (townships and their offices'
   * phone, address and hours); unset: the shipped rules/, which configure no office phones.
   */
  RULES_DIR: z.string().min(1).optional(),
  /**
   * The key that encrypts personal fields at rest; unset: DATA_DIR/keys/data.key (made on the
   * first start). DATA_KEY_PREVIOUS: older keys, comma-separated, that still decrypt.
   */
  DATA_KEY: dataKey.optional(),
  DATA_KEY_PREVIOUS: z
    .string()
    .transform((s) => s.split(',').filter((k) => k.trim()))
    .pipe(z.array(dataKey))
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Requests per minute one client address may make to the API (health checks are exempt). */
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(10_000_000).default(120),
  /**
   * Conversations one client address may start per hour (a page load starts none: only a first
   * answer, a form's results or a new API conversation is stored). Raise it behind a carrier NAT.
   */
  NEW_CONVERSATIONS_PER_HOUR: z.coerce.number().int().min(1).max(1_000_000).default(60),
  /** Referral status lookups per minute per client address (guessing a reference is slow). */
  STATUS_LOOKUPS_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(10),
  /**
   * Days a resident's results page (/:lang/results/<token>) is kept, counted from when it was
   * made; then it and the answers behind it are deleted. Fractions allowed (tests use seconds).
   */
  RESULTS_DAYS: z.coerce.number().positive().max(90).default(7),
  /** The county of the first county admin, created at the first start (its password is printed once). */
  ADMIN_COUNTY: z
    .string()
    .regex(/^[a-z][a-z0-9_-]*$/)
    .default('tekes'),
  /** WeChat puppet (wechaty-puppet-wechat4u, wechaty-puppet-service ...); unset: WeChat off. */
  WECHATY_PUPPET: z
    .string()
    .regex(/^[a-z0-9@/._-]+$/)
    .optional(),
  /**
   * WeChat messages per minute over all residents: the account's budget. 40 is the pace the
   * channel has always kept (one send per 1.5 s) without WeChat's 操作过于频繁; now that a turn
   * is one message instead of up to three, the same budget answers three times as many turns.
   * Raise it only for an account WeChat has let send faster.
   */
  WECHAT_SENDS_PER_MINUTE: z.coerce.number().int().min(1).max(600).default(40),
  /**
   * Least time between two messages to one resident, ms: a split reply or a "coming" notice
   * and the reply after it do not arrive as a burst (WeChat watches bursts to one contact);
   * 1500 is the gap every message used to have.
   */
  WECHAT_CONTACT_GAP_MS: z.coerce.number().int().min(0).max(60_000).default(1500),
  /**
   * Longest WeChat message, UTF-8 bytes; a longer turn is split between lines. 2000 stays under
   * the 2048 bytes WeChat documents for a text message (official accounts, WeCom), the
   * strictest limit known; personal-account puppets accept more.
   */
  WECHAT_MESSAGE_MAX_BYTES: z.coerce.number().int().min(200).max(20_000).default(2000),
  /**
   * A resident whose reply has waited this long (ms) is told it is coming, in their language;
   * 0: never. 5 s: past the pause a person takes for a chat answer, before they write again.
   * A notice is a message out of the same budget: in a burst every resident told costs everyone
   * behind one send (50 at once: p95 142 s with notices, 71 s without; test/bench/WECHAT-REPORT.md).
   */
  WECHAT_SLOW_NOTICE_MS: z.coerce.number().int().min(0).max(600_000).default(5000),
  /** Staff password attempts per minute per client address (a township office shares one). */
  LOGINS_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(20),
  /**
   * Days a closed referral keeps its personal data after its last change; then it is
   * anonymised (statistics kept). Set by the county; PIPL Art. 19 asks for the shortest needed.
   */
  RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(365),
  /** First retry delay of a township notice that failed (doubles each time, up to an hour). */
  NOTICE_RETRY_BASE_MS: z.coerce.number().int().min(10).max(3_600_000).default(5000),
  /**
   * The reverse proxy's own addresses ("127.0.0.1,::1"). Only a request whose socket comes from
   * one of them may name the client (X-Forwarded-For) and the scheme (X-Forwarded-Proto); from
   * anyone else those headers are ignored, so they cannot be spoofed. Empty: no proxy trusted.
   */
  TRUST_PROXY: z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((a) => a.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().refine((a) => isIP(a) !== 0, 'not an IP address')))
    .default([]),
  /**
   * The secret keying the audit log's chain (at least 32 characters, e.g. `openssl rand -hex 32`),
   * for keeping it outside the data directory; unset: DATA_DIR/keys/audit.key, made at first start.
   */
  AUDIT_KEY: z.string().min(32).optional(),
  /**
   * The largest roster a county admin may upload in the browser (政策找人), bytes; default
   * 10 MiB (about 100,000 person rows as CSV). The CLI has no limit.
   */
  ROSTER_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(500 * 1024 * 1024)
    .default(10 * 1024 * 1024),
  /**
   * Minutes a roster screening's results are kept (in memory only, never on disk) for the page,
   * the download and "create visits"; then they are dropped. The uploaded file itself is deleted
   * as soon as the screening ends.
   */
  ROSTER_RESULTS_MINUTES: z.coerce
    .number()
    .positive()
    .max(24 * 60)
    .default(60),
  /** The address residents use, printed as a QR code on posters; default: this server. */
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  /**
   * The mini-program's AppID and AppSecret (WeChat sign-in and subscription messages); unset:
   * the server still starts and the sign-in endpoint answers "sign-in not set up".
   */
  MINIPROGRAM_APPID: z
    .string()
    .regex(/^wx[0-9a-f]{16}$/, 'a mini-program AppID (wx and 16 hex digits)')
    .optional(),
  MINIPROGRAM_SECRET: z
    .string()
    .regex(/^[0-9A-Za-z]{16,64}$/, 'the AppSecret from the mini-program admin console')
    .optional(),
  /**
   * The subscription template for "your referral's status changed" (chosen in the mini-program
   * admin console); unset: no status messages are sent.
   */
  MINIPROGRAM_STATUS_TEMPLATE_ID: z
    .string()
    .regex(/^[A-Za-z0-9_-]{10,64}$/)
    .optional(),
  /**
   * Which of that template's fields carry what: "status=<key>,date=<key>", the keys as the admin
   * console lists them (thing1, phrase2, time3, date4 ...). A thing field takes the resident's
   * language; a phrase field takes only short Chinese, so it gets the Chinese word.
   */
  MINIPROGRAM_STATUS_TEMPLATE_FIELDS: z
    .string()
    .transform((s, ctx) => {
      const fields = Object.fromEntries(
        s.split(',').map((p) =>
          p
            .trim()
            .split('=')
            .map((x) => x.trim()),
        ),
      );
      const ok = (k: unknown) => typeof k === 'string' && /^(thing|phrase|time|date)[0-9]{1,2}$/.test(k);
      if (ok(fields.status) && (fields.date === undefined || ok(fields.date)))
        return { status: fields.status as string, ...(fields.date ? { date: fields.date as string } : {}) };
      ctx.addIssue({ code: 'custom', message: 'expected status=<thing|phrase>N[,date=<time|date>N]' });
      return z.NEVER;
    })
    .default({ status: 'thing1', date: 'time2' }),
  /** The mini-program page a status message opens. */
  MINIPROGRAM_STATUS_PAGE: z
    .string()
    .regex(/^[a-z0-9/_-]+$/)
    .default('pages/my-referrals/index'),
  /** formal (published), trial or developer: which version of the mini-program the message opens. */
  MINIPROGRAM_STATE: z.enum(['formal', 'trial', 'developer']).default('formal'),
  /** WeChat's server API; tests point it at a fake on 127.0.0.1. */
  WECHAT_API_BASE: z.url({ protocol: /^https?$/ }).default('https://api.weixin.qq.com'),
  /** Minutes a mini-program sign-in lasts (then wx.login again, silently). */
  MINIPROGRAM_SESSION_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(120),
});

export type Config = z.infer<typeof configSchema>;

/** The data keys from the environment, if given (else the store uses its key file). */
export function envKeys(config: Config): EnvKeys | undefined {
  if (config.DATA_KEY_PREVIOUS && !config.DATA_KEY)
    throw new Error('configuration: DATA_KEY_PREVIOUS: needs DATA_KEY (the current key) as well');
  return config.DATA_KEY ? { current: config.DATA_KEY, previous: config.DATA_KEY_PREVIOUS ?? [] } : undefined;
}

export function parseConfig(env: Record<string, string | undefined>): Config {
  const parsed = configSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`configuration: ${issue.path.join('.')}: ${issue.message}`);
  }
  return parsed.data;
}
