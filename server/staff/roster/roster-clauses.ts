/**
 * The clause behind each flagged program of a roster household, in Chinese ("依据《…》第三条（二）"):
 * the first met reason that cites a source, for the programs the flag names (likely, not yet
 * received). The results table and the cases made from it show the same words.
 */
import { translator } from '../../../locales/i18n.ts';
import type { RosterDetail } from '../../../rules/cli/roster/write-results.ts';
import { sourceView } from '../../../rules/explain/result-view.ts';

export function flaggedClauses(detail: RosterDetail): string[] {
  const t = translator('zh');
  const current = (detail.input.current as string[] | undefined) ?? [];
  const out: string[] = [];
  for (const p of detail.result.programs) {
    if (p.verdict !== 'likely' || current.includes(p.id)) continue;
    const source = p.reasons.find((r) => r.kind === 'met' && r.source)?.source;
    if (!source) continue;
    const text = `${t(`programs.${p.id}`)}：${sourceView(t, source, 'zh', detail.result.jurisdiction).text}`;
    if (!out.includes(text)) out.push(text);
  }
  return out;
}
