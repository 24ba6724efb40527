/**
 * What the log says about references and refusals (the security issue's item 11): a staff
 * referral page's path and a township notice's retry warning never name the reference; a flood
 * of refused (429) requests shows as one counted line per address, not one line each and not
 * silence.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { residentWithResults, sendReferral } from '../helpers/resident-referral.ts';
import { startServer } from '../helpers/start-server.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'log-privacy-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('the log', () => {
  it('names no reference and counts refusals', async () => {
    // Karadala's new-referral notices go to a webhook nobody listens on: every delivery fails.
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    writeFileSync(
      join(dataDir, 'staff-notice-settings.json'),
      JSON.stringify({
        version: 1,
        records: {
          'tekes--karadala': { webhookUrl: 'http://127.0.0.1:9/hook', secret: 'not-a-real-secret' },
        },
      }),
      { mode: 0o600 },
    );
    const perMinute = 20;
    const server = await startServer('server/main.ts', {
      PORT: '0',
      DATA_DIR: dataDir,
      RATE_LIMIT_PER_MINUTE: String(perMinute),
      NOTICE_RETRY_BASE_MS: '50',
    });
    let reference: string | undefined;
    const statuses: number[] = [];
    try {
      const resident = await residentWithResults(server.base, 1);
      reference = await sendReferral(resident!);
      expect(reference).toMatch(/^TE-[0-9A-Z]{8}$/);
      const ref = reference!;
      for (const path of [
        `/staff/referrals/${ref}`,
        `/staff/referrals/${ref.toLowerCase()}`,
        `/staff/referrals/${ref.replace('-', '%2D')}`,
        `/staff/referrals/${ref}/print`,
      ])
        await fetch(server.base + path, { redirect: 'manual' });
      await expect
        .poll(() => server.output().match(/township notice not delivered/g)?.length ?? 0, { timeout: 15_000 })
        .toBeGreaterThanOrEqual(2);

      // A flood from one address: refused beyond the limit.
      for (let round = 0; round < 10; round++) {
        const batch = await Promise.all(
          Array.from({ length: 30 }, () => fetch(`${server.base}/api/v1/programs`).then((r) => r.status)),
        );
        statuses.push(...batch);
      }
    } finally {
      await server.stop(); // SIGTERM: the counts of the current window are written
    }
    const refused = statuses.filter((s) => s === 429).length;
    expect(refused).toBeGreaterThan(300 - perMinute * 2);

    const out = server.output();
    const ref = reference!;
    for (const form of [ref, ref.toLowerCase(), ref.slice(3), ref.replace('-', '%2D')])
      expect(out.toLowerCase()).not.toContain(form.toLowerCase());
    expect(out).toContain('"path":"/staff/referrals/:ref"');

    const lines = out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const counted = lines.filter((l) => l.msg === 'requests refused: rate limit');
    expect(counted).toHaveLength(1);
    expect(counted[0]).toMatchObject({ level: 40, refused, windowSeconds: 60 });
    expect(counted[0]!.client).toMatch(/^[0-9a-f]{12}$/);
    expect(JSON.stringify(counted[0])).not.toContain('127.0.0.1');
    // Not one line per refused request.
    expect(lines.filter((l) => l.status === 429)).toHaveLength(0);
  }, 90_000);
});
