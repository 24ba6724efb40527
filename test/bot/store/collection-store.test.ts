/**
 * The embedded store against real files (RELIABILITY.md): every test opens a temp data
 * directory with the real file adapter, never lowdb's NODE_ENV=test memory mode.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { openFileStore, openMemoryStore, type Store } from '../../../bot/store/collection-store.ts';
import {
  DataDirLockedError,
  InvalidIdError,
  StoreFileError,
  StoreWriteError,
} from '../../../bot/store/store-errors.ts';

const note = z.strictObject({ text: z.string(), n: z.number() });
let dir: string;
let store: Store | undefined;

beforeEach(() => {
  dir = join(mkdtempSync(join(tmpdir(), 'store-')), 'data');
});
afterEach(async () => {
  await store?.close().catch(() => {});
  store = undefined;
  rmSync(join(dir, '..'), { recursive: true, force: true });
});

const open = async () => {
  store = await openFileStore(dir, { coalesceMs: 20 });
  return store.collection('notes', note);
};
const fileOf = (name = 'notes') => JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8'));

describe('openFileStore', () => {
  it('keeps records across a restart', async () => {
    const notes = await open();
    await notes.set('a', { text: 'one', n: 1 });
    await notes.setDurably('b', { text: '两', n: 2 });
    await store!.close();
    const again = await open();
    expect(await again.get('a')).toEqual({ text: 'one', n: 1 });
    expect(await again.get('b')).toEqual({ text: '两', n: 2 });
  });

  it('has a durable change on disk when setDurably resolves', async () => {
    const notes = await open();
    await notes.setDurably('ref-1', { text: 'referral', n: 1 });
    expect(fileOf().records['ref-1']).toEqual({ text: 'referral', n: 1 });
  });

  it('coalesces many quick changes into few writes, all of them kept', async () => {
    const notes = await open();
    for (let i = 0; i < 500; i++) await notes.set(`k${i}`, { text: 'x', n: i });
    await store!.flush();
    expect(Object.keys(fileOf().records)).toHaveLength(500);
  });

  it('updates one at a time: 200 concurrent increments that await inside lose nothing', async () => {
    const notes = await open();
    await notes.set('counter', { text: 'c', n: 0 });
    await Promise.all(
      Array.from({ length: 200 }, async () => {
        await Promise.resolve();
        await notes.update('counter', async (c) => {
          await new Promise((resolve) => setImmediate(resolve));
          return { text: 'c', n: (c?.n ?? 0) + 1 };
        });
      }),
    );
    await store!.flush();
    expect(fileOf().records.counter.n).toBe(200);
  });

  it('writes data files 0600 inside a 0700 directory, after many writes', async () => {
    const notes = await open();
    for (let i = 0; i < 5; i++) await notes.setDurably(`k${i}`, { text: 'x', n: i });
    expect(statSync(join(dir, 'notes.json')).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  it('removes a stale temp file left by a killed write', async () => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, '.notes.json.tmp'), '{"personal":"data"');
    await open();
    expect(existsSync(join(dir, '.notes.json.tmp'))).toBe(false);
  });

  it.each([
    ['empty', '', /is empty/],
    ['truncated', '{"version":1,"records":{"a":{"text":"x"', /not valid JSON/],
    ['NUL-filled', '\u0000\u0000\u0000\u0000', /NUL/],
    ['null', 'null', /wrong shape/],
    [
      'of the wrong shape',
      '{"version":1,"records":{"a":{"text":5,"n":1}}}',
      /wrong shape at "records\.a\.text"/,
    ],
    [
      'holding a prototype-polluting id',
      '{"version":1,"records":{"__proto__":{"text":"x","n":1}}}',
      /wrong shape/,
    ],
  ])('refuses to start on a file that is %s, naming the path', async (_what, content, reason) => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'notes.json'), content);
    const error = await open().catch((e) => e);
    expect(error).toBeInstanceOf(StoreFileError);
    expect(error.message).toContain(join(dir, 'notes.json'));
    expect(error.message).toMatch(reason);
    expect(readFileSync(join(dir, 'notes.json'), 'utf8')).toBe(content); // never overwritten with defaults
  });

  it('refuses ids that could pollute prototypes or escape a file name', async () => {
    const notes = await open();
    for (const id of ['__proto__', 'constructor', 'prototype', '../x', 'a b', '', 'x'.repeat(81)]) {
      await expect(notes.set(id, { text: 'x', n: 1 })).rejects.toThrow(InvalidIdError);
    }
    expect(({} as Record<string, unknown>).text).toBeUndefined();
  });

  it('undoes a durable change whose write fails, reports it, and recovers', async () => {
    const notes = await open();
    await notes.setDurably('kept', { text: 'saved', n: 1 });
    mkdirSync(join(dir, '.notes.json.tmp')); // the next write cannot create its temp file
    await expect(notes.setDurably('lost', { text: 'not saved', n: 2 })).rejects.toBeInstanceOf(
      StoreWriteError,
    );
    expect(await notes.get('lost')).toBeUndefined();
    expect(store!.health().ok).toBe(false);
    expect(fileOf().records).toEqual({ kept: { text: 'saved', n: 1 } });
    rmSync(join(dir, '.notes.json.tmp'), { recursive: true });
    await notes.setDurably('later', { text: 'saved again', n: 3 });
    expect(store!.health().ok).toBe(true);
    expect(Object.keys(fileOf().records).sort()).toEqual(['kept', 'later']);
  });

  it('refuses a second store on the same directory in this process', async () => {
    await open();
    await expect(openFileStore(dir)).rejects.toBeInstanceOf(DataDirLockedError);
  });

  it('refuses to start while another process holds the directory, and takes over once it is gone', async () => {
    mkdirSync(dir, { recursive: true });
    // Another process takes the lock the way the store does, then stays alive.
    const code = `require('fs').writeFileSync(${JSON.stringify(join(dir, '.lock'))}, String(process.pid)); console.log('locked'); setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise((resolve) => child.stdout.once('data', resolve));
    const error = await openFileStore(dir).catch((e) => e);
    expect(error).toBeInstanceOf(DataDirLockedError);
    expect(error.message).toContain(String(child.pid));
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    store = await openFileStore(dir); // the lock's owner is gone: taken over at once
    expect(readFileSync(join(dir, '.lock'), 'utf8')).toBe(String(process.pid));
  });
});

describe('openMemoryStore', () => {
  it('has the same interface and writes nothing', async () => {
    const s = await openMemoryStore();
    const notes = await s.collection('notes', note);
    await notes.setDurably('a', { text: 'x', n: 1 });
    expect(await notes.get('a')).toEqual({ text: 'x', n: 1 });
    await s.close();
  });
});
