/** Every citation's quote must occur verbatim (whitespace-insensitive) in the seed it names. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { citationQuotes, citations } from '../../rules/engine/citations.ts';
import { defaultRulesDir, loadRuleBook } from '../../rules/engine/load-rule-book.ts';

const squash = (s: string) => s.replace(/\s+/g, '');
const seed = (file: string) => squash(readFileSync(join(defaultRulesDir, 'seeds', file), 'utf8'));

const book = loadRuleBook();
const parameterCitations = [
  ...book.layers.values(),
  ...[...book.jurisdictions.values()].map((j) => j.stack.at(-1)!),
].flatMap((layer) =>
  [...layer.parameters.values()].map((p) => [`${layer.file}: ${p.name}`, p.reference] as const),
);

describe('rule citations', () => {
  it.each(parameterCitations)('%s quotes its seed', (_name, ref) => {
    expect(seed(ref.file)).toContain(squash(ref.quote));
  });
  it.each(Object.entries(citations))('criterion %s quotes its seed', (_name, ref) => {
    const quote = citationQuotes.get(ref);
    expect(quote).toBeDefined();
    expect(seed(ref.file)).toContain(squash(quote!));
  });
  it('a quote that is not in the seed is caught', () => {
    expect(seed('000_7e61b05d1b9914e4.txt')).not.toContain(squash('农村低保A档每月999元/月'));
  });
});
