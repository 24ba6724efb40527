/** What the resident reads when sign-in did not work, in their language (api.json's own words). */
import type { Failure } from '../api/sign-in';
import { type ChromeKey, type Lang, t } from '../i18n/t';

const keys: Record<Failure, ChromeKey> = {
  not_set_up: 'api.errors.miniprogram_not_configured',
  failed: 'api.errors.sign_in_failed',
  unavailable: 'api.errors.wechat_unavailable',
};

export function failureText(lang: Lang, why: Failure): string {
  return t(lang, keys[why]);
}

export function isFailure(v: unknown): v is Failure {
  return typeof v === 'string' && v in keys;
}
