/**
 * What the resident can answer with a tap under the web chat, and how a tap is echoed. One
 * choice is a button that sends its number; several choices ("which programs do you receive?",
 * "who holds a disability certificate?") are toggles with one send button, plain checkboxes
 * that work without JavaScript. The echo is the label tapped, never the number sent.
 */
import { choiceLabels, manyChoiceSteps, yesNoSteps } from '../../bot/dialog/choices.ts';
import type { Reply } from '../../bot/dialog/replies.ts';
import type { Phase, Session } from '../../bot/dialog/session.ts';
import { steps } from '../../bot/dialog/steps.ts';
import { workingAge } from '../../bot/dialog/answers.ts';
import { type Language, languages, translator } from '../../locales/i18n.ts';

export interface QuickReply {
  value: string;
  label: string;
  /** The label's own language, when it is not the page's (the language choice). */
  lang?: Language;
}

/** Toggles and a send button: the values picked are sent together ("1 7", "45 43"). */
export interface PickReplies {
  options: QuickReply[];
  /** "None of these": sends the word every list question takes for none ("0"). */
  noneOfThese: QuickReply;
}

const lastQuestion = (replies: Reply[]) => {
  const q = replies.findLast((r) => r.kind === 'question');
  return q?.kind === 'question' ? q : undefined;
};

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
  const q = lastQuestion(replies);
  if (session.phase !== 'questions' || !q || manyChoiceSteps.has(q.step)) return [];
  if (!q.options.length && !yesNoSteps.has(q.step)) return [];
  return choiceLabels(q, lang, t).map((label, i) => ({ value: String(i + 1), label }));
}

/** Toggles for a question answered with several choices, or with the ages of the people meant. */
export function pickReplies(session: Session, replies: Reply[], lang: Language): PickReplies | undefined {
  const q = lastQuestion(replies);
  if (session.phase !== 'questions' || !q) return undefined;
  const t = translator(lang);
  const noneOfThese = { value: '0', label: t('web.chat.none_of_these') };
  if (manyChoiceSteps.has(q.step))
    return {
      options: choiceLabels(q, lang, t).map((label, i) => ({ value: String(i + 1), label })),
      noneOfThese,
    };
  if (steps[q.step].kind !== 'persons') return undefined;
  // "Who has no job?" is about adults able to work; the others may be anyone in the household.
  const members = (session.answers.members ?? []).filter(
    (m) => q.step !== 'employed_who' || (m.age >= workingAge && m.laborCapacity !== 'none'),
  );
  if (!members.length) return undefined;
  return {
    options: members.map((m) => ({ value: String(m.age), label: t('web.chat.person_age', { age: m.age }) })),
    noneOfThese,
  };
}

/**
 * What the resident sent, as the chat shows it back: the label of the button tapped, the labels
 * of the toggles picked (in their own order), or the text typed.
 */
export function echo(
  session: Session,
  replies: Reply[],
  lang: Language,
  sent: { quick?: string | undefined; picks: string[]; text: string },
): string {
  const t = translator(lang);
  if (sent.quick !== undefined) {
    const picks = pickReplies(session, replies, lang);
    const tapped = [...quickReplies(session, replies, lang), ...(picks ? [picks.noneOfThese] : [])].find(
      (q) => q.value === sent.quick,
    );
    return tapped?.label ?? sent.text;
  }
  if (sent.picks.length) {
    const options = pickReplies(session, replies, lang)?.options ?? [];
    const left = [...sent.picks];
    const labels: string[] = [];
    for (const o of options) {
      const i = left.indexOf(o.value);
      if (i < 0) continue;
      left.splice(i, 1);
      labels.push(o.label);
    }
    return left.length ? sent.text : labels.join(t('cli.listSeparator'));
  }
  return sent.text;
}
