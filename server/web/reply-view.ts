/**
 * The dialog's replies as the web chat shows them: text bubbles, a question with its numbered
 * choices, result cards. The words are the same locale strings WeChat and the terminal use.
 * Each bubble carries its own language and direction: after the resident switches language,
 * earlier bubbles stay as they were said ("您家住在哪个县？" must not be laid out right to left).
 */
import { choiceLabels } from '../../bot/dialog/choices.ts';
import { renderReplies } from '../../bot/dialog/render.ts';
import type { Reply } from '../../bot/dialog/replies.ts';
import type { Turn } from '../../bot/dialog/session.ts';
import { type Language, languageTags, textDirection, translator } from '../../locales/i18n.ts';
import { resultView } from '../../rules/explain/result-view.ts';

/** The language a bubble is in, as HTML attributes. */
export interface Said {
  lang: Language;
  tag: string;
  dir: 'ltr' | 'rtl';
  /** "Assistant" / "You" for screen readers, in the bubble's language. */
  who: string;
}

export type ReplyView = Said &
  (
    | { kind: 'text'; text: string; reference?: ReferenceView }
    | { kind: 'question'; progress: string; text: string; note?: string; choices: string[] }
    | { kind: 'results'; view: ReturnType<typeof resultView>; link?: string }
  );

/** A text that names a reference number: the number kept whole and the status page linked. */
export interface ReferenceView {
  before: string;
  reference: string;
  after: string;
  href: string;
  link: string;
}

/** One exchange: what the resident answered (if anything) and the replies to it. */
export interface TurnView {
  you?: Said & { text: string };
  replies: ReplyView[];
}

const said = (lang: Language, who: 'assistant' | 'you'): Said => ({
  lang,
  tag: languageTags[lang],
  dir: textDirection[lang],
  who: translator(lang)(`web.chat.${who}`),
});

/** @param resultsLink the results' own address (to keep or print), shown with the result cards */
export function replyViews(replies: Reply[], lang: Language, resultsLink?: string): ReplyView[] {
  const t = translator(lang);
  return replies.map((r) => {
    const v = replyView(r, t, lang);
    return v.kind === 'results' && resultsLink ? { ...v, link: resultsLink } : v;
  });
}

/** A turn as shown: the answer in the language of the page it was given on. */
export function turnView(turn: Turn, withReplies = true): TurnView {
  const view: TurnView = { replies: withReplies ? replyViews(turn.replies, turn.lang) : [] };
  const text = turn.hidden ? translator(turn.lang)('web.chat.answer_not_kept') : turn.said;
  if (text) view.you = { ...said(turn.lang, 'you'), text };
  return view;
}

// Marks where the reference goes, so the text around it can be laid out separately.
const mark = '\u2063ref\u2063';

function replyView(r: Reply, t: ReturnType<typeof translator>, lang: Language): ReplyView {
  const s = said(lang, 'assistant');
  if (r.kind === 'text') {
    const reference = r.params?.reference;
    if (typeof reference !== 'string') return { ...s, kind: 'text', text: t(r.key, r.params ?? {}) };
    const [before = '', after = ''] = t(r.key, { ...r.params, reference: mark }).split(mark);
    // Nothing to look up once it is deleted: the number is still kept whole, without the link.
    const gone = /deleted/.test(r.key);
    return {
      ...s,
      kind: 'text',
      text: t(r.key, r.params),
      reference: {
        before,
        reference,
        after,
        href: gone ? '' : `/${lang}/status`,
        link: gone ? '' : t('web.referral.status_link'),
      },
    };
  }
  if (r.kind === 'results') return { ...s, kind: 'results', view: resultView(t, r.result, lang) };
  if (r.kind === 'summary' || r.kind === 'choose' || r.kind === 'office' || r.kind === 'status')
    return { ...s, kind: 'text', text: renderReplies([r], lang).join('\n') };
  const q: ReplyView = {
    ...s,
    kind: 'question',
    progress: t('chat.progress', { number: r.number, about: r.about }),
    text: t(`chat.questions.${r.step}`, { age: r.subjectAge }),
    choices: choiceLabels(r, lang, t),
  };
  if (r.localNote) q.note = t('chat.property_rules', { rules: r.localNote[lang] });
  return q;
}
