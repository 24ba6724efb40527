/**
 * WeChat's "unlimited" mini-program code (getwxacodeunlimit): the round code a county prints on
 * its posters. WeChat answers the image's bytes, or JSON {errcode, errmsg} when it refuses; the
 * image is told apart by its own first bytes, not by the header, and only PNG or JPEG is taken.
 */
import { z } from 'zod';
import { WechatApiError } from './wechat-call.ts';

/** What WeChat accepts in a scene: at most 32 of these visible characters (no %, so no Chinese). */
export const scenePattern = /^[0-9A-Za-z!#$&'()*+,/:;=?@\-._~]{1,32}$/;

export const wxaCodeRequest = z.strictObject({
  scene: z.string().regex(scenePattern),
  /** A page of the mini-program, without a leading / and without a query (the query is the scene). */
  page: z.string().regex(/^[a-z0-9_-]+(\/[a-z0-9_-]+)*$/),
  /** true: WeChat refuses a page the published version does not have (41030). */
  check_path: z.boolean(),
  env_version: z.enum(['release', 'trial', 'develop']),
  /** Pixels, 280 to 1280 (WeChat's limits). */
  width: z.number().int().min(280).max(1280),
});
export type WxaCodeRequest = z.infer<typeof wxaCodeRequest>;

export interface WxaCode {
  bytes: Buffer;
  type: 'png' | 'jpeg';
}

const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const jpeg = Buffer.from([0xff, 0xd8, 0xff]);
const errorShape = z.looseObject({ errcode: z.number() });

/** A poster code is a few hundred KiB; anything far larger is not one. */
const maxBytes = 4 * 1024 * 1024;

export async function fetchWxaCode(
  url: URL,
  request: WxaCodeRequest,
  fetchImpl: typeof fetch = fetch,
): Promise<WxaCode> {
  const body = wxaCodeRequest.parse(request);
  const res = await fetchImpl(url, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
    signal: AbortSignal.timeout(10_000),
    redirect: 'error',
  });
  if (!res.ok) {
    await res.body?.cancel();
    throw new Error(`WeChat API answered HTTP ${res.status}`);
  }
  const bytes = Buffer.from(await res.arrayBuffer());
  if (bytes.length > maxBytes) throw new Error('WeChat API answered more bytes than a code has');
  if (bytes.subarray(0, png.length).equals(png)) return { bytes, type: 'png' };
  if (bytes.subarray(0, jpeg.length).equals(jpeg)) return { bytes, type: 'jpeg' };
  // Not an image: WeChat's JSON refusal (only its code is kept: errmsg may echo what we sent).
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new Error('WeChat API answered neither an image nor JSON');
  }
  const err = errorShape.safeParse(json);
  if (err.success && err.data.errcode) throw new WechatApiError(err.data.errcode);
  throw new Error('WeChat API answered in an unexpected shape');
}
