/**
 * The results: one card per program the questionnaire found likely or possible, as the API sent
 * them (name, verdict, tier, amount, each reason with its clause, where to apply, papers), and the
 * pre-screen disclaimer of the web results page. Opened as /pages/results/index?id=<conversation>;
 * the cards come from the running app (lib/results-memory.ts), as the API has no GET for them.
 * "Ask my township to contact me" opens /pages/referral/index?id=<conversation>.
 */
import type { Card } from '../../api/conversation';
import { direction, type Lang, setTitle, storedLang, t } from '../../i18n/t';
import { isolate, type Run } from '../../lib/isolate';
import { resultsFor } from '../../lib/results-memory';

interface CardView {
  program: string;
  verdict: string;
  name: Run[];
  verdictText: Run[];
  tier: Run[];
  amount: Run[];
  oneOff: Run[];
  reasons: { kind: string; text: Run[]; clause: Run[] }[];
  where: Run[];
  papers: Run[];
  open: boolean;
}

function cardView(c: Card, lang: Lang, dir: 'ltr' | 'rtl'): CardView {
  const iso = (s: string) => isolate(s, dir);
  const amount = c.amountText
    ? t(lang, c.floor ? 'web.results.monthly_floor' : 'web.results.monthly', { amount: c.amountText })
    : '';
  return {
    program: c.program,
    verdict: c.verdict,
    name: iso(c.name),
    verdictText: iso(c.verdictText),
    tier: c.tier ? iso(t(lang, 'web.results.tier', { tier: c.tier })) : [],
    amount: amount ? iso(amount) : [],
    oneOff: c.oneOffText ? iso(t(lang, 'web.results.one_off', { amount: c.oneOffText })) : [],
    reasons: c.reasons.map((r) => ({
      kind: r.kind,
      text: iso(r.text),
      clause: r.clause ? iso(r.clause) : [],
    })),
    where: iso(t(lang, 'web.results.where', { place: c.applyAt, department: c.department })),
    papers: c.papers.length
      ? iso(t(lang, 'web.results.papers', { papers: c.papers.join(t(lang, 'screen.cli.listSeparator')) }))
      : [],
    open: false,
  };
}

Component({
  data: {
    dir: 'ltr' as 'ltr' | 'rtl',
    lang: 'zh' as Lang,
    /** The conversation, from the page's query (?id=). */
    id: '',
    found: false,
    cards: [] as CardView[],
    askTownship: [] as Run[],
    unlikely: [] as Run[],
    labels: {
      title: '',
      none: '',
      why: '',
      others: '',
      decides: '',
      referTitle: '',
      referText: '',
      referButton: '',
      startOver: '',
      gone: '',
    },
  },
  lifetimes: {
    attached() {
      const lang = storedLang() ?? 'zh';
      setTitle(lang, 'chat.results.title');
      this.setData({
        lang,
        dir: direction(lang),
        labels: {
          title: t(lang, 'web.results.title'),
          none: t(lang, 'web.results.none'),
          why: t(lang, 'web.results.why'),
          others: t(lang, 'web.results.others_title'),
          decides: t(lang, 'web.site.decides'),
          referTitle: t(lang, 'web.results.refer_title'),
          referText: t(lang, 'web.results.refer_text'),
          referButton: t(lang, 'web.results.refer_button'),
          startOver: t(lang, 'web.chat.start_over'),
          gone: t(lang, 'web.results.gone'),
        },
      });
    },
  },
  methods: {
    /** A page built with Component() gets its URL query here (/pages/results/index?id=...). */
    onLoad(query: Record<string, string | undefined>) {
      const id = query['id'] ?? '';
      const { lang, dir } = this.data;
      const kept = resultsFor(id);
      const sep = t(lang, 'screen.cli.listSeparator');
      this.setData({
        id,
        found: !!kept,
        cards: kept ? kept.cards.map((c) => cardView(c, lang, dir)) : [],
        askTownship: kept?.askTownship
          ? isolate(t(lang, 'web.results.ask_township', { names: kept.askTownship }), dir)
          : [],
        unlikely: kept?.unlikely.length ? isolate(kept.unlikely.join(sep), dir) : [],
      });
    },
    toggleWhy(e: WechatMiniprogram.TouchEvent) {
      const i = Number(e.currentTarget.dataset['index']);
      this.setData({ cards: this.data.cards.map((c, j) => (j === i ? { ...c, open: !c.open } : c)) });
    },
    refer() {
      wx.navigateTo({ url: `/pages/referral/index?id=${encodeURIComponent(this.data.id)}` });
    },
    startOver() {
      // A new conversation; the finished one stays on the server until it expires.
      wx.redirectTo({ url: '/pages/questionnaire/index' });
    },
  },
});
