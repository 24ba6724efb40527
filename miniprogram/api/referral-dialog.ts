/**
 * The referral, continued in the conversation the questionnaire began: the dialog asks for
 * consent, the name, the phone, the ID number (optional) and a confirmation, and sends the
 * referral. The page shows what the API's structured replies say, with the controls its
 * `expects` asks for; no question or sentence is written here.
 */
import type { Lang } from '../i18n/t';
import { requestJson } from '../lib/request-json';

interface ApiReply {
  kind: string;
  text?: string | string[];
  /** On the text that announces a sent referral: its number. */
  reference?: string;
}

interface ApiConversation {
  id: string;
  phase: string;
  structured: ApiReply[];
  expects: { answer: string; choices: { id: string; label: string }[] };
}

export interface Choice {
  id: string;
  label: string;
}

/** Which input to show: WeChat's keyboards (digits for a phone, the ID-card keyboard for the ID). */
export type InputKind = 'text' | 'number' | 'idcard' | 'none';

export interface Step {
  phase: string;
  messages: string[];
  choices: Choice[];
  input: InputKind;
  /** Once the referral is sent. */
  reference?: string;
}

/**
 * What the results question's "yes, ask my township to contact me" sends (the web chat's
 * results_yes button, server/web/chat-choices.ts): the dialog then asks for consent.
 */
export const askTownship = '1';

function inputFor(phase: string, answer: string): InputKind {
  if (phase === 'referral_phone') return 'number';
  if (phase === 'referral_id') return 'idcard';
  if (answer === 'number') return 'number';
  return answer === 'text' ? 'text' : 'none';
}

function toStep(body: ApiConversation): Step {
  // concat, not Array.prototype.flatMap (ES2019): not in WeChat's polyfills (lib/isolate.ts).
  const messages = ([] as string[])
    .concat(...body.structured.map((r) => (Array.isArray(r.text) ? r.text : r.text ? [r.text] : [])))
    .filter((s) => s.length > 0);
  const reference = body.structured.find((r) => typeof r.reference === 'string')?.reference;
  const step: Step = {
    phase: body.phase,
    messages,
    choices: body.expects.choices.map((c) => ({ id: c.id, label: c.label })),
    input: inputFor(body.phase, body.expects.answer),
  };
  if (reference) step.reference = reference;
  return step;
}

export async function say(id: string, text: string, lang: Lang): Promise<Step> {
  const res = await requestJson<ApiConversation>(
    'POST',
    `/api/v1/conversations/${encodeURIComponent(id)}/messages`,
    lang,
    { body: { text } },
  );
  if (res.status !== 200) throw new Error(`message: ${res.status}`);
  return toStep(res.data);
}
