/**
 * wx.request as a promise, always to the configured server (config.ts). The language goes along
 * as Accept-Language so the server's own error messages come back in it.
 */
import { config } from '../config';
import type { Lang } from '../i18n/t';

export interface Response<T> {
  status: number;
  data: T;
}

export function postJson<T>(path: string, body: Record<string, unknown>, lang: Lang): Promise<Response<T>> {
  return new Promise((resolve, reject) => {
    wx.request({
      url: config.serverBase + path,
      method: 'POST',
      data: body,
      header: { 'content-type': 'application/json', 'accept-language': lang },
      success: (res) => resolve({ status: res.statusCode, data: res.data as T }),
      fail: (err) => reject(new Error(err.errMsg)),
    });
  });
}
