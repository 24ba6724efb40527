/**
 * The dialog's replies as the web chat shows them: text bubbles, a question with tap-able
 * answers, result cards. The words are the same locale strings WeChat and the terminal use.
 */
import type { Reply } from '../../bot/dialog/replies.ts';
import { renderReplies, yesNoSteps } from '../../bot/dialog/render.ts';
import type { Phase, Session } from '../../bot/dialog/session.ts';
import { type Language, languages, translator } from '../../locales/i18n.ts';
import { resultView } from '../../rules/explain/result-view.ts';

export type ReplyView =
  | { kind: 'text'; text: string }
  | { kind: 'question'; progress: string; text: string; note?: string }
  | { kind: 'results'; view: ReturnType<typeof resultView>; link?: string };

export interface QuickReply {
  value: string;
  label: string;
  /** The label's own language, when it is not the page's (the language choice). */
  lang?: Language;
}

/** @param resultsLink the results' own address (to keep or print), shown with the result cards */
export function replyViews(replies: Reply[], lang: Language, resultsLink?: string): ReplyView[] {
  const t = translator(lang);
  return replies.map((r) => {
    const v = replyView(r, t, lang);
    return v.kind === 'results' && resultsLink ? { ...v, link: resultsLink } : v;
  });
}

function replyView(r: Reply, t: ReturnType<typeof translator>, lang: Language): ReplyView {
  if (r.kind === 'text') return { kind: 'text', text: t(r.key, r.params ?? {}) };
  if (r.kind === 'results') return { kind: 'results', view: resultView(t, r.result, lang) };
  if (r.kind === 'summary' || r.kind === 'choose' || r.kind === 'office')
    return { kind: 'text', text: renderReplies([r], lang).join('\n') };
  const q: ReplyView = {
    kind: 'question',
    progress: t('chat.progress', { number: r.number, about: r.about }),
    text: t(`chat.questions.${r.step}`, { age: r.subjectAge }),
  };
  if (r.localNote) q.note = t('chat.property_rules', { rules: r.localNote[lang] });
  return q;
}

/** Buttons under the chat: what the resident can answer with one tap now. */
export function quickReplies(session: Session, replies: Reply[], lang: Language): QuickReply[] {
  const t = translator(lang);
  const yesNo = (prefix: string): QuickReply[] => [
    { value: '1', label: t(`web.chat.quick.${prefix}_yes`) },
    { value: '2', label: t(`web.chat.quick.${prefix}_no`) },
  ];
  const byPhase: Partial<Record<Phase, () => QuickReply[]>> = {
    language: () =>
      languages.map((l, i) => ({
        value: String(i + 1),
        label: translator(l)('web.site.language_name'),
        lang: l,
      })),
    resume: () => yesNo('resume'),
    results: () => yesNo('results'),
    referral_consent: () => yesNo('consent'),
    referral_confirm: () => yesNo('confirm'),
    restart_confirm: () => yesNo('restart'),
    delete_confirm: () => yesNo('delete'),
    person_consent: () => yesNo('person'),
    referral_id: () => [
      { value: t('chat.referral.skip_words').split('|')[0]!, label: t('web.chat.quick.skip') },
    ],
  };
  const fromPhase = byPhase[session.phase];
  if (fromPhase) return fromPhase();
  // A choice outside the questions (the county or township for a call-back): its options.
  const choice = replies.findLast((r) => r.kind === 'choose');
  if (choice?.kind === 'choose')
    return choice.options.map((o, i) => ({
      value: String(i + 1),
      label: o.text ? o.text[lang] : t(`chat.options.${o.label}`),
    }));
  const q = replies.findLast((r) => r.kind === 'question');
  if (session.phase !== 'questions' || !q || q.kind !== 'question') return [];
  if (q.options.length)
    return q.options.map((o, i) => ({
      value: String(i + 1),
      label: o.text ? o.text[lang] : t(`chat.options.${o.label}`),
    }));
  if (yesNoSteps.has(q.step))
    return [
      { value: '1', label: t('web.form.yes') },
      { value: '2', label: t('web.form.no') },
    ];
  return [];
}
