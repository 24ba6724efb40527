/** npm start and WeChat: off unless WECHATY_PUPPET is set (saying how to turn it on), on with it. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startServer } from '../helpers/start-server.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const dataDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'wechat-start-'));
  dirs.push(d);
  return d;
};

describe('the WeChat channel at start', () => {
  it('stays off without WECHATY_PUPPET and says how to turn it on', async () => {
    const server = await startServer('server/main.ts', {
      PORT: '0',
      DATA_DIR: dataDir(),
      WECHATY_PUPPET: '',
    });
    try {
      const ready = (await (await fetch(`${server.base}/readyz`)).json()) as {
        status: string;
        wechat: { status: string };
      };
      expect(ready.wechat).toEqual({ status: 'off' });
      expect(server.output()).toContain('WECHATY_PUPPET=wechaty-puppet-wechat4u');
    } finally {
      await server.stop();
    }
  });
  it('starts with a puppet, reports it in /readyz, and stops cleanly on SIGTERM', async () => {
    const server = await startServer('server/main.ts', {
      PORT: '0',
      DATA_DIR: dataDir(),
      WECHATY_PUPPET: 'wechaty-puppet-mock',
      WECHATY_LOG: 'silent',
    });
    const ready = (await (await fetch(`${server.base}/readyz`)).json()) as {
      status: string;
      wechat: { status: string };
    };
    expect(ready.status).toBe('ready');
    expect(['starting', 'scan', 'online', 'offline']).toContain(ready.wechat.status);
    await server.stop();
    expect(server.child.exitCode).toBe(0);
    expect(server.output()).toContain('"msg":"stopped"');
  });
});
