/** npm run admin: accounts from the command line, on a stopped server's data directory. */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'admin-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const admin = (...args: string[]) =>
  run(process.execPath, ['--import', 'tsx', 'server/admin-cli.ts', ...args, '--data', dir], {
    env: { ...process.env, NODE_ENV: 'production' },
  });

describe('npm run admin', () => {
  it('adds a caseworker for a configured township and prints a one-time password once', async () => {
    const { stdout } = await admin(
      'user',
      'add',
      '--username',
      'li.na',
      '--role',
      'caseworker',
      '--county',
      'tekes',
      '--township',
      'karadala',
    );
    expect(stdout).toMatch(/one-time password: [A-Za-z0-9]{16}/);
    const list = await admin('user', 'list');
    expect(list.stdout).toContain('li.na\tcaseworker\ttekes/karadala\tactive');
    expect(list.stdout).not.toMatch(/password/);
  });
  it('refuses an unknown township, naming the configured ones', async () => {
    const failed = await admin(
      'user',
      'add',
      '--username',
      'x.y',
      '--role',
      'caseworker',
      '--county',
      'tekes',
      '--township',
      'nowhere',
    ).catch((e) => e);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('karadala');
  });
});
