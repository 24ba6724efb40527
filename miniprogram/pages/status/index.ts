/**
 * One referral from "my referrals" (opened with ?at=<its creation time>, which the list gives):
 * its status, each program with how likely it is, the dates, and whether WeChat messages will
 * tell of changes. Read again from the same signed-in list: no endpoint of its own, no number.
 */
import { myReferrals } from '../../api/sign-in';
import { direction, type Lang, setTitle, storedLang, t } from '../../i18n/t';
import { failureText } from '../../lib/failure-text';
import { type ReferralView, referralView } from '../../lib/referral-view';

/**
 * WeChat fills a Component() page's properties from its URL query as the URL carries it, not
 * decoded (the list encodes `at`: "07:42" arrives as "07%3A42"). An ISO time has no "%" of its
 * own, so decoding an already plain value changes nothing; a malformed one is left as it is.
 */
function decoded(v: string): string {
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
}

Component({
  properties: { at: { type: String, value: '' } },
  data: {
    lang: 'zh' as Lang,
    dir: 'ltr' as 'ltr' | 'rtl',
    wanted: '',
    loading: true,
    problem: '',
    item: null as ReferralView | null,
    labels: { state: '', loading: '' },
  },
  lifetimes: {
    attached() {
      const lang = storedLang() ?? 'zh';
      setTitle(lang, 'web.status.title');
      this.setData({
        lang,
        dir: direction(lang),
        labels: { state: t(lang, 'web.status.state'), loading: t(lang, 'web.miniprogram.signing_in') },
      });
      if (this.properties.at) void this.load(decoded(this.properties.at));
    },
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      if (!this.data.wanted && query['at']) void this.load(decoded(query['at']));
    },
    async load(at: string) {
      const { lang } = this.data;
      this.setData({ wanted: at, loading: true, problem: '' });
      const out = await myReferrals(lang);
      if (!out.ok) {
        this.setData({ loading: false, problem: failureText(lang, out.why) });
        return;
      }
      const found = out.value.find((r) => r.createdAt === at);
      this.setData({
        loading: false,
        item: found ? referralView(lang, found) : null,
        problem: found ? '' : t(lang, 'web.miniprogram.not_found'),
      });
    },
  },
});
