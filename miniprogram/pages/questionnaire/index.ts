/**
 * The questionnaire: shows what the API says and sends back a tap or a typed answer. Each
 * question gets the control its kind calls for (the API's `expects`): buttons for a choice or
 * yes/no, toggles and a send button for several choices or people, a number keyboard for a
 * number, one age box per person. No question text lives here (api/conversation.ts).
 * When the dialog reaches results they are kept in the running app and the results page opens.
 */
import { type Choice, type Question, say, startConversation, type Turn } from '../../api/conversation';
import { direction, type Lang, setTitle, storedLang, t } from '../../i18n/t';
import { isolate, type Run } from '../../lib/isolate';
import { rememberedPlace } from '../../lib/place';
import { keepResults } from '../../lib/results-memory';

/** The control under the question. */
type Control = '' | 'buttons' | 'picks' | 'number' | 'ages' | 'text';

interface Shown {
  id: string;
  label: Run[];
  text: string;
  picked: boolean;
}

/** What was sent, as the resident reads it in the list of answers. */
interface Sent {
  label: string;
  back?: boolean;
}

function controlFor(turn: Turn): Control {
  const { answer, choices } = turn.expects;
  if (answer === 'number') return 'number';
  if (answer === 'ages') return turn.question?.people ? 'ages' : 'text';
  if (!choices.length) return 'text';
  return answer === 'multi_choice' || answer === 'members' ? 'picks' : 'buttons';
}

Component({
  data: {
    lang: 'zh' as Lang,
    dir: 'ltr' as 'ltr' | 'rtl',
    id: '',
    phase: '',
    step: '',
    number: 0,
    /** Questions answered so far (a re-asked question is not one). */
    history: [] as { q: Run[]; a: Run[] }[],
    notes: [] as Run[][],
    progress: [] as Run[],
    prompt: [] as Run[],
    promptText: '',
    control: '' as Control,
    choices: [] as Shown[],
    none: null as Shown | null,
    draft: '',
    ages: [] as { label: Run[]; value: string }[],
    canBack: false,
    busy: false,
    error: '',
    labels: {
      send: '',
      sending: '',
      answer: '',
      tapOrType: '',
      pickHint: '',
      pickSend: '',
      you: '',
      back: '',
      age: '',
    },
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
          pickHint: t(lang, 'web.chat.pick_hint'),
          pickSend: t(lang, 'web.chat.pick_send'),
          you: t(lang, 'web.chat.you'),
          back: t(lang, 'web.chat.back'),
          age: t(lang, 'web.form.age'),
        },
      });
      void this.run(() => startConversation(lang, rememberedPlace()));
    },
  },
  methods: {
    async run(step: () => Promise<Turn>, sent?: Sent) {
      this.setData({ busy: true, error: '' });
      try {
        this.show(await step(), sent);
      } catch {
        // Nothing sent is lost: the typed answer stays in its box for another try.
        this.setData({ error: t(this.data.lang, 'web.chat.network_error') });
      } finally {
        this.setData({ busy: false });
      }
    },
    show(turn: Turn, sent?: Sent) {
      const { lang, dir } = this.data;
      if (turn.results) {
        keepResults(turn.results);
        wx.redirectTo({ url: `/pages/results/index?id=${encodeURIComponent(turn.id)}` });
        return;
      }
      const q: Question | undefined = turn.question;
      if (!q && turn.phase === 'questions' && this.data.step) {
        // Only words, the question still open (nothing to go back to): the question stays.
        this.setData({ notes: turn.notes.map((n) => isolate(n, dir)) });
        return;
      }
      // The same question again (same step and number): the answer was not taken, and the
      // dialog says why in a note. Anything else moved on (or back, with "back").
      const reasked = !!q && q.step === this.data.step && q.number === this.data.number;
      let history = this.data.history;
      if (sent?.back) {
        if (q && q.number < this.data.number) history = history.slice(0, -1);
      } else if (sent && !reasked && this.data.promptText)
        history = [...history, { q: isolate(this.data.promptText, dir), a: isolate(sent.label, dir) }];
      const shown = (c: Choice): Shown => ({
        id: c.id,
        label: isolate(c.label, dir),
        text: c.label,
        picked: false,
      });
      const control = controlFor(turn);
      const people = control === 'ages' ? (q?.people ?? 0) : 0;
      const ages = Array.from({ length: people }, (_, i) => ({
        label: isolate(t(lang, 'web.form.person', { n: i + 1 }), dir),
        // A re-asked age keeps what was typed, to be corrected rather than typed again.
        value: reasked ? (this.data.ages[i]?.value ?? '') : '',
      }));
      this.setData({
        id: turn.id,
        phase: turn.phase,
        step: q?.step ?? '',
        number: q?.number ?? 0,
        history,
        notes: turn.notes.map((n) => isolate(n, dir)),
        progress: q ? isolate(q.progress, dir) : [],
        prompt: q ? isolate(q.prompt, dir) : [],
        promptText: q?.prompt ?? '',
        control,
        choices: turn.expects.choices.map(shown),
        none: turn.expects.none ? shown(turn.expects.none) : null,
        draft: reasked ? this.data.draft : '',
        ages,
        canBack: turn.phase === 'questions' && history.length > 0,
      });
    },
    /** Sends one message; a second tap while one is on its way does nothing. */
    answer(text: string, sent: Sent) {
      if (this.data.busy || !this.data.id || !text.trim()) return;
      const { id, lang } = this.data;
      return this.run(() => say(id, text.trim(), lang), sent);
    },
    tapChoice(e: WechatMiniprogram.TouchEvent) {
      const id = e.currentTarget.dataset['id'];
      const all = [...this.data.choices, ...(this.data.none ? [this.data.none] : [])];
      const choice = all.find((c) => c.id === id);
      if (choice) return this.answer(choice.id, { label: choice.text });
    },
    togglePick(e: WechatMiniprogram.TouchEvent) {
      if (this.data.busy) return;
      const id = e.currentTarget.dataset['id'];
      this.setData({
        choices: this.data.choices.map((c) => (c.id === id ? { ...c, picked: !c.picked } : c)),
      });
    },
    sendPicks() {
      const picked = this.data.choices.filter((c) => c.picked);
      if (!picked.length) return;
      return this.answer(picked.map((c) => c.id).join(' '), {
        label: picked.map((c) => c.text).join(t(this.data.lang, 'screen.cli.listSeparator')),
      });
    },
    typed(e: WechatMiniprogram.Input) {
      this.setData({ draft: e.detail.value });
    },
    send() {
      return this.answer(this.data.draft, { label: this.data.draft.trim() });
    },
    typedAge(e: WechatMiniprogram.Input) {
      const i = Number(e.currentTarget.dataset['index']);
      this.setData({ ages: this.data.ages.map((a, j) => (j === i ? { ...a, value: e.detail.value } : a)) });
    },
    sendAges() {
      const typed = this.data.ages.map((a) => a.value.trim()).filter((v) => v.length > 0);
      // The dialog takes everyone's age in one message, "45 43 12".
      return this.answer(typed.join(' '), {
        label: typed.join(t(this.data.lang, 'screen.cli.listSeparator')),
      });
    },
    back() {
      // The dialog's own "back" command, in the words it reads (chat.commandWords.back).
      const word = t(this.data.lang, 'chat.commandWords.back').split('|')[0] ?? '';
      return this.answer(word, { label: '', back: true });
    },
  },
});
