/**
 * The questionnaire through the JSON API (the same dialog as WeChat chat, the web page and the
 * terminal). The page never reads the API's body itself: it gets a Turn from toTurn, so when
 * the API sends structured replies (question kind, choices) only toTurn changes.
 */
import { type Lang, t } from '../i18n/t';
import { postJson } from '../lib/request';

/** What the API answers today: replies already rendered as chat messages. */
export interface ApiTurn {
  id: string;
  lang: string;
  phase: string;
  replies: string[];
}

export interface Choice {
  /** What tapping it sends (the number the chat would take). */
  value: string;
  label: string;
}

/** What the page shows: the messages, and the choices to offer as buttons. */
export interface Turn {
  id: string;
  phase: string;
  messages: string[];
  choices: Choice[];
}

// Numbered options as the chat renders them: "1 <county name>" on a line of its own.
const numbered = /^(\d{1,2}) (.+)$/;

/**
 * Rendered replies → a Turn. The last message's numbered lines become buttons; the line that
 * says "reply 1 yes, 2 no" (chat.yes_no in this language) becomes yes and no buttons.
 * TODO(issue 17): read the structured Reply[] instead once the API sends it.
 */
export function toTurn(body: ApiTurn, lang: Lang): Turn {
  const messages = [...body.replies];
  const last = messages.pop() ?? '';
  const kept: string[] = [];
  const choices: Choice[] = [];
  for (const line of last.split('\n')) {
    const m = numbered.exec(line.trim());
    if (m) choices.push({ value: m[1]!, label: m[2]! });
    else if (line.trim() === t(lang, 'chat.yes_no')) {
      choices.push(
        { value: '1', label: t(lang, 'web.form.yes') },
        { value: '2', label: t(lang, 'web.form.no') },
      );
    } else kept.push(line);
  }
  messages.push(kept.join('\n').trim());
  return { id: body.id, phase: body.phase, messages: messages.filter((s) => s.length > 0), choices };
}

// The chat's language menu (chat.language.choose) numbers the languages 1, 2, 3.
const languageMenu: Record<Lang, string> = { zh: '1', ug: '2', kk: '3' };

/**
 * Starts a conversation in the chosen language. Today's API detects the language from the first
 * message and, when unsure (a bare number is), asks: so the menu number is sent twice, which
 * opens the conversation and then picks the language.
 * TODO(issue 17): one call with { lang } once the API takes it.
 */
export async function startConversation(lang: Lang): Promise<Turn> {
  const first = await postJson<ApiTurn>('/api/v1/conversations', { text: languageMenu[lang] }, lang);
  if (first.status !== 201) throw new Error(`start: ${first.status}`);
  if (first.data.phase !== 'language') return toTurn(first.data, lang);
  return say(first.data.id, languageMenu[lang], lang);
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
