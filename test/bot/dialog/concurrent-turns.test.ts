/**
 * Messages of one conversation at once (a double tap, two server instances behind a proxy):
 * the session loop runs each as one change of the stored conversation, so each sees the one
 * before it and none is lost.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createDialogDeps } from '../../../bot/dialog/deps.ts';
import type { Session } from '../../../bot/dialog/session.ts';
import { sessionLoop } from '../../../bot/dialog/session-loop.ts';
import { openMemoryStore } from '../../../bot/store/collection-store.ts';
import { createScreener } from '../../../rules/engine/screen.ts';
import { coupleZh } from '../../helpers/transcripts.ts';

const screener = createScreener({ today: () => '2026-11-23' });
const dialog = createDialogDeps({
  screener,
  date: '2026-11-23',
  submitReferral: async () => 'TE-00000000',
  requestCallback: async () => undefined,
});

async function loop() {
  const sessions = await (await openMemoryStore()).collection('sessions', z.custom<Session>());
  return { sessions, loop: sessionLoop({ sessions, dialog }) };
}

describe('messages of one conversation at once', () => {
  it('two land in order: the second answers the question the first led to', async () => {
    const { sessions, loop: l } = await loop();
    await l.turn({ who: 'c1', text: coupleZh[0]!, lang: 'zh' });
    // County 1 (Tekes), then township 1: sent together, the second not waiting for a reply.
    const [county, township] = await Promise.all([
      l.turn({ who: 'c1', text: '1', lang: 'zh' }),
      l.turn({ who: 'c1', text: '1', lang: 'zh' }),
    ]);
    const stored = (await sessions.get('c1'))!;
    expect(stored.answers.jurisdiction).toBe('tekes');
    expect(stored.answers.township).toBe(screener.book.jurisdictions.get('tekes')!.townships[0]!.id);
    if (county.missing || township.missing) throw new Error('no conversation');
    expect(county.session?.answers.township).toBeUndefined();
    expect(township.session).toEqual(stored);
  });

  it('a whole screening sent at once ends where the same messages one by one end', async () => {
    const one = await loop();
    for (const text of coupleZh) await one.loop.turn({ who: 'c', text, lang: 'zh' });
    const all = await loop();
    await all.loop.turn({ who: 'c', text: coupleZh[0]!, lang: 'zh' });
    await Promise.all(coupleZh.slice(1).map((text) => all.loop.turn({ who: 'c', text, lang: 'zh' })));
    const [apart, together] = [(await one.sessions.get('c'))!, (await all.sessions.get('c'))!];
    expect(apart.phase).toBe('results');
    expect(together.answers).toEqual(apart.answers);
    expect({ phase: together.phase, asked: together.asked }).toEqual({
      phase: apart.phase,
      asked: apart.asked,
    });
  });
});
