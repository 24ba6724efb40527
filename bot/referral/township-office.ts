/**
 * The township office a resident can phone or visit, from the county's configuration
 * (rules/jurisdictions/*.yaml, `townships[].office`). Nothing here is invented: a part the
 * county has not configured is absent, and the resident is told so and where to go instead.
 */
import type { LocalText, TownshipOffice } from '../../rules/engine/rule-file-schema.ts';
import type { Language } from '../../locales/i18n.ts';

/** Where to go: the township (its name in three languages) or, without one, the county (by id). */
export interface OfficeInfo extends TownshipOffice {
  county: string;
  township?: LocalText;
}

export interface TownshipList {
  townships: (county: string) => readonly { id: string; name: LocalText; office?: TownshipOffice }[];
}

/** The office for a county and township as configured; undefined without a county. */
export function officeInfo(
  places: TownshipList,
  county: string | undefined,
  township?: string,
): OfficeInfo | undefined {
  if (!county) return undefined;
  const t = township ? places.townships(county).find((x) => x.id === township) : undefined;
  return { county, ...(t ? { township: t.name, ...t.office } : {}) };
}

/** The office in one language, for a page or a chat message. */
export interface OfficeView {
  place: string;
  phone?: string;
  /** The number as a tel: link dials it (digits only). */
  tel?: string;
  address?: string;
  hours?: string;
}

export function officeView(
  info: OfficeInfo,
  lang: Language,
  countyName: (county: string) => string,
): OfficeView {
  const view: OfficeView = { place: info.township ? info.township[lang] : countyName(info.county) };
  if (info.phone) {
    view.phone = info.phone;
    view.tel = info.phone.replace(/\D/g, '');
  }
  if (info.address) view.address = info.address[lang];
  if (info.hours) view.hours = info.hours[lang];
  return view;
}
