/**
 * The mini-program code a county prints on its posters: which scene it carries, which page it
 * opens, and the file's name. A resident who scans it lands on the language page with the
 * county (and township) already known, so a referral goes to the office of the poster's place.
 *
 * Scene: "c=<county>" for the whole county, "c=<county>&t=<township>" for one township (ids as
 * in rules/jurisdictions, lower-case letters, digits, _ and -). WeChat hands it to the page as
 * query.scene, URL-encoded: decodeURIComponent it, then read it like a query string.
 */
import { type Language, translator } from '../../locales/i18n.ts';
import type { Config } from '../config.ts';
import { scenePattern, type WxaCode, type WxaCodeRequest } from '../wechat-api/wxa-code.ts';
import type { StaffDeps } from './staff-deps.ts';

/** The page the code opens (miniprogram/app.json): the first, where the language is chosen. */
export const posterPage = 'pages/language/index';

/** Pixels: the largest WeChat draws, so a printed poster's code stays sharp. */
const posterWidth = 1280;

/** Makes the code for a scene (the WeChat API client, with the access token it keeps). */
export type PosterCodeMaker = (scene: string) => Promise<WxaCode>;

/** The scene for the county or one of its townships; undefined when it is longer than WeChat takes. */
export function posterScene(county: string, township?: string): string | undefined {
  const scene = township ? `c=${county}&t=${township}` : `c=${county}`;
  return scenePattern.test(scene) ? scene : undefined;
}

/**
 * What is asked of WeChat. The version it opens follows MINIPROGRAM_STATE; only the published
 * version can have its page checked (an unpublished one answers 41030 with the check on).
 */
export function posterRequest(scene: string, state: Config['MINIPROGRAM_STATE']): WxaCodeRequest {
  const env_version = ({ formal: 'release', trial: 'trial', developer: 'develop' } as const)[state];
  return { scene, page: posterPage, check_path: env_version === 'release', env_version, width: posterWidth };
}

/** 小程序码-<county>-<township|全县>.png (Chinese names), with an ASCII fallback built from ids. */
export function posterFileNames(
  county: string,
  township: { id: string; name: string } | undefined,
  type: WxaCode['type'],
) {
  const t = translator('zh');
  const ext = type === 'png' ? 'png' : 'jpg';
  const unicode = [
    t('poster.file'),
    t(`jurisdictions.${county}`, { defaultValue: county }),
    township?.name ?? t('ledger.file.whole_county'),
  ].join('-');
  const ascii = ['miniprogram-code', county, township?.id ?? 'county']
    .join('-')
    .replace(/[^A-Za-z0-9_-]/g, '_');
  return { unicode: `${unicode}.${ext}`, ascii: `${ascii}.${ext}` };
}

/** The county admin's WeChat page: a download link per place, or "not set up". */
export function posterSection(
  deps: Pick<StaffDeps, 'posterCode' | 'townships'>,
  county: string,
  lang: Language,
) {
  const t = translator(lang);
  const places = [
    { href: '/staff/miniprogram-code', name: t('ledger.file.whole_county') },
    ...deps.townships(county).map((tw) => ({
      href: `/staff/miniprogram-code?township=${encodeURIComponent(tw.id)}`,
      name: tw.name[lang],
    })),
  ];
  return { configured: Boolean(deps.posterCode), places };
}
