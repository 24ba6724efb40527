/**
 * The WeChat server API the mini-program needs: a wx.login code exchanged for the resident's
 * openid (code-to-session), a subscription message sent (subscribe/send), and the code a county
 * prints on its posters (getwxacodeunlimit). Over HTTPS to
 * api.weixin.qq.com in production; tests point WECHAT_API_BASE at a fake on 127.0.0.1.
 */
import { z } from 'zod';
import { accessTokens } from './access-token.ts';
import { tokenErrors, WechatApiError, wechatCall } from './wechat-call.ts';
import { fetchWxaCode, type WxaCode, type WxaCodeRequest } from './wxa-code.ts';

export { WechatApiError } from './wechat-call.ts';

/**
 * Errors that sending again cannot fix: 43101 the resident refused or has no subscription left,
 * 40037 a template id WeChat does not know, 40003 an openid not of this mini-program, 47003 data
 * the template does not accept, 41030 a page the mini-program does not have.
 */
export const finalSendErrors: ReadonlySet<number> = new Set([43101, 40037, 40003, 47003, 41030]);

/** A wx.login code that WeChat does not accept (40029 invalid, 40163 already used). */
export const badCodeErrors: ReadonlySet<number> = new Set([40029, 40163]);

const sessionAnswer = z.looseObject({ openid: z.string().min(1).max(128) });
const sendAnswer = z.looseObject({});

export interface WechatApiOptions {
  base: string;
  appid: string;
  secret: string;
  fetch?: typeof fetch;
  now?: () => number;
}

export interface SubscribeMessage {
  touser: string;
  template_id: string;
  page?: string;
  data: Record<string, { value: string }>;
  miniprogram_state?: 'formal' | 'trial' | 'developer';
}

export function wechatApi(o: WechatApiOptions) {
  const tokens = accessTokens(o);
  return {
    /** The openid behind a wx.login code (the session key WeChat also sends is not kept). */
    async codeToSession(code: string): Promise<string> {
      const url = new URL('/sns/jscode2session', o.base);
      url.search = new URLSearchParams({
        appid: o.appid,
        secret: o.secret,
        js_code: code,
        grant_type: 'authorization_code',
      }).toString();
      return (await wechatCall(url, sessionAnswer, { method: 'GET' }, o.fetch)).openid;
    },
    /** Sends a subscription message; a refused token is renewed and the send tried once more. */
    async sendSubscribe(message: SubscribeMessage): Promise<void> {
      const send = (token: string) => {
        const url = new URL('/cgi-bin/message/subscribe/send', o.base);
        url.searchParams.set('access_token', token);
        return wechatCall(url, sendAnswer, { method: 'POST', body: { lang: 'zh_CN', ...message } }, o.fetch);
      };
      const token = await tokens.get();
      try {
        await send(token);
      } catch (e) {
        if (!(e instanceof WechatApiError && tokenErrors.has(e.errcode))) throw e;
        await send(await tokens.renew(token));
      }
    },
    /** The mini-program code for a scene (getwxacodeunlimit); a refused token is renewed once. */
    async unlimitedCode(request: WxaCodeRequest): Promise<WxaCode> {
      const get = (token: string) => {
        const url = new URL('/wxa/getwxacodeunlimit', o.base);
        url.searchParams.set('access_token', token);
        return fetchWxaCode(url, request, o.fetch);
      };
      const token = await tokens.get();
      try {
        return await get(token);
      } catch (e) {
        if (!(e instanceof WechatApiError && tokenErrors.has(e.errcode))) throw e;
        return get(await tokens.renew(token));
      }
    },
  };
}
export type WechatApi = ReturnType<typeof wechatApi>;
