/**
 * Exactly one instance leads (runs the WeChat bot and the notice senders), and when it dies
 * another takes over within seconds: a child process takes the lead, this process waits on
 * the same name, the child is SIGKILLed (no goodbye to the database), the waiter leads.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMemoryStore } from '../../bot/store/collection-store.ts';
import { pgLeadership } from '../../bot/store/pg/leadership.ts';
import { type PgCluster, pgBinDir, startPgCluster } from '../helpers/pg-cluster.ts';

function waitFor(check: () => boolean, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      if (check()) {
        clearInterval(poll);
        resolve();
      } else if (Date.now() - started > timeoutMs) {
        clearInterval(poll);
        reject(new Error(`not within ${timeoutMs} ms`));
      }
    }, 20);
  });
}

describe.skipIf(!pgBinDir)('leadership on PostgreSQL', () => {
  let cluster: PgCluster;
  let url: string;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    cluster = await startPgCluster();
    url = await cluster.createDatabase('leadership');
  });
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await cluster?.stop();
  });

  it('hands the lead to a waiting instance within seconds when the leader is killed', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join('test', 'helpers', 'pg-lead-child.ts'), url, 'wechat-bot'],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    children.push(child);
    let childLeads = false;
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('leader')) childLeads = true;
    });
    await waitFor(() => childLeads, 60_000);

    const waiter = await pgLeadership(url, 'wechat-bot');
    const other = await pgLeadership(url, 'notice-sender');
    const changes: boolean[] = [];
    waiter.onChange((leader) => changes.push(leader));
    try {
      // The child holds it: asking again and again does not take it away.
      await new Promise((r) => setTimeout(r, 2500));
      expect(waiter.isLeader()).toBe(false);
      // Another name is another lock.
      expect(other.isLeader()).toBe(true);

      const killed = Date.now();
      child.kill('SIGKILL');
      await waitFor(() => waiter.isLeader(), 10_000);
      const takeoverMs = Date.now() - killed;
      process.stdout.write(`leadership taken over ${takeoverMs} ms after SIGKILL of the leader\n`);
      expect(takeoverMs).toBeLessThan(5_000);
      expect(changes).toEqual([true]);

      // Released, it goes to the next asker (a restart hands it back without a kill).
      const third = await pgLeadership(url, 'wechat-bot');
      expect(third.isLeader()).toBe(false);
      await waiter.release();
      expect(changes).toEqual([true, false]);
      await waitFor(() => third.isLeader(), 5_000);
      await third.release();
    } finally {
      await waiter.release();
      await other.release();
    }
  });

  it('a store that one process owns leads at once', async () => {
    const store = await openMemoryStore();
    const lead = await store.lead('wechat-bot');
    expect(store.kind).toBe('memory');
    expect(lead.isLeader()).toBe(true);
    await lead.release();
    expect(lead.isLeader()).toBe(false);
  });
});
