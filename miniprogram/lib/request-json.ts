/**
 * wx.request as a promise for the mini-program's own endpoints: GET or POST, with the sign-in
 * token when there is one. Always to the configured server (config.ts), the only domain WeChat
 * lets the mini-program reach; the language goes along so the server's words come back in it.
 */
import { config } from '../config';
import type { Lang } from '../i18n/t';

export interface JsonResponse<T> {
  status: number;
  data: T;
}

export function requestJson<T>(
  method: 'GET' | 'POST',
  path: string,
  lang: Lang,
  o: { body?: Record<string, unknown>; token?: string } = {},
): Promise<JsonResponse<T>> {
  const header: Record<string, string> = { 'accept-language': lang };
  if (o.body) header['content-type'] = 'application/json';
  if (o.token) header['authorization'] = `Bearer ${o.token}`;
  return new Promise((resolve, reject) => {
    wx.request({
      url: config.serverBase + path,
      method,
      ...(o.body ? { data: o.body } : {}),
      header,
      success: (res) => resolve({ status: res.statusCode, data: res.data as T }),
      fail: (err) => reject(new Error(err.errMsg)),
    });
  });
}
