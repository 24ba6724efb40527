/**
 * A damaged data file at start-up (RELIABILITY.md plan, item 2), against the real server: it
 * refuses to start, naming the file and what is wrong with it, and leaves the file as it was
 * for the operator to restore. Never silent defaults: an empty referrals file read as "no
 * referrals" would lose every resident in it.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { residentWithResults, sendReferral } from '../helpers/resident-referral.ts';
import { startServer } from '../helpers/start-server.ts';
import { referralFiles } from '../helpers/stored-referrals.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'bad-files-'));
let shard = '';
let good = '';
beforeAll(async () => {
  // A real referral on disk first, so the damaged file is one that held a resident.
  const server = await startServer('server/main.ts', { PORT: '0', DATA_DIR: dataDir });
  try {
    expect(await sendReferral((await residentWithResults(server.base, 1))!)).toMatch(/^TE-/);
  } finally {
    await server.stop();
  }
  shard = referralFiles(dataDir).find((f) => readFileSync(f, 'utf8').includes('"TE-'))!;
  good = readFileSync(shard, 'utf8');
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('a damaged data file at start-up', () => {
  it.each([
    ['empty', () => '', /is empty/],
    ['truncated', () => good.slice(0, good.length >> 1), /is not valid JSON/],
    ['NUL-filled', () => '\u0000'.repeat(good.length), /contains NUL bytes/],
    ['null', () => 'null', /has the wrong shape/],
    [
      'of the wrong shape',
      () => good.replace('"status":"new"', '"status":42'),
      /has the wrong shape at "records\.TE-/,
    ],
  ])('%s: the server refuses to start, names the file and why, and keeps it', async (_what, damage, reason) => {
    const content = damage();
    writeFileSync(shard, content);
    const refused = await startServer('server/main.ts', { PORT: '0', DATA_DIR: dataDir }).catch(
      (e: Error) => e,
    );
    expect(refused).toBeInstanceOf(Error);
    const message = String(refused);
    expect(message).toContain(shard);
    expect(message).toMatch(reason);
    expect(message).toContain('restore it from a backup or move it away');
    expect(readFileSync(shard, 'utf8')).toBe(content); // not overwritten with defaults
    expect(existsSync(join(dataDir, '.lock'))).toBe(false); // nothing left holding the directory
  });

  it('starts again once the good file is back', async () => {
    writeFileSync(shard, good);
    const server = await startServer('server/main.ts', { PORT: '0', DATA_DIR: dataDir });
    expect((await fetch(`${server.base}/readyz`)).status).toBe(200);
    await server.stop();
  });
});
