/**
 * The choices a question offers, as the resident reads them, in the order their numbers pick
 * them: option labels (a township's configured name), the programs for "what do you already
 * receive?" (answered with their numbers, several at once), yes and no. Every channel lists
 * the same choices: the terminal and WeChat as numbered lines, the web chat as buttons and a
 * numbered list. Questions answered with ages or amounts have none.
 */
import type { TFunction } from 'i18next';
import { type Language, translator } from '../../locales/i18n.ts';
import { programIds } from '../../rules/engine/household-values.ts';
import type { Reply } from './replies.ts';

type Question = Extract<Reply, { kind: 'question' }>;

/** Questions answered yes or no (1 or 2). */
export const yesNoSteps = new Set(['property', 'expenses_any', 'emergency_any', 'housing']);

/** Questions answered with several numbers from the list ("1 7"). */
export const manyChoiceSteps = new Set(['current']);

export function choiceLabels(q: Question, lang: Language, t: TFunction = translator(lang)): string[] {
  if (manyChoiceSteps.has(q.step)) return programIds.map((id) => t(`chat.options.program_${id}`));
  if (q.options.length) return q.options.map((o) => (o.text ? o.text[lang] : t(`chat.options.${o.label}`)));
  if (yesNoSteps.has(q.step)) return [t('web.form.yes'), t('web.form.no')];
  return [];
}
