/**
 * "Question N of about M" over realistic conversations (issue 15 item 9: the count read
 * 约14 → 12 → 15). The total shown never goes down, never falls below the question number, and
 * the conversation ends within it; every answer here is one the question accepts.
 */
import { describe, expect, it } from 'vitest';
import { createDialogDeps } from '../../../bot/dialog/deps.ts';
import { handle, type Outcome, startIn } from '../../../bot/dialog/transition.ts';
import { createScreener } from '../../../rules/engine/screen.ts';

const deps = createDialogDeps({
  screener: createScreener({ today: () => '2026-11-23' }),
  date: '2026-11-23',
  submitReferral: async () => 'TE-TEST0001',
  requestCallback: async () => undefined,
});

/** Answers by question (step) id, so that a conversation follows whatever the rules ask. */
const households: Record<string, Record<string, string | string[]>> = {
  // Tekes, rural couple, 45 and 43, able to work, 600 yuan.
  couple: {
    county: '1',
    township: '1',
    area: '农村',
    size: '2',
    ages: '45 43',
    work: '1',
    income: '600',
    property: '是',
    employed_who: '没有',
    emergency_any: '否',
    housing: '否',
    supporter: '1',
    current: '没有',
  },
  // Tekes, a widow of 72 living alone who cannot work.
  widow: {
    county: '1',
    township: '1',
    area: '农村',
    size: '1',
    ages: '72',
    work: '3',
    income: '0',
    property: '是',
    self_care: '2',
    supporter: '1',
    illness_who: '72',
    expenses_any: '否',
    emergency_any: '否',
    housing: '是',
    current: '没有',
    employed_who: '没有',
    disability_who: '没有',
  },
  // Tekes, a family of three with a disabled daughter at school and a medical emergency.
  disabled: {
    county: '1',
    township: '2',
    area: '农村',
    size: '3',
    ages: '50 48 20',
    work: ['3', '1', '2'],
    income: '300',
    property: '是',
    disability_who: '20',
    disability_grade: '2',
    disability_kind: '1',
    illness_who: '50',
    self_care: '2',
    schooling_who: '20',
    schooling: '5',
    employed_who: '48',
    expenses_any: '是',
    expenses_medical: '20000',
    expenses_education: '3000',
    expenses_disaster: '0',
    emergency_any: '是',
    emergency_kind: '3',
    emergency_months: '2',
    emergency_consequence: '3',
    supporter: '1',
    housing: '否',
    current: '1 7',
  },
};

async function converse(answers: Record<string, string | string[]>) {
  const seen: { step: string; number: number; about: number }[] = [];
  const used = new Map<string, number>();
  const note = (o: Outcome) => {
    for (const r of o.replies)
      if (r.kind === 'question') seen.push({ step: r.step, number: r.number, about: r.about });
  };
  let out = startIn('zh', deps);
  note(out);
  for (let i = 0; i < 60 && out.session?.phase === 'questions'; i++) {
    const step = seen.at(-1)!.step;
    const a = answers[step];
    if (a === undefined) throw new Error(`no answer for ${step}`);
    const n = used.get(step) ?? 0;
    used.set(step, n + 1);
    const before = seen.length;
    out = await handle(out.session, Array.isArray(a) ? a[n]! : a, deps);
    note(out);
    expect(
      out.replies.some((r) => r.kind === 'text' && r.key.startsWith('chat.hints')),
      `answer to ${step}`,
    ).toBe(false);
    if (out.session?.phase === 'questions') expect(seen.length).toBe(before + 1);
  }
  expect(out.session?.phase).toBe('results');
  return seen;
}

describe('the question count', () => {
  it.each(Object.keys(households))('never goes down and is never passed (%s)', async (name) => {
    const seen = await converse(households[name]!);
    expect(seen.length).toBeGreaterThan(8);
    for (const [i, q] of seen.entries()) {
      expect(q.number).toBe(i + 1);
      expect(q.about, `question ${q.number} (${q.step})`).toBeGreaterThanOrEqual(q.number);
      if (i > 0)
        expect(q.about, `question ${q.number} (${q.step})`).toBeGreaterThanOrEqual(seen[i - 1]!.about);
    }
    // The first estimate is honest: the conversation ends within a few questions of it (a household
    // with a disability, school costs and an emergency is asked most: 22 for 15 said).
    expect(Math.abs(seen.length - seen[0]!.about)).toBeLessThanOrEqual(8);
  });
});
