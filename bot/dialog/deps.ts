/** Builds what the dialog needs from the rule book and the locales, once per process. */
import { randomUUID } from 'node:crypto';
import { languages, translator } from '../../locales/i18n.ts';
import type { Screener } from '../../rules/engine/screen.ts';
import { normalizeAnswer } from '../parse/normalize.ts';
import { commandWords } from './commands.ts';
import type { DialogDeps } from './transition.ts';

export interface DialogDepsOptions {
  screener: Screener;
  submitReferral: DialogDeps['submitReferral'];
  requestCallback: DialogDeps['requestCallback'];
  requestDeletion?: DialogDeps['requestDeletion'];
  provePhone?: DialogDeps['provePhone'];
  now?: () => string;
  newId?: () => string;
  date?: string;
}

/** The counties in the order the product serves them (Xinjiang first); others after, by id. */
const preferred = ['tekes', 'qitai', 'wengyuan'];
const countyOrder = (id: string) => (preferred.includes(id) ? preferred.indexOf(id) : preferred.length);

export function createDialogDeps(o: DialogDepsOptions): DialogDeps {
  const t = (lang: (typeof languages)[number]) => translator(lang);
  // Residents choose among counties; a province (Jilin) is a source of rules, not a place offered.
  const counties = [...o.screener.book.jurisdictions.values()]
    .filter((j) => j.level === 'county')
    .sort((a, b) => countyOrder(a.id) - countyOrder(b.id))
    .map((j) => j.id);
  const words = new Map<string, string[]>();
  return {
    screener: o.screener,
    steps: {
      counties,
      townships: (county) => o.screener.book.jurisdictions.get(county)?.townships ?? [],
      propertyRules: (county) => o.screener.book.jurisdictions.get(county)?.propertyRules,
    },
    skipWords: new Set(
      languages
        .flatMap((lang) => t(lang)('chat.referral.skip_words').split('|'))
        .map((w) => normalizeAnswer(w))
        .filter(Boolean),
    ),
    commands: commandWords(t),
    optionWords: (label) => {
      let w = words.get(label);
      if (!w) {
        w = languages
          .map((lang) => t(lang)(`chat.options.${label}`))
          .filter((x) => x && !x.startsWith('chat.'));
        words.set(label, w);
      }
      return w;
    },
    newId: o.newId ?? (() => randomUUID()),
    now: o.now ?? (() => new Date().toISOString()),
    submitReferral: o.submitReferral,
    requestCallback: o.requestCallback,
    ...(o.requestDeletion ? { requestDeletion: o.requestDeletion } : {}),
    ...(o.provePhone ? { provePhone: o.provePhone } : {}),
    ...(o.date ? { date: o.date } : {}),
  };
}
