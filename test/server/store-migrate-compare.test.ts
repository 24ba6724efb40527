/**
 * The migration's verification (server/store-migrate.ts) on memory collections: equal sides
 * pass, and a changed, missing or reordered-key record is told apart from one that is equal.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { openMemoryStore } from '../../bot/store/collection-store.ts';
import { canonicalJson, compareCollection } from '../../server/store-migrate.ts';

const schema = z.record(z.string(), z.unknown());

async function twoSides() {
  const a = await (await openMemoryStore()).collection('c', schema);
  const b = await (await openMemoryStore()).collection('c', schema);
  for (const [id, r] of [
    ['x', { name: '阿依古丽', n: 1, nested: { z: 1, a: [1, { b: 2 }] } }],
    ['y', { name: 'Айгүл', n: 2 }],
  ] as const) {
    await a.set(id, r);
    await b.set(id, r);
  }
  return { a, b };
}

describe('the migration verification', () => {
  it('passes equal sides, whatever the order of keys', async () => {
    const { a, b } = await twoSides();
    await b.set('x', { nested: { a: [1, { b: 2 }], z: 1 }, n: 1, name: '阿依古丽' });
    const check = await compareCollection('c', a, b);
    expect(check).toMatchObject({ lowdb: 2, postgres: 2, onlyInPostgres: 0, ok: true });
    expect(check.lowdbSum).toBe(check.postgresSum);
  });
  it('fails a record changed on one side', async () => {
    const { a, b } = await twoSides();
    await b.set('y', { name: 'Айгүл', n: 3 });
    const check = await compareCollection('c', a, b);
    expect(check.ok).toBe(false);
    expect(check.postgres).toBe(2);
    expect(check.lowdbSum).not.toBe(check.postgresSum);
  });
  it('fails a record missing on the target', async () => {
    const { a, b } = await twoSides();
    await b.delete('x');
    expect(await compareCollection('c', a, b)).toMatchObject({ lowdb: 2, postgres: 1, ok: false });
  });
  it('reports a record only on the target without failing', async () => {
    const { a, b } = await twoSides();
    await b.set('later', { n: 9 });
    expect(await compareCollection('c', a, b)).toMatchObject({ postgres: 2, onlyInPostgres: 1, ok: true });
  });
  it('writes canonical JSON with keys sorted at every depth', () => {
    expect(canonicalJson({ b: [{ d: 1, c: 2 }], a: 'x', u: undefined })).toBe(
      '{"a":"x","b":[{"c":2,"d":1}]}',
    );
  });
});
