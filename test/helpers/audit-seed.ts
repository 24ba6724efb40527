/**
 * A long, valid audit chain written straight into PostgreSQL (the tests and the bench of the
 * audit page at 100,000 entries): each entry chained and signed as an append would, inserted
 * a batch at a time, and the head signed last. Far faster than appending one by one.
 */
import type pg from 'pg';
import { type AuditEntry, chainEntry, checkpointMac } from '../../server/staff/audit-chain.ts';

const batch = 5000;

/** Appends `count` entries after the chain's head; `county(i)` and `action(i)` vary them. */
export async function seedAuditChain(
  pool: pg.Pool,
  key: Buffer,
  count: number,
  vary: { county?: (i: number) => string; action?: (i: number) => string } = {},
): Promise<void> {
  const head = (
    await pool.query<{ entries: string; last_hash: string }>('SELECT entries, last_hash FROM audit_head')
  ).rows[0]!;
  let last = Number(head.entries) ? { seq: Number(head.entries), hash: head.last_hash } : undefined;
  const start = Date.parse('2026-01-01T00:00:00Z');
  for (let done = 0; done < count; done += batch) {
    const entries: AuditEntry[] = [];
    for (let i = done; i < Math.min(count, done + batch); i++) {
      const e = chainEntry(key, last, {
        by: `staff-${i % 50}`,
        county: vary.county?.(i) ?? 'tekes',
        action: vary.action?.(i) ?? 'view',
        target: `TE-${String(i).padStart(8, '0')}`,
        detail: undefined,
        // A minute apart: the seeded chain spans some 70 days at 100,000.
        now: new Date(start + i * 60_000),
      });
      entries.push(e);
      last = e;
    }
    await pool.query(
      `INSERT INTO audit_entries (seq, entry_at, actor, action, target, detail, county, prev, hash)
       SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])`,
      [
        entries.map((e) => e.seq),
        entries.map((e) => e.at),
        entries.map((e) => e.by),
        entries.map((e) => e.action),
        entries.map((e) => e.target),
        entries.map(() => null),
        entries.map((e) => e.county ?? null),
        entries.map((e) => e.prev),
        entries.map((e) => e.hash),
      ],
    );
  }
  if (!last) return;
  const checkpoint = { count: last.seq, head: last.hash };
  await pool.query('UPDATE audit_head SET entries = $1, last_hash = $2, mac = $3 WHERE id = 1', [
    checkpoint.count,
    checkpoint.head,
    checkpointMac(key, checkpoint),
  ]);
  await pool.query('ANALYZE audit_entries');
}
