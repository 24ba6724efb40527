/**
 * "My referrals": wx.login → sign-in → the resident's referrals with their status, programs and
 * dates. Says so, in the resident's language, when sign-in is not set up on the server or did
 * not work (with a retry). A status message from WeChat opens this page too.
 */
import { myReferrals } from '../../api/sign-in';
import { direction, type Lang, setTitle, storedLang, t } from '../../i18n/t';
import { failureText } from '../../lib/failure-text';
import { type ReferralView, referralView } from '../../lib/referral-view';

Component({
  data: {
    lang: 'zh' as Lang,
    dir: 'ltr' as 'ltr' | 'rtl',
    loading: true,
    problem: '',
    canRetry: false,
    items: [] as ReferralView[],
    labels: { title: '', none: '', loading: '', retry: '', details: '', state: '' },
  },
  lifetimes: {
    attached() {
      const lang = storedLang() ?? 'zh';
      setTitle(lang, 'web.miniprogram.my_referrals');
      this.setData({
        lang,
        dir: direction(lang),
        labels: {
          title: t(lang, 'web.miniprogram.my_referrals'),
          none: t(lang, 'web.miniprogram.none'),
          loading: t(lang, 'web.miniprogram.signing_in'),
          retry: t(lang, 'web.miniprogram.retry'),
          details: t(lang, 'web.miniprogram.details'),
          state: t(lang, 'web.status.state'),
        },
      });
      void this.load();
    },
  },
  methods: {
    /**
     * Back from a status page, or brought to the front by a WeChat status message: fresh status.
     * In methods as onShow, not pageLifetimes.show: WeChat's doc on building a page with
     * Component() puts a page's own lifecycle (the on… methods) in methods; pageLifetimes are for
     * the page a component sits in.
     */
    onShow() {
      if (!this.data.loading) void this.load();
    },
    async load() {
      const { lang } = this.data;
      this.setData({ loading: true, problem: '', canRetry: false });
      const out = await myReferrals(lang);
      if (out.ok) this.setData({ items: out.value.map((r) => referralView(lang, r)) });
      else
        this.setData({ items: [], problem: failureText(lang, out.why), canRetry: out.why !== 'not_set_up' });
      this.setData({ loading: false });
    },
    retry() {
      if (!this.data.loading) return this.load();
    },
    open(e: WechatMiniprogram.TouchEvent) {
      const at = e.currentTarget.dataset['at'];
      if (typeof at === 'string') wx.navigateTo({ url: `/pages/status/index?at=${encodeURIComponent(at)}` });
    },
  },
});
