/**
 * The mini-program's own endpoints (JSON; the questionnaire itself is the conversations API):
 *   POST /api/v1/miniprogram/sign-in     { code }                      → { token, expiresIn }
 *   GET  /api/v1/miniprogram/referrals   (Authorization: Bearer token) → { referrals: [...] }
 *   POST /api/v1/miniprogram/referrals   { conversationId, templates } → { templates }
 *   GET  /api/v1/miniprogram/settings                                  → { signIn, templates }
 * Settings tell the mini-program whether sign-in is set up and which subscription templates to
 * ask the resident for: the template ids are county configuration, not built into the app.
 * The POST referrals ties the referral a mini-program conversation sent to the signed-in resident and
 * records the subscription templates they allowed. "My referrals" shows status and programs but
 * no reference and no digits: WeChat vouches for who is asking, and nothing more is needed.
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import type { Session } from '../../bot/dialog/session.ts';
import type { ReferralRecord } from '../../bot/referral/referral-record.ts';
import type { Collection } from '../../bot/store/collection-store.ts';
import { translator } from '../../locales/i18n.ts';
import { toInputIssue } from '../../rules/engine/household.ts';
import { AppError } from '../errors.ts';
import { badCodeErrors, type WechatApi, WechatApiError } from '../wechat-api/wechat-api.ts';
import type { SignIns } from './sign-ins.ts';

export const signInSchema = z.strictObject({ code: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/) });
export const linkSchema = z.strictObject({
  conversationId: z.string().regex(/^[0-9a-f-]{36}$/),
  /** The template ids wx.requestSubscribeMessage reported as "accept". */
  templates: z
    .array(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/))
    .max(10)
    .default([]),
});

export interface MiniprogramDeps {
  /** Undefined without MINIPROGRAM_APPID and MINIPROGRAM_SECRET: sign-in is not set up. */
  api: WechatApi | undefined;
  signIns: SignIns;
  sessions: Collection<Session>;
  referrals: Collection<ReferralRecord>;
  /** The subscription templates this server sends (others are not recorded). */
  templates: readonly string[];
  now: () => Date;
}

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new AppError(400, 'invalid_input', parsed.error.issues.map(toInputIssue));
  return parsed.data;
}

export function miniprogramRoutes(deps: MiniprogramDeps): Router {
  const router = new Router({ prefix: '/api/v1/miniprogram', sensitive: true });

  const signedIn = async (ctx: Context): Promise<string> => {
    if (!deps.api) throw new AppError(503, 'miniprogram_not_configured');
    const token = /^Bearer ([A-Za-z0-9_-]{43})$/.exec(ctx.get('authorization'))?.[1];
    const openid = token ? await deps.signIns.openid(token) : undefined;
    if (!openid) throw new AppError(401, 'sign_in_required');
    return openid;
  };

  router.get('/settings', (ctx) => {
    // Templates only with sign-in: a subscription is useless without an openid to send it to.
    ctx.body = { signIn: deps.api !== undefined, templates: deps.api ? [...deps.templates] : [] };
  });

  router.post('/sign-in', async (ctx) => {
    const { code } = parse(signInSchema, ctx.request.body);
    if (!deps.api) throw new AppError(503, 'miniprogram_not_configured');
    let openid: string;
    try {
      openid = await deps.api.codeToSession(code);
    } catch (e) {
      if (e instanceof WechatApiError && badCodeErrors.has(e.errcode))
        throw new AppError(401, 'sign_in_failed');
      throw new AppError(502, 'wechat_unavailable');
    }
    ctx.body = await deps.signIns.start(openid);
  });

  router.get('/referrals', async (ctx) => {
    const openid = await signedIn(ctx);
    const hash = deps.referrals.index?.hash('openid', openid);
    const t = translator(ctx.state.lang ?? 'zh');
    // The keyed hash of the openid is indexed: the resident's referrals without a scan.
    const theirs = (hash === undefined ? [] : await deps.referrals.findByHash('openid', hash)).sort((a, b) =>
      b.createdAt.localeCompare(a.createdAt),
    );
    ctx.body = {
      referrals: theirs.map((r) => ({
        createdAt: r.createdAt,
        updatedAt: r.updatedAt ?? r.createdAt,
        status: r.status,
        statusText: t(`web.status.states.${r.mergedInto ? 'merged' : r.status}`),
        programs: r.programs.map((p) => ({ id: p.id, verdict: p.verdict })),
        subscribed: deps.templates.some((id) => r.miniprogram?.templates.includes(id)),
      })),
    };
  });

  router.post('/referrals', async (ctx) => {
    const openid = await signedIn(ctx);
    const { conversationId, templates } = parse(linkSchema, ctx.request.body);
    // The conversation id is the proof: only the phone that held the conversation knows it.
    const reference = (await deps.sessions.get(conversationId))?.referral?.reference;
    if (!reference) throw new AppError(404, 'conversation_not_found');
    const allowed = templates.filter((id) => deps.templates.includes(id));
    const at = deps.now().toISOString();
    // Checked and changed in one step: a status change or a deletion landing meanwhile is kept
    // (never overwritten by the copy read here), and an anonymised referral is never linked.
    let refused: AppError | undefined;
    let kept: string[] = [];
    // On disk before the templates are acknowledged.
    await deps.referrals.update(
      reference,
      (r) => {
        refused = undefined;
        if (!r || r.anonymisedAt) refused = new AppError(404, 'conversation_not_found');
        else if (r.miniprogram && r.miniprogram.openid !== openid)
          refused = new AppError(403, 'referral_not_yours');
        if (!r || refused) return undefined;
        kept = [...new Set([...(r.miniprogram?.templates ?? []), ...allowed])];
        return { ...r, miniprogram: { openid, templates: kept, at } };
      },
      { durable: true },
    );
    if (refused) throw refused;
    ctx.body = { templates: kept };
  });

  return router;
}
