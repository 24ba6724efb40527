/** One client cannot flood the API; a spoofed X-Forwarded-For does not reset its count. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Started, startServer } from '../helpers/start-server.ts';

let server: Started;
const dataDir = mkdtempSync(join(tmpdir(), 'rate-'));

beforeAll(async () => {
  server = await startServer('server/main.ts', { PORT: '0', DATA_DIR: dataDir, RATE_LIMIT_PER_MINUTE: '5' });
});
afterAll(async () => {
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('rate limits', () => {
  it('answers 429 with Retry-After and a translated message after the limit, whatever X-Forwarded-For says', async () => {
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 8; i++) {
      last = await fetch(`${server.base}/api/v1/programs?lang=kk`, {
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
    for (let i = 0; i < 10; i++) expect((await fetch(`${server.base}/healthz`)).status).toBe(200);
  });
});
