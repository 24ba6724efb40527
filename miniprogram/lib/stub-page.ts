/**
 * A page not built yet: it already takes the resident's language (title and direction) so the
 * navigation works end to end. TODO(issue 17): results, referral with consent and subscription,
 * sent, my referrals (WeChat sign-in) and status are built on the structured API.
 */
import { type ChromeKey, direction, storedLang, setTitle } from '../i18n/t';

export function stubPage(titleKey: ChromeKey): void {
  Component({
    data: { dir: 'ltr' as 'ltr' | 'rtl' },
    lifetimes: {
      attached() {
        const lang = storedLang() ?? 'zh';
        setTitle(lang, titleKey);
        this.setData({ dir: direction(lang) });
      },
    },
  });
}
