/**
 * Commands a resident can type at any point, in any of the three languages. The words live in
 * the locales (chat.commandWords.<command>, "|"-separated) so translators keep them.
 */
import { languages } from '../../locales/i18n.ts';
import type { TFunction } from 'i18next';
import { normalizeAnswer } from '../parse/normalize.ts';

export const commands = [
  'back',
  'restart',
  'language',
  'help',
  'person',
  'delete',
  'why',
  'changed',
] as const;
export type Command = (typeof commands)[number];

export type CommandWords = Map<string, Command>;

export function commandWords(t: (lang: (typeof languages)[number]) => TFunction): CommandWords {
  const map = new Map<string, Command>();
  for (const lang of languages) {
    for (const c of commands) {
      for (const w of t(lang)(`chat.commandWords.${c}`).split('|')) {
        const n = normalizeAnswer(w);
        if (n) map.set(n, c);
      }
    }
  }
  return map;
}

/** A command only when the whole message is the command word ("返回", "قايتىش"), not inside a sentence. */
export function readCommand(text: string, words: CommandWords): Command | undefined {
  return words.get(normalizeAnswer(text).replace(/[.。!！?？؟]+$/, ''));
}
