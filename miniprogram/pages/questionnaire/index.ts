/**
 * The questionnaire: shows what the API says (questions, results) and sends back a tapped choice
 * or a typed answer. No question text lives here; see api/conversation.ts for the adapter.
 */
import { say, startConversation, type Turn } from '../../api/conversation';
import { direction, type Lang, setTitle, storedLang, t } from '../../i18n/t';

Component({
  data: {
    lang: 'zh' as Lang,
    dir: 'ltr' as 'ltr' | 'rtl',
    id: '',
    phase: '',
    messages: [] as string[],
    choices: [] as Turn['choices'],
    draft: '',
    busy: false,
    error: '',
    labels: { send: '', sending: '', answer: '', tapOrType: '' },
  },
  lifetimes: {
    attached() {
      const lang = storedLang();
      if (!lang) {
        // No language yet (opened from a shared link): choose one first.
        wx.redirectTo({ url: '/pages/language/index' });
        return;
      }
      setTitle(lang, 'web.chat.title');
      this.setData({
        lang,
        dir: direction(lang),
        labels: {
          send: t(lang, 'web.chat.send'),
          sending: t(lang, 'web.chat.sending'),
          answer: t(lang, 'web.chat.answer_label'),
          tapOrType: t(lang, 'web.chat.tap_or_type'),
        },
      });
      void this.run(() => startConversation(lang));
    },
  },
  methods: {
    async run(step: () => Promise<Turn>, onFail?: () => void) {
      this.setData({ busy: true, error: '' });
      try {
        const turn = await step();
        // TODO(issue 17): phase "results" opens pages/results with the structured result cards.
        this.setData({ id: turn.id, phase: turn.phase, messages: turn.messages, choices: turn.choices });
      } catch {
        onFail?.();
        this.setData({ error: t(this.data.lang, 'web.chat.network_error') });
      } finally {
        this.setData({ busy: false });
      }
    },
    answer(text: string) {
      if (this.data.busy || !this.data.id || !text.trim()) return;
      const { id, lang } = this.data;
      // The typed answer leaves the box only once it was sent, so a failed send can be retried.
      return this.run(async () => {
        const turn = await say(id, text.trim(), lang);
        this.setData({ draft: '' });
        return turn;
      });
    },
    tapChoice(e: WechatMiniprogram.TouchEvent) {
      const value = e.currentTarget.dataset['value'];
      if (typeof value === 'string') return this.answer(value);
    },
    typed(e: WechatMiniprogram.Input) {
      this.setData({ draft: e.detail.value });
    },
    send() {
      return this.answer(this.data.draft);
    },
  },
});
