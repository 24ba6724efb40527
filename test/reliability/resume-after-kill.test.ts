/**
 * Killed at every step of a conversation (RELIABILITY.md plan, item 8): after each answer the
 * server is SIGKILLed and restarted, and the resident goes on where they were. The replies are
 * exactly those of the same conversation never interrupted. Session progress is written within
 * a second (coalesced, not fsync'd: a lost answer costs a retype, a lost referral would cost a
 * person), so each kill comes 1.5 s after the answer.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { say } from '../helpers/conversation-api.ts';
import { type Started, startServer } from '../helpers/start-server.ts';
import { coupleZh, referralZh } from '../helpers/transcripts.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const start = (dataDir: string) => startServer('server/main.ts', { PORT: '0', DATA_DIR: dataDir });
const kill = async (server: Started) => {
  server.child.kill('SIGKILL');
  await new Promise((r) => server.child.once('exit', r));
};

describe('a conversation whose server is killed after every answer', () => {
  it('resumes at each step with the same replies as one never interrupted', async () => {
    const script = [...coupleZh, ...referralZh];
    const quietDir = mkdtempSync(join(tmpdir(), 'resume-quiet-'));
    const killedDir = mkdtempSync(join(tmpdir(), 'resume-killed-'));
    dirs.push(quietDir, killedDir);

    const quiet = await start(quietDir);
    const expected: string[][] = [];
    let id: string | undefined;
    for (const text of script) {
      const out = await say(quiet, id, text);
      id = out.id;
      expected.push(out.replies);
    }
    await quiet.stop();

    const got: string[][] = [];
    id = undefined;
    for (const text of script) {
      const server = await start(killedDir);
      const out = await say(server, id, text);
      id = out.id;
      got.push(out.replies);
      await new Promise((r) => setTimeout(r, 1500));
      await kill(server);
    }
    // Reference numbers are random: the same reply apart from the number.
    const sameShape = (turns: string[][]) =>
      turns.map((t) => t.map((line) => line.replace(/TE-[0-9A-Z]{8}/g, 'TE-…')));
    expect(sameShape(got)).toEqual(sameShape(expected));
    expect(got.at(-1)!.join('\n')).toMatch(/TE-[0-9A-Z]{8}/);
  }, 480_000); // one server start per answer (~25): its time grows with the script, not a speed target
});
