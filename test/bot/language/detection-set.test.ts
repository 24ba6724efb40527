/**
 * Language detection on first messages as residents type them (test/bot/language/first-messages.ts,
 * at least 60 per language): accuracy printed, and at least 95% between Uyghur and Kazakh,
 * the pair that shares a script.
 */
import { describe, expect, it } from 'vitest';
import { detectLanguage } from '../../../bot/language/detect.ts';
import { firstMessages } from './first-messages.ts';
import { heldOutMessages } from './held-out-messages.ts';

describe('language detection on real-looking first messages', () => {
  const results = Object.fromEntries(
    (['zh', 'ug', 'kk'] as const).map((lang) => {
      const messages = firstMessages[lang];
      const wrong = messages.filter((m) => detectLanguage(m).lang !== lang);
      return [lang, { total: messages.length, right: messages.length - wrong.length, wrong }];
    }),
  ) as Record<'zh' | 'ug' | 'kk', { total: number; right: number; wrong: string[] }>;

  it('has at least 60 distinct messages per language', () => {
    for (const r of Object.values(results)) expect(r.total).toBeGreaterThanOrEqual(60);
    const all = Object.values(firstMessages).flat();
    expect(new Set(all).size).toBe(all.length);
  });

  it('tells Uyghur from Kazakh at least 95% of the time (accuracy printed)', () => {
    const pair = (results.ug.right + results.kk.right) / (results.ug.total + results.kk.total);
    const lines = (['zh', 'ug', 'kk'] as const).map(
      (l) =>
        `${l}: ${results[l].right}/${results[l].total} (${((100 * results[l].right) / results[l].total).toFixed(1)}%)`,
    );
    process.stdout.write(`language detection — ${lines.join(', ')}; ug↔kk ${(100 * pair).toFixed(1)}%\n`);
    for (const l of ['ug', 'kk'] as const)
      for (const m of results[l].wrong) process.stdout.write(`  missed ${l}: ${m}\n`);
    expect(pair).toBeGreaterThanOrEqual(0.95);
    expect(results.zh.right / results.zh.total).toBeGreaterThanOrEqual(0.95);
  });

  it('holds on a set written without seeing the detector (not used for tuning: keep it so)', () => {
    const score = (lang: 'zh' | 'ug' | 'kk') =>
      heldOutMessages[lang].filter((m) => detectLanguage(m).lang === lang).length;
    const pair = (score('ug') + score('kk')) / (heldOutMessages.ug.length + heldOutMessages.kk.length);
    process.stdout.write(
      `held-out — zh ${score('zh')}/${heldOutMessages.zh.length}, ug ${score('ug')}/${heldOutMessages.ug.length}, kk ${score('kk')}/${heldOutMessages.kk.length}; ug↔kk ${(100 * pair).toFixed(1)}%\n`,
    );
    expect(pair).toBeGreaterThanOrEqual(0.95);
  });
});
