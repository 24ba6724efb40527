/**
 * The web chat as a phone without JavaScript gets it, against a really started server (issue 15
 * items 2, 8, 9): every choice question lists its choices; a tap is echoed by its label; each
 * bubble keeps its own language; a reload shows the conversation so far; the reference number
 * is kept whole and the status page linked; a name or phone typed is not shown again.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import kkChat from '../../locales/kk/chat.json' with { type: 'json' };
import ugChat from '../../locales/ug/chat.json' with { type: 'json' };
import zhChat from '../../locales/zh/chat.json' with { type: 'json' };
import zhWeb from '../../locales/zh/web.json' with { type: 'json' };
import { programIds } from '../../rules/engine/household-values.ts';
import { PageClient, textOf } from '../helpers/browser-session.ts';
import { type Started, startServer } from '../helpers/start-server.ts';
import { storedSessions } from '../helpers/stored-referrals.ts';

let server: Started;
const dataDir = mkdtempSync(join(tmpdir(), 'chat-page-'));

beforeAll(async () => {
  server = await startServer('server/main.ts', { PORT: '0', DATA_DIR: dataDir });
});
afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const chats = { zh: zhChat, ug: ugChat, kk: kkChat };
const programNames = (lang: keyof typeof chats) =>
  programIds.map((id) => chats[lang].options[`program_${id}` as keyof typeof zhChat.options]);

/** Each bubble of a page: who, its lang and dir attributes, and its text. */
function bubbles(html: string) {
  return [
    ...html.matchAll(
      /<div class="bubble (assistant|you)[^"]*" lang="([^"]+)" dir="([^"]+)">([\s\S]*?)<\/div>/g,
    ),
  ].map((m) => ({
    who: m[1]!,
    lang: m[2]!,
    dir: m[3]!,
    // What is seen: without the "You:" / "Assistant:" said to screen readers.
    text: textOf(m[4]!.replace(/<span class="visually-hidden">[^<]*<\/span>/, '')).trim(),
  }));
}

/** The numbered list in the newest question bubble. */
function listed(html: string): string[] {
  const questions = [...html.matchAll(/<ol class="numbered-choices">([\s\S]*?)<\/ol>/g)];
  const last = questions.at(-1)?.[1] ?? '';
  return [...last.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) => textOf(m[1]!).trim());
}

/** The couple of test/helpers/transcripts.ts, by tap and by typing, up to "what do you receive?". */
async function toProgramsQuestion(page: PageClient, lang: 'zh' | 'ug' | 'kk') {
  await page.get(`/${lang}/chat`);
  const at = () => /name="at" value="([^"]*)"/.exec(page.last)![1]!;
  const say = async (fields: [string, string][]) => {
    const res = await page.post(`/${lang}/chat`, [...fields, ['at', at()]]);
    expect(res.status).toBe(200);
  };
  for (const [f, v] of [
    ['quick', '1'],
    ['quick', '3'],
    ['quick', '2'],
    ['text', '2'],
    ['text', '45 43'],
    ['quick', '1'],
    ['quick', '1'],
    ['text', '600'],
    ['quick', '1'],
    ['quick', '0'],
    ['quick', '2'],
    ['quick', '2'],
  ] as const)
    await say([[f, v]]);
  return { say, at };
}

describe('the web chat without JavaScript', () => {
  it.each([
    'zh',
    'ug',
    'kk',
  ] as const)('lists every choice question, echoes labels and keeps bubbles in %s', async (lang) => {
    const page = new PageClient(server.base);
    await page.get(`/${lang}/chat`);
    // The county question: numbered, and the same labels as buttons.
    expect(listed(page.last).length).toBeGreaterThanOrEqual(3);
    const county = listed(page.last)[0]!;
    const { say } = await toProgramsQuestion(page, lang);
    // "Which programs do you already receive? reply with numbers": the twelve, numbered.
    expect(page.last).toContain(chats[lang].questions.current.slice(0, 20));
    expect(listed(page.last)).toEqual(programNames(lang));
    // ... and as toggles with one send button.
    expect([...page.last.matchAll(/type="checkbox" name="pick" value="(\d+)"/g)].map((m) => m[1])).toEqual(
      programIds.map((_, i) => String(i + 1)),
    );
    // Picking 1 and 6 echoes their names, not "1 6".
    await say([
      ['pick', '1'],
      ['pick', '6'],
      ['action', 'send'],
    ]);
    const mine = bubbles(page.last).filter((b) => b.who === 'you');
    expect(mine.at(-1)!.text).toContain(programNames(lang)[0]!);
    expect(mine.at(-1)!.text).toContain(programNames(lang)[5]!);
    expect(mine.at(-1)!.text).not.toMatch(/^1\s*6$/);

    // Reloaded: the conversation so far, with the county tapped as its name, every bubble in the page's language.
    await page.get(`/${lang}/chat`);
    const all = bubbles(page.last);
    const answers = all.filter((b) => b.who === 'you').map((b) => b.text);
    expect(answers.length).toBe(13);
    expect(answers[0]).toBe(county);
    expect(answers).not.toContain('1');
    expect(all.filter((b) => b.who === 'assistant').length).toBeGreaterThan(13);
    expect(new Set(all.map((b) => b.dir))).toEqual(new Set([lang === 'zh' ? 'ltr' : 'rtl']));
  });

  it('keeps each bubble in the language it was said in after a switch', async () => {
    const page = new PageClient(server.base);
    await page.get('/zh/chat');
    const at = () => /name="at" value="([^"]*)"/.exec(page.last)![1]!;
    await page.post('/zh/chat', { quick: '1', at: at() });
    await page.post('/zh/chat', { text: zhChat.commandWords.language.split('|')[0]!, at: at() });
    await page.post('/zh/chat', { quick: '2', at: at() }); // Uyghur
    // The answer page is Uyghur, right to left; its form posts to the Uyghur address.
    expect(page.last).toMatch(/<html lang="ug-Arab-CN" dir="rtl">/);
    expect(page.last).toContain('action="/ug/chat"');
    await page.get('/ug/chat');
    const all = bubbles(page.last);
    const county = all.find((b) => b.text.includes(zhChat.questions.county.slice(0, 6)))!;
    expect(county).toMatchObject({ lang: 'zh-CN', dir: 'ltr' });
    expect(all.at(-1)).toMatchObject({ lang: 'ug-Arab-CN', dir: 'rtl' });
  });

  it('keeps the reference whole, links the status page and does not show the name and phone again', async () => {
    const page = new PageClient(server.base);
    const { say } = await toProgramsQuestion(page, 'zh');
    await say([['quick', '0']]); // receives none
    for (const [f, v] of [
      ['quick', '1'],
      ['quick', '1'],
      ['text', '阿依古丽·买买提'],
      ['text', '139 1234 5678'],
      ['quick', zhChat.referral.skip_words.split('|')[0]!],
      ['quick', '1'],
    ] as const)
      await say([[f, v]]);
    const answered = page.last;
    await page.get('/zh/chat');
    for (const html of [answered, page.last]) {
      const ref = /<bdi class="ref" dir="ltr">([A-Z0-9-]+)<\/bdi>/.exec(html)?.[1];
      expect(ref).toMatch(/^[A-Z]{2}-?[A-Z0-9]{6,}$/);
      expect(html).toContain(`<a class="status-link" href="/zh/status">${zhWeb.referral.status_link}</a>`);
    }
    const reloaded = bubbles(page.last);
    expect(reloaded.filter((b) => b.who === 'you').map((b) => b.text)).toContain(zhWeb.chat.answer_not_kept);
    expect(page.last).not.toContain('阿依古丽');
    expect(page.last).not.toContain('1234');
  });

  it('keeps the conversation shown encrypted on disk, without the name and phone typed', async () => {
    await server.stop(); // flushes the coalesced session writes
    const raw = readdirSync(dataDir)
      .filter((f) => /^sessions-\d+\.json$/.test(f))
      .map((f) => readFileSync(join(dataDir, f), 'utf8'))
      .join('\n');
    const sessions = Object.values(storedSessions(dataDir));
    const transcripts = sessions.map((s) => JSON.stringify(s.transcript ?? ''));
    // Decrypted, the conversations hold what the chat showed (the programs picked, by name) ...
    expect(transcripts.some((t) => t.includes(`${programNames('zh')[0]}、${programNames('zh')[5]}`))).toBe(
      true,
    );
    // ... but not the name and phone typed for the referral ...
    expect(transcripts.join('')).not.toContain('阿依古丽');
    expect(transcripts.join('')).not.toContain('1234');
    // ... and on disk none of it is readable.
    expect(raw).not.toContain(programNames('zh')[5]!);
    expect(raw).not.toContain('"said"');
  });
});
