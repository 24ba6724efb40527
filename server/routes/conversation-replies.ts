/**
 * The dialog's replies as data for API clients (the mini-program): each reply with its rendered
 * text, a question with the kind of answer it takes and its choices (id to send back, label in
 * the conversation's language), results as cards. The choices are the web chat's own
 * (chat-choices.ts, over bot/dialog/choices.ts): one list, whichever page or client shows it.
 * Every word is rendered here from the locales; a client copies no question or rule.
 */
import { renderReplies } from '../../bot/dialog/render.ts';
import type { Reply } from '../../bot/dialog/replies.ts';
import type { Session } from '../../bot/dialog/session.ts';
import { type AnswerKind, steps } from '../../bot/dialog/steps.ts';
import { type Language, translator } from '../../locales/i18n.ts';
import type { ProgramResult, ScreenResult } from '../../rules/engine/result.ts';
import { resultView } from '../../rules/explain/result-view.ts';
import { pickReplies, type QuickReply, quickReplies } from '../web/chat-choices.ts';

/** How a client asks for the answer: the native control that fits. */
export const answerKinds = [
  'choice',
  'multi_choice',
  'yes_no',
  'number',
  'ages',
  'member',
  'members',
  'text',
] as const;
export type AnswerType = (typeof answerKinds)[number];

const byStepKind: Record<AnswerKind, AnswerType> = {
  option: 'choice',
  programs: 'multi_choice',
  yesno: 'yes_no',
  amount: 'number',
  count: 'number',
  // Everyone's age in one answer ("45 43 12").
  ages: 'ages',
  // People picked by their age, one or several.
  person: 'member',
  persons: 'members',
};

export interface Choice {
  /** What to send back as the message text. */
  id: string;
  label: string;
  /** The label's own language when it is not the conversation's (the language choice). */
  lang?: Language;
}

export interface Card {
  program: string;
  name: string;
  verdict: ProgramResult['verdict'];
  verdictText: string;
  tier?: string;
  /** Yuan a month, when the rules give one; `amountText` as the resident reads it. */
  monthlyAmount?: number;
  amountText?: string;
  /** The monthly amount is a floor ("not less than"), as the web results page says it. */
  floor?: true;
  /** A one-off amount in yuan, as the resident reads it. */
  oneOffText?: string;
  department: string;
  applyAt: string;
  reasons: { kind: string; text: string; clause?: string }[];
  /** The documents and clauses behind the reasons, each once. */
  clauses: string[];
  papers: string[];
}

export type ReplyData =
  | { kind: 'text'; key: string; text: string; reference?: string }
  | {
      kind: 'question';
      step: string;
      answer: AnswerType;
      text: string;
      /** The question alone (and the county's note), without the progress line or numbered options. */
      prompt: string;
      /** "Question 5 of about 15", in the conversation's language. */
      progress: string;
      number: number;
      about: number;
      choices: Choice[];
      /** For the ages: how many people the household size said, one age each. */
      people?: number;
    }
  | { kind: 'choose'; key: string; text: string; choices: Choice[] }
  | { kind: 'results'; text: string[]; cards: Card[]; askTownship: string; unlikely: string[] }
  | { kind: 'summary' | 'office' | 'status'; text: string };

/** What the next message answers, for the controls under the last reply. */
export interface Expects {
  answer: AnswerType;
  choices: Choice[];
  /** "None of these" for a list answered with several choices. */
  none?: Choice;
}

const asChoice = (q: QuickReply): Choice =>
  q.lang ? { id: q.value, label: q.label, lang: q.lang } : { id: q.value, label: q.label };

function cards(
  result: ScreenResult,
  lang: Language,
): Pick<Extract<ReplyData, { kind: 'results' }>, 'cards' | 'askTownship' | 'unlikely'> {
  const t = translator(lang, 'screen');
  const view = resultView(t, result, lang);
  const byId = new Map(result.programs.map((p) => [p.id, p]));
  return {
    cards: view.programs.map((v) => {
      const p = byId.get(v.id as ProgramResult['id'])!;
      const card: Card = {
        program: v.id,
        name: v.name,
        verdict: v.verdict,
        verdictText: v.verdictText,
        department: v.department,
        applyAt: v.applyAt,
        reasons: v.reasons.map((r) =>
          r.source ? { kind: r.kind, text: r.text, clause: r.source.text } : { kind: r.kind, text: r.text },
        ),
        clauses: [...new Set(v.reasons.flatMap((r) => (r.source ? [r.source.text] : [])))],
        papers: p.papers.map((x) => t(`papers.${x}`)),
      };
      if (v.tier) card.tier = v.tier;
      if (p.monthlyAmount !== undefined)
        card.monthlyAmount = p.floor ? Math.floor(p.monthlyAmount) : p.monthlyAmount;
      if (v.monthlyAmount) card.amountText = v.monthlyAmount;
      if (v.floor) card.floor = true;
      if (v.amount) card.oneOffText = v.amount;
      return card;
    }),
    askTownship: view.askTownship,
    unlikely: view.unlikely.map((u) => u.name),
  };
}

function questionChoices(session: Session | null, q: Extract<Reply, { kind: 'question' }>, lang: Language) {
  const answer = byStepKind[steps[q.step].kind];
  if (!session) return { answer, choices: [] };
  const picks = pickReplies(session, [q], lang);
  const choices = picks ? picks.options : quickReplies(session, [q], lang);
  return { answer, choices: choices.map(asChoice) };
}

/**
 * The words of a question apart from its choices, for a client that shows the choices as
 * controls (the rendered `text` lists them again as numbered lines). Same keys as
 * templates/chat/question.njk.
 */
function questionWords(q: Extract<Reply, { kind: 'question' }>, lang: Language) {
  const t = translator(lang, 'screen');
  const ask = t(`chat.questions.${q.step}`, { age: q.subjectAge });
  const note = q.localNote ? t('chat.property_rules', { rules: q.localNote[lang] }) : '';
  return {
    prompt: note ? `${ask}\n${note}` : ask,
    progress: t('chat.progress', { number: q.number, about: q.about }),
  };
}

/** Each reply as data, in the language it is rendered in. */
export function replyData(replies: Reply[], session: Session | null, lang: Language): ReplyData[] {
  return replies.map((r): ReplyData => {
    const text = renderReplies([r], lang);
    switch (r.kind) {
      case 'text': {
        // A sent referral's number on its own too, so a client can show it isolated (RTL).
        const reference = r.params?.reference;
        return typeof reference === 'string'
          ? { kind: 'text', key: r.key, text: text.join('\n'), reference }
          : { kind: 'text', key: r.key, text: text.join('\n') };
      }
      case 'question':
        return {
          kind: 'question',
          step: r.step,
          text: text.join('\n'),
          ...questionWords(r, lang),
          number: r.number,
          about: r.about,
          ...questionChoices(session, r, lang),
          ...(r.step === 'ages' && session?.answers.size ? { people: session.answers.size } : {}),
        };
      case 'choose': {
        const t = translator(lang);
        const choices = r.options.map((o, i) => ({
          id: String(i + 1),
          label: o.text ? o.text[lang] : t(`chat.options.${o.label}`),
        }));
        return { kind: 'choose', key: r.key, text: text.join('\n'), choices };
      }
      case 'results':
        return { kind: 'results', text, ...cards(r.result, lang) };
      default:
        return { kind: r.kind, text: text.join('\n') };
    }
  });
}

/** Phases whose next message is a yes or a no (1 or 2): the web chat's yes/no buttons. */
const yesNoPhases = new Set<Session['phase']>([
  'resume',
  'results',
  'referral_consent',
  'referral_confirm',
  'restart_confirm',
  'delete_confirm',
  'person_consent',
]);

/**
 * What the next message answers: the web chat's buttons and toggles for this phase and these
 * replies; free text (a name, a phone, an amount) when there are none.
 */
export function expects(replies: Reply[], session: Session | null, lang: Language): Expects {
  if (!session) return { answer: 'text', choices: [] };
  const q = replies.findLast((r) => r.kind === 'question');
  const picks = pickReplies(session, replies, lang);
  if (picks) {
    const answer = q?.kind === 'question' ? byStepKind[steps[q.step].kind] : 'multi_choice';
    return { answer, choices: picks.options.map(asChoice), none: asChoice(picks.noneOfThese) };
  }
  const quick = quickReplies(session, replies, lang).map(asChoice);
  if (session.phase === 'questions' && q?.kind === 'question')
    return { answer: byStepKind[steps[q.step].kind], choices: quick };
  if (yesNoPhases.has(session.phase)) return { answer: 'yes_no', choices: quick };
  // The language, or a county or township for a call-back; else typed (a skip button at most).
  const choosing = session.phase === 'language' || replies.some((r) => r.kind === 'choose');
  return { answer: choosing && quick.length ? 'choice' : 'text', choices: quick };
}
