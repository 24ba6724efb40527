/**
 * The first page: the resident picks a language, it is remembered, and the questionnaire opens.
 * Each language's name and hint are shown in that language (nothing is chosen yet).
 */
import { placeFromScene, rememberPlace } from '../../lib/place';
import { direction, type Lang, langs, rememberLang, setTitle, storedLang, t } from '../../i18n/t';

Component({
  data: {
    dir: 'ltr' as 'ltr' | 'rtl',
    options: [] as { lang: Lang; name: string; title: string; hint: string; dir: string; current: boolean }[],
  },
  lifetimes: {
    attached() {
      const remembered = storedLang();
      const lang = remembered ?? 'zh';
      setTitle(lang, 'web.language_page.title');
      this.setData({
        dir: direction(lang),
        options: langs.map((l) => ({
          lang: l,
          name: t(l, 'web.site.language_name'),
          title: t(l, 'web.language_page.title'),
          hint: t(l, 'web.language_page.hint'),
          dir: direction(l),
          current: l === remembered,
        })),
      });
    },
  },
  methods: {
    /** Opened from a poster's code: remember the county and township it names. */
    onLoad(query: Record<string, string | undefined>) {
      rememberPlace(placeFromScene(query['scene']));
    },
    choose(e: WechatMiniprogram.TouchEvent) {
      const lang = e.currentTarget.dataset['lang'];
      if (!(langs as unknown[]).includes(lang)) return;
      rememberLang(lang as Lang);
      wx.navigateTo({ url: '/pages/questionnaire/index' });
    },
  },
});
