/**
 * What a resident reads, word for word, for two households the rules issue was about: a Tekes
 * widow (72, no income, grade-2 disability, no supporter: 特困 or 低保, never both) and a
 * Wengyuan family of four at 2,000 yuan a month — in zh, ug and kk, rendered as
 * `npm run screen -- F --format text --lang L` renders them. A change to a rule, a source or a
 * sentence shows here as a diff to read; `UPDATE_GOLDEN=1 npx vitest run test/rules/golden.test.ts`
 * rewrites the files after that reading.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { languages, translator } from '../../locales/i18n.ts';
import { screenText } from '../../rules/cli/screen-one.ts';
import { createScreener } from '../../rules/engine/screen.ts';
import { resultView } from '../../rules/explain/result-view.ts';
import { textTemplates } from '../../templates/render.ts';

const dir = join(import.meta.dirname, 'golden');
const households = ['tekes-widow', 'wengyuan-four-at-2000'];
const screener = createScreener();
const env = textTemplates();

describe('the text a resident reads', () => {
  for (const name of households)
    for (const lang of languages)
      it(`${name} in ${lang}`, () => {
        const t = translator(lang);
        const r = screenText(readFileSync(join(dir, `${name}.json`), 'utf8'), screener, t, name);
        if (!r.ok) throw new Error(String(r.detail));
        const text = `${env.render('cli/result.njk', { t, view: resultView(t, r.value, lang), household: t('cli.household', { n: 1 }) })}\n`;
        const file = join(dir, `${name}.${lang}.txt`);
        if (process.env.UPDATE_GOLDEN) writeFileSync(file, text);
        expect(text).toBe(readFileSync(file, 'utf8'));
      });
});
