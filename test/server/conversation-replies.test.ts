/**
 * The conversation API's replies as data, against a really started server: started in a chosen
 * language, each question with the kind of answer it takes and its choices (ids to send back,
 * labels in that language), results as cards with reasons, clauses, amounts and papers. A client
 * (the mini-program) drives the questionnaire from the data alone: the answers below are chosen
 * by step and answer kind, never by reading a sentence.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Started, startServer } from '../helpers/start-server.ts';

let server: Started;
const dataDir = mkdtempSync(join(tmpdir(), 'conv-replies-'));

beforeAll(async () => {
  server = await startServer('server/main.ts', { PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir });
});
afterAll(async () => {
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

// biome-ignore lint/suspicious/noExplicitAny: JSON read back from the server under test
type Json = any;
const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
  const res = await fetch(server.base + path, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...headers },
  });
  return { status: res.status, body: (await res.json()) as Json };
};

const arabicScript = /[\u0600-\u06ff]/;
const han = /[\u4e00-\u9fff]/;
const script = { zh: han, ug: arabicScript, kk: arabicScript } as const;

/**
 * The Tekes rural couple (45 and 43, able to work, 600 yuan a month), answered from the data:
 * a choice by the id the server sent with it (first county, first township, "rural" second after
 * "urban", full capacity first), numbers typed, "yes" to property, "no" and "none" for the rest.
 */
function answerFor(q: Json): string {
  switch (q.step) {
    case 'county':
    case 'township':
    case 'work':
      return q.choices[0].id;
    case 'area':
      return q.choices[1].id;
    case 'size':
      return '2';
    case 'ages':
      return '45 43';
    case 'income':
      return '600';
    case 'property':
      return q.choices[0].id;
  }
  if (q.answer === 'yes_no') return q.choices[1].id;
  if (q.answer === 'members' || q.answer === 'multi_choice') return '0';
  if (q.answer === 'choice') return q.choices[0].id;
  throw new Error(`no answer for ${q.step} (${q.answer})`);
}

describe.each(['zh', 'ug', 'kk'] as const)('a conversation started in %s', (lang) => {
  it('asks each question with its kind and choices, and ends in result cards with clauses', async () => {
    const start = await post('/api/v1/conversations', { lang });
    expect(start.status).toBe(201);
    const first = start.body;
    expect(first.lang).toBe(lang);
    expect(first.phase).toBe('questions');
    // The rendered strings stay, for older clients.
    expect(first.replies.length).toBe(first.structured.length);
    const county = first.structured.at(-1);
    expect(county).toMatchObject({ kind: 'question', step: 'county', answer: 'choice' });
    expect(county.choices.length).toBeGreaterThan(1);
    expect(county.choices.map((c: Json) => c.id)).toEqual(
      county.choices.map((_: Json, i: number) => String(i + 1)),
    );
    for (const c of county.choices) expect(c.label).toMatch(script[lang]);
    expect(first.expects).toMatchObject({ answer: 'choice', choices: county.choices });

    let last = first;
    const seen = new Set<string>();
    for (let i = 0; i < 30 && last.phase === 'questions'; i++) {
      const q = last.structured.findLast((r: Json) => r.kind === 'question');
      expect(q, JSON.stringify(last.structured)).toBeDefined();
      seen.add(`${q.step}:${q.answer}`);
      // The question alone, for a client showing the choices as controls: no numbered lines.
      expect(q.text).toContain(q.prompt);
      expect(q.text).toContain(q.progress);
      for (const c of q.choices) expect(q.prompt).not.toContain(`${c.id} ${c.label}`);
      // One age per person the household size gave (answerFor says 2).
      if (q.step === 'ages') expect(q.people).toBe(2);
      const res = await post(`/api/v1/conversations/${first.id}/messages`, { text: answerFor(q) });
      expect(res.status).toBe(200);
      last = res.body;
    }
    // Every native control the mini-program needs came up on the way.
    expect([...seen]).toEqual(
      expect.arrayContaining(['area:choice', 'size:number', 'ages:ages', 'income:number', 'property:yes_no']),
    );
    expect([...seen].some((s) => s.endsWith(':members') || s.endsWith(':multi_choice'))).toBe(true);

    expect(last.phase).toBe('results');
    const results = last.structured.find((r: Json) => r.kind === 'results');
    const dibao = results.cards.find((c: Json) => c.program === 'dibao');
    expect(dibao).toMatchObject({ verdict: 'likely', tier: expect.any(String), monthlyAmount: 668 });
    expect(dibao.name).toMatch(script[lang]);
    expect(dibao.clauses.length).toBeGreaterThan(0);
    expect(dibao.reasons.some((r: Json) => r.clause && dibao.clauses.includes(r.clause))).toBe(true);
    expect(dibao.papers.length).toBeGreaterThan(0);
    for (const p of dibao.papers) expect(p).toMatch(script[lang]);
    // "Shall we send it to the township?": a yes/no with its two buttons.
    expect(last.expects.answer).toBe('yes_no');
    expect(last.expects.choices.map((c: Json) => c.id)).toEqual(['1', '2']);
  });
});

describe('starting a conversation', () => {
  it('starts in the language asked for, whatever the text or the caller prefers', async () => {
    const { status, body } = await post('/api/v1/conversations?lang=zh', { lang: 'kk' });
    expect(status).toBe(201);
    expect(body.lang).toBe('kk');
    expect(body.replies.join('\n')).toMatch(arabicScript);
    expect(body.replies.join('\n')).not.toMatch(han);
  });

  it('takes a first answer with the language: the greeting, the first question, then the next', async () => {
    const { body } = await post('/api/v1/conversations', { lang: 'ug', text: '1' });
    const steps = body.structured.filter((r: Json) => r.kind === 'question').map((q: Json) => q.step);
    expect(steps).toEqual(['county', 'township']);
  });

  it('starts where a poster sent the resident: its county and township are not asked again', async () => {
    const { status, body } = await post('/api/v1/conversations', {
      lang: 'kk',
      county: 'tekes',
      township: 'karadala',
    });
    expect(status).toBe(201);
    const asked = body.structured.filter((r: Json) => r.kind === 'question').map((q: Json) => q.step);
    expect(asked).not.toContain('county');
    expect(asked).not.toContain('township');
    // Only the county known (the county-wide code): the township is asked, the county is not.
    const county = await post('/api/v1/conversations', { lang: 'zh', county: 'tekes' });
    expect(county.body.structured.at(-1)).toMatchObject({ kind: 'question', step: 'township' });
    // A place the rules do not know (an old poster) is ignored, as on the web page.
    const old = await post('/api/v1/conversations', { lang: 'zh', county: 'nowhere', township: 'karadala' });
    expect(old.body.structured.at(-1)).toMatchObject({ kind: 'question', step: 'county' });
    const bad = await post('/api/v1/conversations', { lang: 'zh', county: '../x' });
    expect(bad.status).toBe(400);
  });

  it('still starts from a first message alone, its language guessed', async () => {
    const { status, body } = await post('/api/v1/conversations', { text: '你好，我想问低保' });
    expect(status).toBe(201);
    expect(body.lang).toBe('zh');
    expect(body.structured.at(-1)).toMatchObject({ kind: 'question', step: 'county' });
  });

  it("refuses an unknown language with a 400 in the caller's language", async () => {
    for (const [caller, pattern] of [
      ['ug', arabicScript],
      ['zh', han],
    ] as const) {
      const { status, body } = await post(`/api/v1/conversations?lang=${caller}`, { lang: 'fr' });
      expect(status).toBe(400);
      expect(body.error.code).toBe('invalid_input');
      expect(body.error.issues[0]).toMatchObject({ path: 'lang', code: 'one_of' });
      expect(body.error.message).toMatch(pattern);
    }
    const neither = await post('/api/v1/conversations', {});
    expect(neither.status).toBe(400);
    expect(neither.body.error.issues.map((i: Json) => i.path)).toContain('text');
  });

  it('is declared in the OpenAPI document: replies as data, the start in a language', async () => {
    const doc = (await (await fetch(`${server.base}/api/v1/openapi.json`)).json()) as Json;
    const conversation = doc.components.schemas.Conversation;
    expect(conversation.properties.structured.items).toEqual({ $ref: '#/components/schemas/Reply' });
    expect(conversation.properties.replies.items.type).toBe('string');
    expect(doc.components.schemas.ResultCard.required).toEqual(expect.arrayContaining(['clauses', 'papers']));
    expect(doc.components.schemas.ConversationStart.properties.lang.enum).toEqual(['zh', 'ug', 'kk']);
    expect(doc.paths['/api/v1/conversations'].post.requestBody.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/ConversationStart',
    });
  });
});
