/**
 * Fuzzing, bounded in time for CI (issue 8): the API's household schema, every answer parser
 * and whole conversations take arbitrary input without throwing; bad input becomes a
 * translated error or a hint, never a crash.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDialogDeps } from '../../bot/dialog/deps.ts';
import { readAnswer } from '../../bot/dialog/read-answer.ts';
import type { Session } from '../../bot/dialog/session.ts';
import { type AnswerKind, steps } from '../../bot/dialog/steps.ts';
import { handle } from '../../bot/dialog/transition.ts';
import { createScreener } from '../../rules/engine/screen.ts';

const screener = createScreener({ today: () => '2026-11-23' });
const budget = { numRuns: 400, interruptAfterTimeLimit: 8_000 };
const text = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.constantFrom(
    '__proto__',
    'constructor',
    '{{7*7}}',
    '<script>',
    '\u202E١٢٣',
    '1e309',
    '',
    ' ',
    '٤٥ ٤٣',
    '-1',
    '0x10',
  ),
);

describe('fuzzing', () => {
  it('the household schema answers anything with a result or issues, never an exception', () => {
    fc.assert(
      fc.property(fc.anything({ withNullPrototype: true, withObjectString: true }), (input) => {
        const r = screener.screen(input);
        expect(typeof r.ok).toBe('boolean');
      }),
      budget,
    );
    fc.assert(
      fc.property(
        fc.record(
          {
            jurisdiction: fc.constantFrom('tekes', 'qitai', 'wengyuan', 'x'),
            monthlyIncome: fc.double(),
            members: fc.array(fc.record({ age: fc.double(), laborCapacity: fc.string() }), { maxLength: 40 }),
          },
          { requiredKeys: [] },
        ),
        (input) => {
          const r = screener.screen(input);
          if (r.ok) expect(r.value.programs.length).toBe(12);
        },
      ),
      budget,
    );
  });

  it('every answer parser reads anything as a value or a hint', () => {
    const kinds = [...new Set(Object.values(steps).map((s) => s.kind))] as AnswerKind[];
    fc.assert(
      fc.property(
        fc.constantFrom(...kinds),
        text,
        fc.constantFrom('zh', 'ug', 'kk') as fc.Arbitrary<'zh' | 'ug' | 'kk'>,
        (kind, input, lang) => {
          const r = readAnswer(kind, input, [], {
            lang,
            answers: { members: [{ age: 45 }, { age: 12 }] },
            optionWords: () => [],
          });
          expect(typeof r.ok).toBe('boolean');
        },
      ),
      budget,
    );
  });

  it('a conversation of random messages never throws and always leaves a session or none', async () => {
    const deps = createDialogDeps({
      screener,
      date: '2026-11-23',
      submitReferral: async () => 'TE-FUZZFUZZ',
      requestCallback: async () => undefined,
    });
    await fc.assert(
      fc.asyncProperty(fc.array(text, { minLength: 1, maxLength: 25 }), async (messages) => {
        let session: Session | undefined;
        for (const m of messages) {
          const out = await handle(session, m, deps);
          expect(Array.isArray(out.replies)).toBe(true);
          session = out.session ?? undefined;
        }
      }),
      { numRuns: 150, interruptAfterTimeLimit: 10_000 },
    );
  });
});
