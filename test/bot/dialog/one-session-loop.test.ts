/**
 * Issue 17, "first, one session loop": every channel runs the dialog through the one loop in
 * bot/dialog/session-loop.ts. Proved twice: each adapter module imports and calls it and keeps
 * no copy of the loop's steps; and the same transcript through the JSON API, the web chat and
 * the terminal (each really started) gets the same replies.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PageClient, textOf } from '../../helpers/browser-session.ts';
import { type Started, startServer } from '../../helpers/start-server.ts';
import { coupleZh } from '../../helpers/transcripts.ts';

const adapters = [
  'server/routes/conversations.ts',
  'server/web/routes/chat.ts',
  'bot/channels/wechat/wechat-channel.ts',
  'bot/channels/console.ts',
];

describe('the session loop is one function', () => {
  it.each(adapters)('%s calls it and keeps no copy of its steps', (file) => {
    const source = readFileSync(file, 'utf8');
    expect(source).toMatch(
      /import \{[^}]*\bsessionLoop\b[^}]*\} from '[./]+\/(dialog|bot\/dialog)\/session-loop\.ts'/,
    );
    expect(source).toMatch(/\bsessionLoop\(/);
    expect(source).toMatch(/\.turn\(/);
    // Load → handle → save or delete: none of it by hand in a channel.
    expect(source).not.toMatch(/\bhandle\(/);
    expect(source).not.toMatch(/\bsessionForMessage\(/);
    expect(source).not.toMatch(/\bdeleteDurably\(/);
  });

  it('the status lookup lives in the dialog, not in the WeChat adapter', () => {
    const wechat = readFileSync('bot/channels/wechat/wechat-channel.ts', 'utf8');
    expect(wechat).not.toMatch(/\.digits\(/);
    expect(wechat).not.toMatch(/status_reply|status_not_found/);
    expect(readFileSync('bot/dialog/session-loop.ts', 'utf8')).toMatch(/statusLookup\(/);
  });
});

// biome-ignore lint/suspicious/noExplicitAny: JSON read back from the server under test
type Json = any;
const run = promisify(execFile);
let server: Started;
const dir = mkdtempSync(join(tmpdir(), 'one-loop-'));

beforeAll(async () => {
  server = await startServer('server/main.ts', {
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: join(dir, 'server'),
  });
});
afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The API: each message's replies, rendered. */
async function overApi(messages: string[]): Promise<string[][]> {
  const post = async (path: string, text: string): Promise<Json> =>
    (
      await fetch(server.base + path, {
        method: 'POST',
        body: JSON.stringify({ text }),
        headers: { 'content-type': 'application/json' },
      })
    ).json();
  const first = await post('/api/v1/conversations', messages[0]!);
  const out = [first.replies as string[]];
  for (const text of messages.slice(1))
    out.push((await post(`/api/v1/conversations/${first.id}/messages`, text)).replies);
  return out;
}

/** The terminal: `npm run chat -- --replay`, each message's replies as printed. */
async function overConsole(messages: string[]): Promise<string[]> {
  const file = join(dir, 'transcript.txt');
  writeFileSync(file, messages.join('\n'));
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', 'bot/channels/console.ts', '--replay', file, '--data', join(dir, 'terminal')],
    { env: { ...process.env, NODE_ENV: 'production' } },
  );
  return stdout
    .split(/^> .*\n\n/m)
    .slice(1)
    .map((s) => s.trim());
}

/** The web chat page (no JavaScript), started in Chinese: the newest question after each answer. */
async function overWebChat(answers: string[]): Promise<{ progress: string; question: string }[]> {
  const page = new PageClient(server.base);
  await page.get('/zh/chat');
  const newest = () => {
    const m = [
      ...page.last.matchAll(/<small class="progress">([\s\S]*?)<\/small><br><strong>([\s\S]*?)<\/strong>/g),
    ].at(-1);
    return { progress: textOf(m?.[1] ?? '').trim(), question: textOf(m?.[2] ?? '').trim() };
  };
  const asked = [newest()];
  for (const text of answers) {
    const at = /name="at" value="([^"]*)"/.exec(page.last)![1]!;
    const res = await page.post('/zh/chat', [
      ['text', text],
      ['at', at],
    ]);
    expect(res.status).toBe(200);
    asked.push(newest());
  }
  return asked;
}

describe('the same transcript through every channel', () => {
  it('gets the same replies from the API, the terminal and the web chat', async () => {
    const api = await overApi(coupleZh);
    const terminal = await overConsole(coupleZh);
    expect(terminal).toEqual(api.map((replies) => replies.join('\n\n').trim()));
    expect(api.at(-1)!.join('\n')).toContain('估算每月 668 元');

    // The web page starts in the language chosen (no greeting message to detect it from), and
    // shows questions as bubbles: the progress line and the question, as the chat says them.
    const web = await overWebChat(coupleZh.slice(1));
    const apiQuestions = api.map((replies) => {
      const q = replies.findLast((r) => /^第 \d+ 题/.test(r));
      const [progress = '', question = ''] = (q ?? '').split('\n');
      return { progress, question };
    });
    // Every turn but the last (results, no question) asks the same question.
    expect(web.slice(0, -1)).toEqual(apiQuestions.slice(0, -1));
    expect(web.length).toBe(coupleZh.length);
  });
});
