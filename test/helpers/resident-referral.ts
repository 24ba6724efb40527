/**
 * One resident on the web, as reliability tests drive them: the one-page form to results, then a
 * referral with consent. Resident n gets a name and phone of their own, so lost or mixed-up
 * referrals show.
 */
import { PageClient } from './browser-session.ts';

export interface Resident {
  page: PageClient;
  /** The referral page of this resident's finished screening. */
  link: string;
  name: string;
  phone: string;
}

/** Form → results; undefined when the results page did not come. */
export async function residentWithResults(base: string, n: number): Promise<Resident | undefined> {
  const page = new PageClient(base);
  await page.get('/zh/form');
  await page.post('/zh/form', [
    ['rows', '4'],
    ['county', 'tekes'],
    ['township', 'karadala'],
    ['area', 'rural'],
    ['age_0', String(20 + (n % 60))],
    ['work_0', 'full'],
    ['income', String(100 + n)],
    ['property', 'yes'],
    ['action', 'results'],
  ]);
  const link = /href="(\/zh\/referral\/[A-Za-z0-9_-]{43})"/.exec(page.last)?.[1];
  if (!link) return undefined;
  // Names are letters only (digits are refused): one Han character per resident number.
  const name = `居民${String.fromCodePoint(0x4e00 + (n % 20_000))}`;
  const phone = `139${String(10_000_000 + n).slice(-8)}`;
  return { page, link, name, phone };
}

/** Consent, name and phone (and any extra fields) sent; the reference then shown, if any. */
export async function sendReferral(
  r: Resident,
  extra: Record<string, string> = {},
): Promise<string | undefined> {
  // From the results page (which has no form), the referral page first, as a browser would.
  if (!r.page.token()) await r.page.get(r.link);
  await r.page.post(r.link, { consent: 'yes', name: r.name, phone: r.phone, ...extra });
  if (r.page.status >= 400) return undefined;
  await r.page.get(r.link);
  return /id="reference">([A-Z]{2}-[0-9A-Z]{8})/.exec(r.page.last)?.[1];
}

/**
 * The form's answers for a Tekes rural couple (45 and 43, both able to work, 600 yuan a month,
 * property within the limits): tier C dibao, so the results offer a referral.
 */
export function coupleForm(township = 'karadala'): [string, string][] {
  return [
    ['rows', '4'],
    ['county', 'tekes'],
    ['township', township],
    ['area', 'rural'],
    ['age_0', '45'],
    ['work_0', 'full'],
    ['age_1', '43'],
    ['work_1', 'full'],
    ['income', '600'],
    ['property', 'yes'],
  ];
}

/** That couple's referral through the web form, with these contact fields; returns its reference. */
export async function coupleReferral(
  base: string,
  contact: Record<string, string>,
  township = 'karadala',
): Promise<string> {
  const page = new PageClient(base);
  await page.get('/zh/form');
  await page.post('/zh/form', [...coupleForm(township), ['action', 'results']]);
  const link = /href="(\/zh\/referral\/[A-Za-z0-9_-]{43})"/.exec(page.last)![1]!;
  await page.get(link);
  await page.post(link, { consent: 'yes', ...contact });
  await page.get(link);
  return /id="reference">([A-Z]{2}-[0-9A-Z]{8})/.exec(page.last)![1]!;
}
