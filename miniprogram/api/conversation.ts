/**
 * The questionnaire through the JSON API (the same dialog as WeChat chat, the web page and the
 * terminal). The API sends each reply as data (server/routes/conversation-replies.ts): a question
 * with the kind of answer it takes and its choices, results as cards, and `expects`, the control
 * the next message answers. toTurn keeps what the pages show; no sentence is read or parsed here.
 */
import type { Lang } from '../i18n/t';
import type { Place } from '../lib/place';
import { postJson } from '../lib/request';

/** How the next message is answered: the native control that fits. */
export type AnswerKind =
  | 'choice'
  | 'multi_choice'
  | 'yes_no'
  | 'number'
  | 'ages'
  | 'member'
  | 'members'
  | 'text';

export interface Choice {
  /** What tapping it sends as the message text. */
  id: string;
  label: string;
}

export interface Card {
  program: string;
  name: string;
  verdict: 'likely' | 'possible';
  verdictText: string;
  tier?: string;
  monthlyAmount?: number;
  amountText?: string;
  floor?: true;
  oneOffText?: string;
  department: string;
  applyAt: string;
  reasons: { kind: string; text: string; clause?: string }[];
  clauses: string[];
  papers: string[];
}

/** The API's replies as data (the kinds this client shows; others carry their text). */
export type ReplyData =
  | {
      kind: 'question';
      step: string;
      answer: AnswerKind;
      text: string;
      prompt: string;
      progress: string;
      number: number;
      choices: Choice[];
      people?: number;
    }
  | { kind: 'results'; cards: Card[]; askTownship: string; unlikely: string[] }
  | { kind: 'text' | 'choose' | 'summary' | 'office' | 'status'; text: string };

/** What POST /api/v1/conversations(/:id/messages) answers. */
export interface ApiTurn {
  id: string;
  lang: string;
  phase: string;
  structured: ReplyData[];
  expects: { answer: AnswerKind; choices: Choice[]; none?: Choice };
}

export type Question = Extract<ReplyData, { kind: 'question' }>;

/** The results a questionnaire reached, kept for the results page (lib/results-memory.ts). */
export interface Results {
  id: string;
  lang: Lang;
  cards: Card[];
  askTownship: string;
  unlikely: string[];
}

/** What the page shows after a turn. */
export interface Turn {
  id: string;
  phase: string;
  /** Said before the question: a greeting, or why the last answer was not taken (a re-ask). */
  notes: string[];
  question?: Question;
  expects: ApiTurn['expects'];
  results?: Results;
}

export function toTurn(body: ApiTurn, lang: Lang): Turn {
  const notes: string[] = [];
  let question: Question | undefined;
  let results: Results | undefined;
  for (const r of body.structured) {
    if (r.kind === 'question') question = r;
    else if (r.kind === 'results')
      results = { id: body.id, lang, cards: r.cards, askTownship: r.askTownship, unlikely: r.unlikely };
    else notes.push(r.text);
  }
  return {
    id: body.id,
    phase: body.phase,
    notes,
    expects: body.expects,
    ...(question ? { question } : {}),
    ...(results ? { results } : {}),
  };
}

/** Starts a conversation in the chosen language: the greeting and the first question. */
export async function startConversation(lang: Lang, place: Place = {}): Promise<Turn> {
  const res = await postJson<ApiTurn>('/api/v1/conversations', { lang, ...place }, lang);
  if (res.status !== 201) throw new Error(`start: ${res.status}`);
  return toTurn(res.data, lang);
}

export async function say(id: string, text: string, lang: Lang): Promise<Turn> {
  const res = await postJson<ApiTurn>(
    `/api/v1/conversations/${encodeURIComponent(id)}/messages`,
    { text },
    lang,
  );
  if (res.status !== 200) throw new Error(`message: ${res.status}`);
  return toTurn(res.data, lang);
}
