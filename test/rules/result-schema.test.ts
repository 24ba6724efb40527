/** The documented result schema matches what the engine really returns (no drift). */
import { describe, expect, it } from 'vitest';
import { screenResultSchema } from '../../rules/engine/result-schema.ts';
import { createScreener } from '../../rules/engine/screen.ts';
import { loadCases } from './case-files.ts';

describe('screenResultSchema', () => {
  it('accepts every result the rule cases produce', () => {
    const screener = createScreener({ today: () => '2026-11-23' });
    for (const c of loadCases()) {
      const r = screener.screen(c.household, c.localValues ? { localValues: c.localValues as never } : {});
      if (!r.ok) continue;
      const parsed = screenResultSchema.safeParse(JSON.parse(JSON.stringify(r.value)));
      expect(parsed.success, `${c.name}: ${JSON.stringify(parsed.error?.issues[0])}`).toBe(true);
    }
  });
});
