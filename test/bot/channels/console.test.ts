/** The terminal channel as staff run it: a child process, a real data directory, a restart. */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { referralFiles, storedReferrals } from '../../helpers/stored-referrals.ts';
import { coupleZh } from '../../helpers/transcripts.ts';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'chat-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function chat(lines: string[], data: string) {
  const file = join(dir, `t${Math.random().toString(36).slice(2)}.txt`);
  writeFileSync(file, ['# a transcript', ...lines].join('\n'));
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', 'bot/channels/console.ts', '--replay', file, '--data', data],
    {
      env: { ...process.env, NODE_ENV: 'production' },
    },
  );
  return stdout;
}

describe('npm run chat -- --replay', () => {
  it('replays a transcript to results and a referral stored on disk', async () => {
    const data = join(dir, 'full');
    const out = await chat([...coupleZh, '1', '1', '阿依古丽', '13912345678', '跳过', '1'], data);
    expect(out).toContain('> 你好，我想问低保');
    expect(out).toContain('估算每月 668 元');
    const reference = /转介编号：(TE-[0-9A-Z]{8})/.exec(out)?.[1];
    expect(reference).toBeDefined();
    expect(storedReferrals(data)[reference!]).toMatchObject({
      name: '阿依古丽',
      phone: '13912345678',
      status: 'new',
      jurisdiction: 'tekes',
    });
    for (const file of referralFiles(data)) expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('resumes after a restart where it stopped: continue or start over', async () => {
    const data = join(dir, 'resume');
    await chat(coupleZh.slice(0, 6), data); // stops after the ages
    const out = await chat(['1', ...coupleZh.slice(6)], data);
    expect(out).toContain('要接着上次的问题继续吗');
    expect(out).toContain('45 岁的这位家人，能不能劳动');
    expect(out).toContain('估算每月 668 元');
  });

  it('deletes the stored session on request', async () => {
    const data = join(dir, 'delete');
    await chat(coupleZh.slice(0, 5), data);
    // '1' continues the stored conversation; "delete" asks first, '1' confirms.
    await chat(['1', '删除', '1'], data);
    const sessions = JSON.parse(readFileSync(join(data, 'sessions.json'), 'utf8'));
    expect(sessions.records).toEqual({});
  });
});
