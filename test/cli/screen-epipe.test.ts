/**
 * `npm run screen -- big.json | head -c 100`: the reader closes the pipe early. The CLI must stop
 * quietly (exit 0, nothing on stderr), not print an EPIPE stack trace and exit 70.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { random, syntheticHousehold } from '../bench/synthetic.ts';

const dir = mkdtempSync(join(tmpdir(), 'screen-epipe-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it.each([
  'json',
  'text',
])('a reader that stops after 100 bytes ends the run quietly with 0 (--format %s)', async (format) => {
  const r = random(5);
  // Far more output (~10 MB) than a pipe buffers, so writes continue after the reader has gone.
  const file = join(dir, `h-${format}.json`);
  writeFileSync(file, JSON.stringify(Array.from({ length: 2000 }, () => syntheticHousehold(r))));
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'rules/cli/screen.ts', file, '--format', format],
    { env: { ...process.env, FORCE_COLOR: '0' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d) => {
    stderr += d;
  });
  let got = 0;
  child.stdout.on('data', (d: Buffer) => {
    got += d.length;
    // Like `head -c 100`: take what was wanted, then close the read end.
    if (got >= 100) child.stdout.destroy();
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  expect(got).toBeGreaterThanOrEqual(100);
  expect(stderr).toBe('');
  expect(code).toBe(0);
}, 120_000);
