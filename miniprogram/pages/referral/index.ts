/**
 * The referral, after the results' "ask my township to contact me" (opened with ?id=<the
 * conversation>): the dialog's own consent question, in full, with its choices as buttons
 * (nothing chosen beforehand), then the name, phone, ID number and confirmation as the dialog
 * asks them. Once it is sent, the resident may allow status messages: the tap itself calls
 * wx.requestSubscribeMessage (WeChat only allows it from a tap), then wx.login → sign-in ties
 * the referral to them with the templates they accepted, and the sent page opens.
 */
import { askTownship, type Choice, type InputKind, type Step, say } from '../../api/referral-dialog';
import { type Failure, linkReferral, settings } from '../../api/sign-in';
import { direction, type Lang, setTitle, storedLang, t } from '../../i18n/t';
import { failureText } from '../../lib/failure-text';
import { recall, remember } from '../../lib/referral-memory';

const conversationId = /^[0-9a-f-]{36}$/;

Component({
  data: {
    lang: 'zh' as Lang,
    dir: 'ltr' as 'ltr' | 'rtl',
    conversation: '',
    phase: '',
    messages: [] as string[],
    choices: [] as Choice[],
    input: 'none' as InputKind,
    draft: '',
    busy: false,
    error: '',
    /** What to send again after a failed send (the first "yes" has no button of its own). */
    unsent: '',
    reference: '',
    /** Undefined until the server's settings arrive. */
    signIn: undefined as boolean | undefined,
    templates: [] as string[],
    signInNote: '',
    labels: { send: '', sending: '', answer: '', subscribe: '', subscribeHint: '', notNow: '', retry: '' },
  },
  lifetimes: {
    attached() {
      const lang = storedLang();
      if (!lang) {
        wx.redirectTo({ url: '/pages/language/index' });
        return;
      }
      setTitle(lang, 'web.referral.title');
      this.setData({
        lang,
        dir: direction(lang),
        labels: {
          send: t(lang, 'web.chat.send'),
          sending: t(lang, 'web.chat.sending'),
          answer: t(lang, 'web.chat.answer_label'),
          subscribe: t(lang, 'web.miniprogram.subscribe'),
          subscribeHint: t(lang, 'web.miniprogram.subscribe_hint'),
          notNow: t(lang, 'web.miniprogram.not_now'),
          retry: t(lang, 'web.miniprogram.retry'),
        },
      });
    },
  },
  methods: {
    /**
     * The page query (?id=<conversation>), as WeChat hands it to a page. Not a property: `id`
     * is every component's own attribute.
     */
    onLoad(query: Record<string, string | undefined>) {
      if (storedLang() && query['id']) this.begin(query['id']);
    },
    begin(id: string) {
      if (this.data.conversation || !conversationId.test(id)) return;
      this.setData({ conversation: id });
      void this.loadSettings();
      const shown = recall(id);
      if (shown) this.show(shown);
      else void this.send(askTownship);
    },
    async loadSettings() {
      try {
        const s = await settings(this.data.lang);
        this.setData({
          signIn: s.signIn,
          templates: s.templates,
          signInNote: s.signIn ? '' : failureText(this.data.lang, 'not_set_up'),
        });
      } catch {
        // Unknown: no subscription button; the referral itself does not depend on it.
        this.setData({ signIn: false, templates: [] });
      }
    },
    show(step: Step) {
      this.setData({
        phase: step.phase,
        messages: step.messages,
        choices: step.choices,
        input: step.input,
        reference: step.reference ?? '',
      });
    },
    async send(text: string) {
      const { busy, conversation, lang, phase } = this.data;
      if (busy || !conversation || this.data.reference) return;
      // Busy at once: a second tap while this one is on its way sends nothing.
      this.setData({ busy: true, error: '', unsent: '' });
      try {
        const step = await say(conversation, text, lang);
        remember(conversation, step);
        this.show(step);
        // Asked again (a mistyped phone): the typed text stays in the box to be corrected.
        if (step.phase !== phase) this.setData({ draft: '' });
      } catch {
        this.setData({ error: t(lang, 'web.chat.network_error'), unsent: text });
      } finally {
        this.setData({ busy: false });
      }
    },
    retry() {
      if (this.data.unsent) return this.send(this.data.unsent);
    },
    tapChoice(e: WechatMiniprogram.TouchEvent) {
      const id = e.currentTarget.dataset['id'];
      if (typeof id === 'string') return this.send(id);
    },
    typed(e: WechatMiniprogram.Input) {
      this.setData({ draft: e.detail.value });
    },
    submit() {
      const text = this.data.draft.trim();
      if (text) return this.send(text);
    },
    /** "Tell me when the status changes": WeChat asks the resident, from this tap. */
    subscribe() {
      const { busy, reference, templates } = this.data;
      if (busy || !reference || !templates.length) return;
      this.setData({ busy: true });
      let accepted: string[] = [];
      wx.requestSubscribeMessage({
        tmplIds: templates,
        success: (res) => {
          const answers = res as unknown as Record<string, string>;
          accepted = templates.filter((id) => answers[id] === 'accept');
        },
        complete: () => void this.finish(accepted),
      });
    },
    notNow() {
      if (this.data.busy || !this.data.reference) return;
      this.setData({ busy: true });
      return this.finish([]);
    },
    /**
     * Ties the referral to the resident (so "my referrals" lists it) with the templates they
     * accepted, then opens the sent page saying whether updates will come by WeChat message.
     */
    async finish(accepted: string[]) {
      const { conversation, lang, reference, signIn } = this.data;
      let updates: 'on' | 'off' | Failure = 'not_set_up';
      if (signIn) {
        const linked = await linkReferral(conversation, accepted, lang);
        updates = linked.ok ? (linked.value.length ? 'on' : 'off') : linked.why;
      }
      this.setData({ busy: false });
      wx.redirectTo({
        url: `/pages/sent/index?reference=${encodeURIComponent(reference)}&updates=${updates}`,
      });
    },
  },
});
