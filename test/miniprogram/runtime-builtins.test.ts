/**
 * WeChat DevTools compiles the mini-program's JS to ES5 with babel preset-env, which transforms
 * syntax only; the built-ins the phone has are the JS engine's plus the base library's polyfills
 * (ES2015 and a few more: DevTools doc "代码编译"). String.prototype.matchAll (ES2020) and
 * Array.prototype.flatMap (ES2019) are not among them, and older phones' engines lack them. The
 * code the Uyghur and Kazakh pages, the referral dialog and "my referrals" run must work without.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMiniprogram } from './harness.ts';

let built: ReturnType<typeof buildMiniprogram>;
beforeAll(() => {
  built = buildMiniprogram();
});
afterAll(() => built?.remove());

/** Runs `f` with matchAll and flatMap gone, as on a phone whose engine predates them. */
async function withoutNewBuiltins<T>(f: () => T | Promise<T>): Promise<T> {
  const strings = String.prototype as unknown as Record<string, unknown>;
  const arrays = Array.prototype as unknown as Record<string, unknown>;
  const matchAll = strings['matchAll'];
  const flatMap = arrays['flatMap'];
  delete strings['matchAll'];
  delete arrays['flatMap'];
  try {
    return await f();
  } finally {
    strings['matchAll'] = matchAll;
    arrays['flatMap'] = flatMap;
  }
}

describe('without ES2019+ built-ins', () => {
  it('isolates numbers in a right-to-left sentence', async () => {
    const { isolate } = createRequire(join(built.dir, 'app.js'))(join(built.dir, 'lib', 'isolate.js'));
    const runs = await withoutNewBuiltins(() => isolate('ئايلىق 668 يۈەن', 'rtl'));
    expect(runs).toEqual([
      { s: 'ئايلىق ', i: false },
      { s: '668', i: true },
      { s: ' يۈەن', i: false },
    ]);
  });

  it('shows a referral of "my referrals" with its programs', async () => {
    const load = createRequire(join(built.dir, 'app.js'));
    const { referralView } = load(join(built.dir, 'lib', 'referral-view.js'));
    const view = await withoutNewBuiltins(() =>
      referralView('zh', {
        createdAt: '2026-12-01T00:00:00.000Z',
        updatedAt: '2026-12-01T00:00:00.000Z',
        status: 'received',
        statusText: 'received',
        programs: [
          { id: 'dibao', verdict: 'likely' },
          { id: 'no-such-program', verdict: 'possible' },
        ],
        subscribed: false,
      }),
    );
    expect(view.programList).toHaveLength(1);
  });

  it("reads the referral dialog's replies", async () => {
    const load = createRequire(join(built.dir, 'app.js'));
    const g = globalThis as unknown as { wx?: unknown };
    g.wx = {
      request: (o: { success: (r: { statusCode: number; data: unknown }) => void }) =>
        o.success({
          statusCode: 200,
          data: {
            id: 'c',
            phase: 'referral_name',
            structured: [
              { kind: 'text', text: ['one', 'two'] },
              { kind: 'text', text: 'three' },
            ],
            expects: { answer: 'text', choices: [] },
          },
        }),
    };
    try {
      const { say } = load(join(built.dir, 'api', 'referral-dialog.js'));
      const step = await withoutNewBuiltins(() => say('c', 'x', 'zh'));
      expect(step.messages).toEqual(['one', 'two', 'three']);
    } finally {
      delete g.wx;
    }
  });
});
