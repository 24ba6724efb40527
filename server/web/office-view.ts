/**
 * The township office for a results or sent page, in the page's language: address, phone (a
 * tel: link) and hours as the county configured them (templates/web/partials/office.njk).
 */
import { officeInfo, type OfficeView, officeView } from '../../bot/referral/township-office.ts';
import { type Language, translator } from '../../locales/i18n.ts';
import type { WebDeps } from './web-deps.ts';

export function pageOffice(
  deps: Pick<WebDeps, 'dialog'>,
  lang: Language,
  county: string | undefined,
  township: string | undefined,
): OfficeView | undefined {
  const info = officeInfo(deps.dialog.steps, county, township);
  const t = translator(lang);
  return info && officeView(info, lang, (c) => t(`chat.options.county_${c}`));
}
