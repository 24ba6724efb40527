/**
 * Personal fields encrypted at rest (field-cipher.ts, data-keys.ts) through the real file store:
 * what reaches the file, what comes back, and what is refused.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { openFileStore, type Store } from '../../../bot/store/collection-store.ts';
import { keyring, newDataKey } from '../../../bot/store/data-keys.ts';
import { decryptValue, encryptValue, recordCodec } from '../../../bot/store/field-cipher.ts';
import { DataKeyError } from '../../../bot/store/store-errors.ts';
import { envKeys, parseConfig } from '../../../server/config.ts';

const person = z.strictObject({
  name: z.string(),
  phone: z.string(),
  township: z.string(),
  notes: z.array(z.strictObject({ at: z.string(), note: z.string().optional() })),
});
type Person = z.infer<typeof person>;
const options = {
  personal: ['name', 'phone', 'notes.*.note'],
  index: { phone: (p: Person) => p.phone || undefined },
} as const;
const alice: Person = {
  name: '阿依古丽',
  phone: '13912345678',
  township: 'karadala',
  notes: [{ at: '2026-12-01', note: '周三入户' }, { at: '2026-12-02' }],
};

let dir: string;
let store: Store | undefined;
beforeEach(() => {
  dir = join(mkdtempSync(join(tmpdir(), 'cipher-')), 'data');
});
afterEach(async () => {
  await store?.close().catch(() => {});
  store = undefined;
  rmSync(join(dir, '..'), { recursive: true, force: true });
});
const open = async (keys?: { current: Buffer; previous: Buffer[] }) => {
  store = await openFileStore(dir, { coalesceMs: 20, ...(keys ? { keys } : {}) });
  return store.collection('people', person, options);
};
const file = () => readFileSync(join(dir, 'people.json'), 'utf8');

describe('encrypted fields in the file store', () => {
  it('writes the personal fields as enc:v1:<keyId>:… and reads them back as plaintext', async () => {
    const people = await open();
    await people.setDurably('a', alice);
    const raw = JSON.parse(file()).records.a;
    expect(raw.name).toMatch(/^enc:v1:[0-9a-f]{12}:[A-Za-z0-9+/]+=*$/);
    expect(raw.phone).toMatch(/^enc:v1:/);
    expect(raw.notes[0].note).toMatch(/^enc:v1:/);
    expect(raw.township).toBe('karadala'); // what filters need stays in clear
    expect(raw.notes[1]).toEqual({ at: '2026-12-02' });
    expect(file()).not.toContain('13912345678');
    expect(file()).not.toContain('阿依古丽');
    expect(raw.searchIndex).toEqual({
      key: expect.any(String),
      phone: people.index!.hash('phone', alice.phone),
    });
    await store!.close();
    expect(await (await open()).get('a')).toEqual(alice); // the stored index is not part of the record
  });

  it('makes the key file 0600 in a 0700 keys directory, and keeps it across starts', async () => {
    await (await open()).setDurably('a', alice);
    const key = readFileSync(join(dir, 'keys', 'data.key'), 'utf8');
    expect(statSync(join(dir, 'keys', 'data.key')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'keys')).mode & 0o777).toBe(0o700);
    await store!.close();
    await open();
    expect(readFileSync(join(dir, 'keys', 'data.key'), 'utf8')).toBe(key);
  });

  it('reads values stored before encryption as they are and encrypts them on the next write', async () => {
    await open();
    await store!.close();
    writeFileSync(join(dir, 'people.json'), JSON.stringify({ version: 1, records: { a: alice } }));
    const people = await open();
    expect(await people.get('a')).toEqual(alice);
    await people.set('b', { ...alice, name: '李娜' });
    await store!.flush();
    expect(file()).not.toContain('13912345678');
  });

  it('refuses to open with another key, naming the file and the key it needs', async () => {
    await (await open()).setDurably('a', alice);
    await store!.close();
    store = undefined;
    const error = await open({ current: newDataKey(), previous: [] }).catch((e) => e);
    expect(error).toBeInstanceOf(DataKeyError);
    expect(error.message).toContain(join(dir, 'people.json'));
    expect(error.message).toMatch(/encrypted with data key [0-9a-f]{12}, which is not configured/);
  });

  it('decrypts with a previous key and re-encrypts with the current one', async () => {
    const old = newDataKey();
    const people = await open({ current: old, previous: [] });
    await people.setDurably('a', alice);
    await store!.close();
    const current = newDataKey();
    const again = await open({ current, previous: [old] });
    expect(await again.get('a')).toEqual(alice);
    await again.set('a', (await again.get('a'))!);
    await store!.flush();
    expect(file()).toContain(`enc:v1:${keyring([current], 'env').current.id}:`);
    expect(file()).not.toContain(`enc:v1:${keyring([old], 'env').current.id}:`);
  });
});

describe('encryptValue / decryptValue', () => {
  const ring = keyring([newDataKey()], 'env');
  it('uses a fresh IV for every value', () => {
    expect(encryptValue(ring.current, 'x', 'a:name')).not.toBe(encryptValue(ring.current, 'x', 'a:name'));
  });
  it('refuses a value moved to another record or field, and an altered one', () => {
    const c = encryptValue(ring.current, '13912345678', 'a:phone');
    expect(decryptValue(ring, c, 'a:phone')).toBe('13912345678');
    expect(() => decryptValue(ring, c, 'b:phone')).toThrow(/does not decrypt/);
    expect(() => decryptValue(ring, c, 'a:name')).toThrow(/does not decrypt/);
    const altered = `${c.slice(0, -4)}${c.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
    expect(() => decryptValue(ring, altered, 'a:phone')).toThrow(/does not decrypt/);
  });
  it('keeps objects and arrays whole (answers, snapshots)', () => {
    const codec = recordCodec(() => ring, ['answers']);
    const stored = codec.encode('s', { id: 's', answers: { members: [{ age: 45 }], monthlyIncome: 600 } });
    expect(JSON.stringify(stored)).not.toContain('monthlyIncome');
    expect(codec.decode('s', stored)).toEqual({
      id: 's',
      answers: { members: [{ age: 45 }], monthlyIncome: 600 },
    });
  });
});

describe('DATA_KEY in the configuration', () => {
  it('takes 32 bytes of base64 and refuses anything else without repeating it', () => {
    const key = newDataKey().toString('base64');
    expect(parseConfig({ DATA_KEY: key }).DATA_KEY?.toString('base64')).toBe(key);
    const short = Buffer.alloc(16, 1).toString('base64');
    expect(() => parseConfig({ DATA_KEY: short })).toThrow(/DATA_KEY: must be 32 bytes in base64/);
    expect(() => parseConfig({ DATA_KEY: short })).not.toThrow(short);
    expect(() => envKeys(parseConfig({ DATA_KEY_PREVIOUS: key }))).toThrow(/needs DATA_KEY/);
  });
});
