/**
 * The referral was sent (opened with ?reference=…&updates=on|off|not_set_up|failed|unavailable):
 * its number, what happens next (the web sent page's words: the township contacts the resident
 * and visits), whether status updates will come by WeChat message, and the way to "my
 * referrals". The reference comes in the page query, never from the phone's storage.
 */
import { direction, type Lang, setTitle, storedLang, t } from '../../i18n/t';
import { fill, type Segment } from '../../i18n/fill';
import { failureText, isFailure } from '../../lib/failure-text';

const referencePattern = /^[A-Z]{2}-[0-9A-Z]{8}$/;

Component({
  properties: {
    reference: { type: String, value: '' },
    updates: { type: String, value: '' },
  },
  data: {
    dir: 'ltr' as 'ltr' | 'rtl',
    title: '',
    reference: '',
    sent: [] as Segment[],
    next: '',
    updatesText: '',
    updatesOn: false,
    myReferrals: '',
  },
  lifetimes: {
    attached() {
      this.render(this.properties.reference, this.properties.updates);
    },
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      if (!this.data.reference) this.render(query['reference'] ?? '', query['updates'] ?? '');
    },
    render(reference: string, updates: string) {
      const lang: Lang = storedLang() ?? 'zh';
      setTitle(lang, 'web.referral.sent_title');
      const ok = referencePattern.test(reference);
      let updatesText = t(lang, 'web.miniprogram.updates_off');
      if (updates === 'on') updatesText = t(lang, 'web.miniprogram.updates_on');
      else if (isFailure(updates)) updatesText = failureText(lang, updates);
      this.setData({
        dir: direction(lang),
        title: t(lang, 'web.referral.sent_title'),
        reference: ok ? reference : '',
        sent: ok ? fill(t(lang, 'web.referral.sent'), { reference }) : [],
        next: t(lang, 'web.site.decides'),
        updatesText,
        updatesOn: updates === 'on',
        myReferrals: t(lang, 'web.miniprogram.my_referrals'),
      });
    },
    openMyReferrals() {
      wx.navigateTo({ url: '/pages/my-referrals/index' });
    },
  },
});
