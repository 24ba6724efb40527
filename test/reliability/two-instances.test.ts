/**
 * Two servers on one PostgreSQL database (issue 18): what "several instances" must mean for a
 * resident and a caseworker, against really started servers and a real PostgreSQL.
 * - a conversation begun on one instance is answered on the other, turn by turn, to the end;
 * - 200 residents double-tap "send" with one tap reaching each instance: 200 referrals, not 400;
 * - what a caseworker does on A is on the audit page of a county admin signed in on B: one
 *   audit chain in the database for both, gap-free, and it verifies (no audit file on either);
 * - the WeChat bot runs on exactly one instance (an advisory lock), and when that instance is
 *   killed the other takes it over within seconds.
 */
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openReferrals } from '../../bot/referral/dialog-storage.ts';
import { openStore } from '../../bot/store/open-store.ts';
import { addCaseworker, addStaffUser } from '../helpers/admin-cli.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PageClient, textOf } from '../helpers/browser-session.ts';
import { say } from '../helpers/conversation-api.ts';
import { type PgCluster, pgBinDir, startPgCluster } from '../helpers/pg-cluster.ts';
import { type Resident, residentWithResults, sendReferral } from '../helpers/resident-referral.ts';
import { signIn, signInAdmin } from '../helpers/staff-sign-in.ts';
import { type Started, startServer } from '../helpers/start-server.ts';
import { coupleZh, referralZh } from '../helpers/transcripts.ts';

const dirs: string[] = [];
let cluster: PgCluster | undefined;
let url = '';
beforeAll(async () => {
  if (!pgBinDir) return;
  cluster = await startPgCluster();
  url = await cluster.createDatabase('two_instances');
}, 120_000);
afterAll(async () => {
  await cluster?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const env = (dataDir: string) => ({
  PORT: '0',
  DATA_DIR: dataDir,
  DATABASE_URL: url,
  RATE_LIMIT_PER_MINUTE: '100000',
  NEW_CONVERSATIONS_PER_HOUR: '1000000',
  WECHATY_PUPPET: 'wechaty-puppet-mock',
});

/** Instance A on a new data directory; B on a second one holding A's keys (as an operator copies them). */
async function twoInstances(): Promise<[Started & { dir: string }, Started & { dir: string }]> {
  const a = mkdtempSync(join(tmpdir(), 'instance-a-'));
  const b = mkdtempSync(join(tmpdir(), 'instance-b-'));
  dirs.push(a, b);
  const first = await startServer('server/main.ts', env(a));
  cpSync(join(a, 'keys'), join(b, 'keys'), { recursive: true });
  cpSync(join(a, 'cookie-keys'), join(b, 'cookie-keys'));
  const second = await startServer('server/main.ts', env(b));
  return [
    { ...first, dir: a },
    { ...second, dir: b },
  ];
}

const wechatOn = async (server: Started) => {
  const res = await fetch(`${server.base}/readyz`);
  // A standby instance reports WeChat as off; the one that leads runs the (mock) bot.
  const body = (await res.json()) as { wechat: { status: string } };
  return body.wechat.status !== 'off';
};

async function until(check: () => Promise<boolean>, ms: number): Promise<number> {
  const t0 = performance.now();
  while (performance.now() - t0 < ms) {
    if (await check().catch(() => false)) return performance.now() - t0;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`not within ${ms} ms`);
}

describe.skipIf(!pgBinDir)('two server instances on one PostgreSQL database', () => {
  it('continue one conversation, make one referral per double tap, and hand over the WeChat bot', async () => {
    const [a, b] = await twoInstances();
    try {
      // A conversation begun on A and answered on B and A in turn, to a referral.
      const script = [...coupleZh, ...referralZh];
      let id: string | undefined;
      let last: string[] = [];
      for (const [i, text] of script.entries()) {
        const out = await say(i % 2 === 0 ? a : b, id, text);
        id = out.id;
        last = out.replies;
      }
      expect(last.join('\n')).toMatch(/TE-[0-9A-Z]{8}/);

      // 200 residents, their results on A or B; each taps "send" twice, one tap to each instance.
      const residents: Resident[] = [];
      for (let batch = 0; batch < 200; batch += 50)
        residents.push(
          ...(await Promise.all(
            Array.from(
              { length: 50 },
              async (_, i) => (await residentWithResults(batch + i < 100 ? a.base : b.base, batch + i))!,
            ),
          )),
        );
      const onOther = (r: Resident): Resident => {
        const other = r.page.base === a.base ? b.base : a.base;
        const page = new PageClient(other);
        page.copyCookiesFrom(r.page);
        return { ...r, page };
      };
      const taps = await Promise.all(residents.flatMap((r) => [sendReferral(r), sendReferral(onOther(r))]));
      expect(taps.every((t) => t?.startsWith('TE-'))).toBe(true);
      expect(new Set(taps).size).toBe(200);
      const db = new pg.Client({ connectionString: url });
      await db.connect();
      try {
        const stored = await db.query('SELECT count(*)::int AS n FROM records WHERE collection = $1', [
          'referrals',
        ]);
        expect(stored.rows[0].n).toBe(201); // the 200 and the conversation's own
      } finally {
        await db.end();
      }

      // A caseworker made by the admin CLI on the database (its own data directory holding the
      // keys), signed in on A; the same cookie works on B (staff sessions are in the store).
      const cli = mkdtempSync(join(tmpdir(), 'instance-cli-'));
      dirs.push(cli);
      cpSync(join(a.dir, 'keys'), join(cli, 'keys'), { recursive: true });
      process.env.DATABASE_URL = url;
      const [password, adminPassword] = (() => {
        try {
          return [
            addCaseworker(cli, 'busy'),
            addStaffUser(cli, ['--username', 'watcher', '--role', 'county_admin', '--county', 'tekes']),
          ];
        } finally {
          delete process.env.DATABASE_URL;
        }
      })();
      const onA = await signIn(a.base, 'busy', password);
      const onB = new PageClient(b.base);
      onB.copyCookiesFrom(onA);
      const reference = taps[0]!;
      await onA.get(`/staff/referrals/${reference}`);
      await onB.get(`/staff/referrals/${reference}`);
      expect(onB.status).toBe(200);
      // Two status changes of one case at once, one on each instance: both land in its history.
      const [viaA, viaB] = await Promise.all([
        onA.post(`/staff/referrals/${reference}/status`, { to: 'contacted' }),
        onB.post(`/staff/referrals/${reference}/status`, { to: 'visit_scheduled' }),
      ]);
      for (const r of [viaA, viaB]) expect(r.headers.get('location')).toMatch(/\?saved=/);
      const store = await openStore({ dataDir: a.dir, databaseUrl: url });
      try {
        const stored = await (await openReferrals(store)).get(reference);
        const moves = stored!.history.filter((h) => h.action === 'status').map((h) => h.to);
        expect(moves.sort()).toEqual(['contacted', 'visit_scheduled']);
      } finally {
        await store.close();
      }

      // The county admin on B sees the caseworker's actions on A (and B): one chain, intact.
      const admin = (await signInAdmin(b.base, 'watcher', adminPassword!)).page;
      await admin.get(`/staff/audit?case=${reference}`);
      expect(admin.status).toBe(200);
      expect(/id="integrity" data-ok="(true|false)"/.exec(admin.last)?.[1]).toBe('true');
      const seen = textOf(admin.last);
      expect(seen).toContain(reference);
      expect(seen).toContain('busy');
      const audit = new pg.Client({ connectionString: url });
      await audit.connect();
      try {
        const moves = await audit.query(
          "SELECT count(*)::int AS n FROM audit_entries WHERE target = $1 AND action = 'status'",
          [reference],
        );
        expect(moves.rows[0].n).toBe(2);
        const chain = await audit.query(
          'SELECT count(*)::int AS n, max(seq)::int AS last FROM audit_entries',
        );
        expect(chain.rows[0].n).toBe(chain.rows[0].last);
      } finally {
        await audit.end();
      }
      for (const dir of [a.dir, b.dir]) expect(existsSync(join(dir, 'audit.jsonl'))).toBe(false);

      // Exactly one runs WeChat: A started first and holds the lock; killing it hands it to B.
      expect(await wechatOn(a)).toBe(true);
      expect(await wechatOn(b)).toBe(false);
      const aGone = new Promise((r) => a.child.once('exit', r));
      a.child.kill('SIGKILL');
      await aGone;
      const took = await until(() => wechatOn(b), 30_000);
      process.stdout.write(
        `WeChat taken over by the second instance ${Math.round(took)} ms after the kill\n`,
      );
    } finally {
      if (a.child.exitCode === null && a.child.signalCode === null) await a.stop();
      await b.stop();
    }
  }, 600_000);
});
