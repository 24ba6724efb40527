/**
 * The audit log's tamper evidence (audit-log.ts): entries cut from the end, entries deleted and
 * the chain recomputed with plain SHA-256 (the old recipe, all a person without the key can do),
 * an edited entry, a deleted checkpoint: each is reported, keeps being reported after more
 * entries and a restart, and an old unkeyed log is taken over without losing its own check.
 */
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditLog } from '../../../server/staff/audit-log.ts';
import { type AuditLine, readAuditLines, rechain, writeAuditLines } from '../../helpers/audit-tamper.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'audit-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const logFile = () => join(dir, 'audit.jsonl');
const lines = () => readAuditLines(logFile());
const save = (entries: AuditLine[]) => writeAuditLines(logFile(), entries);

/** A log with six entries by a Tekes caseworker, closed. */
async function sixEntries() {
  const log = AuditLog.open(dir, { countyOf: () => 'tekes' });
  for (let i = 1; i <= 6; i++) await log.append('u1', 'view', `TE-AAAA000${i}`);
  expect(await log.verify()).toEqual({ ok: true });
  log.close();
}

/** Verified while the log is open, then after a restart with two more entries. */
async function reported(): Promise<{ live: unknown; afterRestart: unknown }> {
  const log = AuditLog.open(dir);
  const live = await log.verify();
  await log.append('u1', 'view', 'TE-AAAA0009');
  log.close();
  const again = AuditLog.open(dir);
  await again.append('u1', 'view', 'TE-AAAA0010');
  const afterRestart = await again.verify();
  again.close();
  return { live, afterRestart };
}

describe('the audit log', () => {
  it('keys each entry and keeps its key apart, 0600 in a 0700 directory', async () => {
    await sixEntries();
    expect(statSync(join(dir, 'keys')).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'keys', 'audit.key')).mode & 0o777).toBe(0o600);
    expect(lines()[0]).toMatchObject({ seq: 1, by: 'u1', county: 'tekes' });
    expect(rechain(lines())[0]!.hash).not.toBe(lines()[0]!.hash);
  });

  it('shows entries cut from the end', async () => {
    await sixEntries();
    save(lines().slice(0, 4));
    expect(await reported()).toEqual({ live: { ok: false, seq: 5 }, afterRestart: { ok: false, seq: 5 } });
  });

  it('shows entries deleted and the chain recomputed with SHA-256', async () => {
    await sixEntries();
    save(rechain(lines().filter((e) => e.seq !== 3)));
    expect(await reported()).toEqual({ live: { ok: false, seq: 1 }, afterRestart: { ok: false, seq: 1 } });
  });

  it('shows an edited entry', async () => {
    await sixEntries();
    save(lines().map((e) => (e.seq === 4 ? { ...e, target: 'TE-BBBB0004' } : e)));
    expect(await reported()).toEqual({ live: { ok: false, seq: 4 }, afterRestart: { ok: false, seq: 4 } });
  });

  it('shows a deleted or forged checkpoint', async () => {
    await sixEntries();
    unlinkSync(join(dir, 'audit.checkpoint'));
    expect((await reported()).afterRestart).toEqual({ ok: false, seq: 1 });
    const cp = join(dir, 'audit.checkpoint');
    writeFileSync(cp, readFileSync(cp, 'utf8').replace(/"count":\d+/, '"count":3'));
    expect(await AuditLog.open(dir).verify()).toEqual({ ok: false, seq: 1 });
  });

  it('accepts an entry written just before a crash that left the checkpoint one short', async () => {
    await sixEntries();
    copyFileSync(join(dir, 'audit.checkpoint'), join(dir, 'before'));
    const log = AuditLog.open(dir);
    await log.append('u1', 'view', 'TE-AAAA0007');
    log.close();
    copyFileSync(join(dir, 'before'), join(dir, 'audit.checkpoint'));
    writeFileSync(logFile(), `${readFileSync(logFile(), 'utf8')}{"seq":8,"at":"2026-`); // torn
    const again = AuditLog.open(dir);
    expect(await again.verify()).toEqual({ ok: true });
    expect(again.size).toBe(7);
    await again.append('u1', 'view', 'TE-AAAA0008');
    again.close();
    expect(lines().map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('takes over a log from before keys, and its entries cannot be recomputed from then on', async () => {
    const old = rechain(
      [1, 2, 3].map((i) => ({
        seq: i,
        at: '2026-11-20T10:00:00.000Z',
        by: 'u1',
        action: 'view',
        target: `TE-${i}`,
      })),
    );
    save(old);
    const log = AuditLog.open(dir, { countyOf: () => 'tekes' });
    expect(await log.verify()).toEqual({ ok: true });
    await log.append('u1', 'view', 'TE-4');
    log.close();
    expect(lines()[3]).toMatchObject({ seq: 4, prev: old[2]!.hash });
    const all = lines();
    save([...rechain(all.slice(0, 3).filter((e) => e.seq !== 2)), ...all.slice(3)]);
    expect(await AuditLog.open(dir).verify()).toMatchObject({ ok: false });
  });

  it('survives a first start killed before its new key was named, and with AUDIT_KEY takes no log over', async () => {
    save(rechain([{ seq: 1, at: '2026-11-20T10:00:00.000Z', by: 'u1', action: 'view', target: 'TE-1' }]));
    mkdirSync(join(dir, 'keys'));
    writeFileSync(join(dir, 'keys', 'audit.key.new'), `${'ab'.repeat(32)}\n`);
    const log = AuditLog.open(dir);
    expect(await log.verify()).toEqual({ ok: true });
    log.close();
    expect(readFileSync(join(dir, 'keys', 'audit.key'), 'utf8').trim()).toBe('ab'.repeat(32));

    const key = 'a secret of at least thirty-two characters';
    unlinkSync(join(dir, 'audit.checkpoint'));
    expect(await AuditLog.open(dir, { key }).verify()).toEqual({ ok: false, seq: 1 });
    rmSync(join(dir, 'audit.jsonl'));
    rmSync(join(dir, 'audit.checkpoint'));
    expect(await AuditLog.open(dir, { key }).verify()).toEqual({ ok: true });
  });

  it('records the county of whoever acted; a system entry only the county it is given', async () => {
    const log = AuditLog.open(dir, { countyOf: (id) => (id === 'q1' ? 'qitai' : undefined) });
    await log.append('q1', 'view', 'QT-1');
    await log.appendSystem('tekes', 'login_failed', 'li.na', 'invalid');
    await log.appendSystem('', 'login_failed', 'nobody', 'invalid');
    await log.append('system', 'anything', 'x');
    expect((await log.list()).map((e) => e.county)).toEqual(['', '', 'tekes', 'qitai']);
    log.close();
  });
});
