/**
 * The OpenAPI description of a conversation (openapi.ts): the start request and the reply as
 * data, the same shapes conversation-replies.ts builds. The start request comes from the zod
 * schema that checks it; the replies are declared here, next to nothing else.
 */
import { z } from 'zod';
import { languages } from '../locales/i18n.ts';
import { answerKinds } from './routes/conversation-replies.ts';
import { startSchema } from './routes/conversations.ts';

const str = { type: 'string' };
const strings = { type: 'array', items: str };
const choice = {
  type: 'object',
  description: 'Send `id` as the next message text; `label` is in the conversation language.',
  properties: { id: str, label: str, lang: { type: 'string', enum: [...languages] } },
  required: ['id', 'label'],
};
const card = {
  type: 'object',
  properties: {
    program: str,
    name: str,
    verdict: { type: 'string', enum: ['likely', 'possible'] },
    verdictText: str,
    tier: str,
    monthlyAmount: { type: 'number', description: 'yuan a month' },
    amountText: str,
    floor: { type: 'boolean', description: 'the monthly amount is a floor ("not less than")' },
    oneOffText: { type: 'string', description: 'a one-off amount in yuan' },
    department: str,
    applyAt: str,
    reasons: {
      type: 'array',
      items: {
        type: 'object',
        properties: { kind: str, text: str, clause: str },
        required: ['kind', 'text'],
      },
    },
    clauses: strings,
    papers: strings,
  },
  required: ['program', 'name', 'verdict', 'reasons', 'clauses', 'papers'],
};
const answer = { type: 'string', enum: [...answerKinds] };
const reply = {
  oneOf: [
    {
      type: 'object',
      properties: {
        kind: { const: 'text' },
        key: str,
        text: str,
        reference: { ...str, description: 'the referral number, when the text announces one' },
      },
      required: ['kind', 'text'],
    },
    {
      type: 'object',
      properties: {
        kind: { const: 'question' },
        step: str,
        answer,
        text: str,
        prompt: { type: 'string', description: 'the question alone, without progress or numbered options' },
        progress: str,
        number: { type: 'integer' },
        about: { type: 'integer' },
        choices: { type: 'array', items: choice },
        people: { type: 'integer', description: 'ages: how many people, one age each' },
      },
      required: ['kind', 'step', 'answer', 'text', 'prompt', 'progress', 'choices'],
    },
    {
      type: 'object',
      properties: {
        kind: { const: 'choose' },
        key: str,
        text: str,
        choices: { type: 'array', items: choice },
      },
      required: ['kind', 'text', 'choices'],
    },
    {
      type: 'object',
      properties: {
        kind: { const: 'results' },
        text: strings,
        cards: { type: 'array', items: card },
        askTownship: str,
        unlikely: strings,
      },
      required: ['kind', 'cards'],
    },
    {
      type: 'object',
      properties: { kind: { type: 'string', enum: ['summary', 'office', 'status'] }, text: str },
      required: ['kind', 'text'],
    },
  ],
};

export function conversationSchemas() {
  const { $schema: _ignored, ...start } = z.toJSONSchema(startSchema, { io: 'input' }) as Record<
    string,
    unknown
  >;
  return {
    ConversationStart: {
      ...start,
      description: 'At least one: `text` (the first message, language guessed) or `lang` (start in it).',
    },
    Choice: choice,
    ResultCard: card,
    Reply: reply,
    Conversation: {
      type: 'object',
      properties: {
        id: str,
        lang: { type: 'string', enum: [...languages] },
        phase: str,
        replies: { ...strings, description: 'the replies rendered as chat messages (as before)' },
        structured: { type: 'array', items: { $ref: '#/components/schemas/Reply' } },
        expects: {
          type: 'object',
          description: 'what the next message answers: the control to show',
          properties: { answer, choices: { type: 'array', items: choice }, none: choice },
          required: ['answer', 'choices'],
        },
      },
      required: ['id', 'lang', 'phase', 'replies', 'structured', 'expects'],
    },
  };
}
