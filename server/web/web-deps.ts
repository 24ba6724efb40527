/** What the resident pages need: the rules, the dialog and where its data is kept. */
import type { Session } from '../../bot/dialog/session.ts';
import type { DialogDeps } from '../../bot/dialog/transition.ts';
import type { ContactProof } from '../../bot/referral/contact-proof.ts';
import type { ReferralRecord } from '../../bot/referral/referral-record.ts';
import type { Collection } from '../../bot/store/collection-store.ts';
import type { Screener } from '../../rules/engine/screen.ts';
import type { NewConversation } from '../limits/new-conversations.ts';

export interface WebDeps {
  screener: Screener;
  dialog: DialogDeps;
  sessions: Collection<Session>;
  referrals: Collection<ReferralRecord>;
  /** The address residents reach (printed on posters as a QR code), without a trailing slash. */
  publicUrl: () => string;
  /** Reference + phone checks, wrong tries counted per reference (shared with WeChat). */
  proof: ContactProof;
  /** Requests per minute one client may make to the referral status lookup. */
  statusLookupsPerMinute: number;
  /** How long a results page and the answers behind it are kept, from when it was made. */
  resultsKeepMs: number;
  /** Counts a conversation about to be stored for the first time; throws 429 beyond the budget. */
  newConversation: NewConversation;
}

/** A poster's link carries the county and township: the questionnaire then starts after them. */
export function placeFromQuery(
  query: Record<string, unknown>,
  deps: WebDeps,
): { county?: string; township?: string } {
  const county = typeof query.county === 'string' ? query.county : undefined;
  if (!county || !deps.dialog.steps.counties.includes(county)) return {};
  const township = typeof query.township === 'string' ? query.township : undefined;
  const known = township && deps.dialog.steps.townships(county).some((t) => t.id === township);
  return known ? { county, township } : { county };
}

export function placeQuery(place: { county?: string; township?: string }): string {
  const p = new URLSearchParams();
  if (place.county) p.set('county', place.county);
  if (place.township) p.set('township', place.township);
  const s = p.toString();
  return s ? `?${s}` : '';
}
