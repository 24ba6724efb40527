/** One client cannot flood the API; a spoofed X-Forwarded-For does not reset its count. */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let server: ChildProcess;
let base: string;
const dataDir = mkdtempSync(join(tmpdir(), 'rate-'));

beforeAll(async () => {
  server = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: { ...process.env, PORT: '0', DATA_DIR: dataDir, RATE_LIMIT_PER_MINUTE: '5', NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  base = await new Promise<string>((resolve) => {
    server.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const port = /"port":(\d+)/.exec(out)?.[1];
      if (port) resolve(`http://127.0.0.1:${port}`);
    });
  });
});
afterAll(async () => {
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  rmSync(dataDir, { recursive: true, force: true });
});

describe('rate limits', () => {
  it('answers 429 with Retry-After and a translated message after the limit, whatever X-Forwarded-For says', async () => {
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 8; i++) {
      last = await fetch(`${base}/api/v1/programs?lang=kk`, {
        headers: { 'x-forwarded-for': `10.0.0.${i}` },
      });
      statuses.push(last.status);
    }
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses.slice(5)).toEqual([429, 429, 429]);
    expect(last!.headers.get('retry-after')).toBeTruthy();
    const body = (await last!.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('too_many_requests');
    expect(body.error.message).toMatch(/[\u0600-\u06ff]/);
  });
  it('never limits the health checks', async () => {
    for (let i = 0; i < 10; i++) expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });
});
