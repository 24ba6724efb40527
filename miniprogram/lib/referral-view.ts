/**
 * One of "my referrals" as the pages show it: the status in words (the server's, in the
 * resident's language), the programs by name (locales), and the dates, each filled into its
 * sentence as an isolated segment. No reference and no digits: WeChat vouches for the resident.
 */
import type { MyReferral } from '../api/sign-in';
import { chinaDate, fill, programName, type Segment } from '../i18n/fill';
import { type Lang, t } from '../i18n/t';

export interface ReferralView {
  at: string;
  status: string;
  statusText: string;
  programs: Segment[];
  programList: { name: string; verdict: string }[];
  received: Segment[];
  updated: Segment[];
  subscribed: string;
}

export function referralView(lang: Lang, r: MyReferral): ReferralView {
  // A loop, not Array.prototype.flatMap (ES2019): not in WeChat's polyfills (lib/isolate.ts).
  const programList: { name: string; verdict: string }[] = [];
  for (const p of r.programs) {
    const name = programName(lang, p.id);
    const verdict = t(lang, p.verdict === 'likely' ? 'web.results.likely' : 'web.results.possible');
    if (name) programList.push({ name, verdict });
  }
  const names = programList.map((p) => p.name).join(t(lang, 'screen.cli.listSeparator'));
  return {
    at: r.createdAt,
    status: r.status,
    statusText: r.statusText,
    programs: fill(t(lang, 'web.status.programs'), { names }),
    programList,
    received: fill(t(lang, 'web.status.received'), { date: chinaDate(r.createdAt) }),
    updated: fill(t(lang, 'web.status.updated'), { date: chinaDate(r.updatedAt) }),
    subscribed: t(lang, r.subscribed ? 'web.miniprogram.subscribed' : 'web.miniprogram.not_subscribed'),
  };
}
