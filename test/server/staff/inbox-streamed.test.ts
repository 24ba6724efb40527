/**
 * The inbox with a filter or sort the store has no column for (a name or village, a program,
 * dates, "mine", another sort, a caseworker naming a township, "no township") reads the user's
 * township or county as a stream of keyset pages and keeps only the page's window
 * (inbox-query.ts, inbox-window.ts), so a county admin's filtered view at 1,000,000 referrals
 * never holds the county. The referrals collection is wrapped to refuse any read without a
 * limit or with more than a stream page (what the inbox did before: the whole county in one
 * array) and to count what it hands out at once; what the inbox shows is checked against
 * filtering and sorting the whole county in memory (the old way), on memory, lowdb and PostgreSQL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openReferrals } from '../../../bot/referral/dialog-storage.ts';
import {
  cannotBeReturned,
  type ReferralRecord,
  type ReferralStatus,
  referralStatuses,
} from '../../../bot/referral/referral-record.ts';
import {
  type Collection,
  openFileStore,
  openMemoryStore,
  type Store,
} from '../../../bot/store/collection-store.ts';
import { openPgStore } from '../../../bot/store/pg/pg-store.ts';
import { canSee } from '../../../server/staff/access.ts';
import {
  type InboxFilter,
  inboxPage,
  pageSize,
  selectFrom,
  streamSelected,
} from '../../../server/staff/inbox-query.ts';
import { ledgerCells, ledgerColumns } from '../../../server/staff/ledger-columns.ts';
import { ledgerCsvChunks } from '../../../server/staff/ledger-export.ts';
import { sortColumns } from '../../../server/staff/inbox-sort.ts';
import { streamPage } from '../../../server/staff/seen-referrals.ts';
import type { StaffUser } from '../../../server/staff/staff-records.ts';
import { type PgCluster, pgBinDir, startPgCluster } from '../../helpers/pg-cluster.ts';
import { seededReferral } from '../../helpers/seed-referrals.ts';

const dirs: string[] = [];
let cluster: PgCluster | undefined;
// Pages of 700: the 1,630 cases below are read in three.
const pageRows = 700;
const defaultRows = streamPage.rows;
beforeAll(() => {
  streamPage.rows = pageRows;
});
afterAll(async () => {
  streamPage.rows = defaultRows;
  await cluster?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const user = (role: StaffUser['role'], township?: string): StaffUser => ({
  id: `u-${role}`,
  username: role,
  displayName: role,
  role,
  county: 'tekes',
  ...(township ? { township } : {}),
  passwordHash: 'x',
  mustChangePassword: false,
  disabled: false,
  lang: 'zh',
  createdAt: '2026-11-01T00:00:00.000Z',
});

/** More cases than two stream pages: townships (and none), programs, assignees, visits, call-backs. */
function cases(n: number): ReferralRecord[] {
  const out: ReferralRecord[] = [];
  for (let i = 0; i < n; i++) {
    const reference = `TE-${(1_000_000 + ((i * 7919) % 1_000_000)).toString(36).toUpperCase().padStart(8, '0').slice(-8)}`;
    const callback = i % 11 === 0;
    out.push(
      seededReferral(
        reference,
        1 + (i % 27),
        {
          name: `${['阿依古丽', '古丽娜尔', '热依拉', '努尔'][i % 4]}${i % 13}`,
          phone: callback && i % 2 === 0 ? '' : `139${String(10_000_000 + i).slice(-8)}`,
          village: ['阿克塔木', '喀拉达拉', '乔拉克'][i % 3]!,
        },
        {
          township: ['karadala', 'kuokesu', 'qiongkushitai', ''][i % 4]!,
          status: referralStatuses[i % referralStatuses.length]!,
          programs: [
            { id: ['dibao', 'tekun', 'linshi'][i % 3]!, verdict: i % 5 === 0 ? 'unlikely' : 'likely' },
          ],
          ...(i % 7 === 0 ? { assignee: 'u-county_admin' } : {}),
          ...(i % 6 === 0 ? { visitAt: new Date(Date.UTC(2026, 11, 1 + (i % 20))).toISOString() } : {}),
          ...(callback ? { kind: 'callback' as const } : {}),
        },
      ),
    );
  }
  return out;
}

/** The inbox as it was: every record the user sees in one array, filtered and sorted in memory. */
function wholeCounty(
  all: ReferralRecord[],
  who: StaffUser,
  f: InboxFilter,
  townshipName: (id: string) => string,
) {
  const seen = all.filter(
    (r) =>
      r.jurisdiction === who.county &&
      (who.role === 'county_admin' || (r.township || undefined) === who.township) &&
      canSee(who, r),
  );
  const counts = Object.fromEntries(referralStatuses.map((s) => [s, 0])) as Record<ReferralStatus, number>;
  for (const r of selectFrom(seen, who, { ...f, status: undefined })) counts[r.status]++;
  const items = selectFrom(seen, who, f, new Set(), townshipName);
  const pages = Math.max(1, Math.ceil(items.length / pageSize));
  const page = Math.min(f.page ?? 1, pages);
  return {
    items: items.slice((page - 1) * pageSize, page * pageSize),
    total: items.length,
    page,
    pages,
    counts,
    unreturnable: seen.filter(cannotBeReturned).length,
  };
}

/** Refuses a read without a limit or larger than a stream page; records the largest read. */
function streamedOnly(referrals: Collection<ReferralRecord>) {
  const read = { largest: 0, reads: 0 };
  const wrapped: Collection<ReferralRecord> = Object.create(referrals, {
    find: {
      value: async (where: Record<string, string>, options?: { limit?: number }) => {
        if (!options?.limit || options.limit > pageRows)
          throw new Error(`read whole: ${JSON.stringify(where)}`);
        const rows = await referrals.find(where, options);
        read.largest = Math.max(read.largest, rows.length);
        read.reads++;
        return rows;
      },
    },
    values: {
      value: () => {
        throw new Error('read every referral');
      },
    },
    entries: {
      value: () => {
        throw new Error('read every referral');
      },
    },
  });
  return { wrapped, read };
}

const stores: [string, () => Promise<Store>][] = [
  ['memory', () => openMemoryStore()],
  [
    'lowdb',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'inbox-streamed-'));
      dirs.push(dir);
      return openFileStore(dir);
    },
  ],
  // Without PostgreSQL's binaries pg-cluster.ts says so (and fails the run in CI).
  ...(pgBinDir
    ? [
        [
          'PostgreSQL',
          async () => {
            cluster ??= await startPgCluster();
            const url = await cluster.createDatabase('inbox_streamed');
            const dir = mkdtempSync(join(tmpdir(), 'inbox-streamed-keys-'));
            dirs.push(dir);
            return openPgStore(url, { dataDir: dir });
          },
        ] as [string, () => Promise<Store>],
      ]
    : []),
];

const csvText = (v: unknown) =>
  v instanceof Date ? v.toISOString().slice(0, 10) : v === undefined ? '' : (v as string | number);

const townshipName = (id: string) =>
  ({ karadala: '喀拉达拉', kuokesu: '阔克苏', qiongkushitai: '琼库什台' })[id] ?? id;

describe.each(stores)('the filtered inbox streamed on %s', (name, open) => {
  it('shows what filtering the whole county in memory showed, reading a stream page at a time', async () => {
    const store = await open();
    const referrals = await openReferrals(store);
    const all = cases(2 * pageRows + 230);
    for (const r of all) await referrals.set(r.reference, r);
    const { wrapped, read } = streamedOnly(referrals);
    const filters: InboxFilter[] = [
      { q: '阿依古丽' },
      { q: '阿依古丽1', page: 3 },
      { village: '乔拉克' },
      { village: '乔拉克', status: 'new', page: 2 },
      { program: 'dibao' },
      { program: 'tekun', page: 99 },
      { from: '2026-11-05', to: '2026-11-12' },
      { from: '2026-11-20', status: 'approved' },
      { mine: '1' },
      { mine: '1', kind: 'callback' },
      { township: '-' },
      { township: 'kuokesu', q: '努尔' },
      { kind: 'unreturnable', village: '阿克塔木' },
      ...sortColumns.flatMap((sort) =>
        (['asc', 'desc'] as const).flatMap((dir) => [
          { sort, dir },
          { sort, dir, page: 4 },
          { sort, dir, page: 500, status: 'new' as const },
        ]),
      ),
      { dir: 'asc' },
      { dir: 'asc', page: 7 },
    ];
    // PostgreSQL decrypts every row it reads: half the filters there.
    const asked = name === 'PostgreSQL' ? filters.filter((_, i) => i % 2 === 0) : filters;
    for (const who of [user('caseworker', 'karadala'), user('county_admin')])
      for (const f of asked) {
        const shown = await inboxPage(wrapped, who, f, townshipName);
        const want = wholeCounty(all, who, f, townshipName);
        expect(
          shown.items.map((r) => r.reference),
          JSON.stringify(f),
        ).toEqual(want.items.map((r) => r.reference));
        expect({ ...shown, items: [] }, JSON.stringify(f)).toEqual({ ...want, items: [] });
      }
    // The county was read in several pages, none larger than a stream page.
    expect(read.largest).toBeLessThanOrEqual(pageRows);
    expect(read.reads).toBeGreaterThan(asked.length * 2);

    // The 台账's stream (ledger-routes.ts): the selection newest first, as a CSV of chunks.
    const admin = user('county_admin');
    for (const f of [{}, { village: '乔拉克', status: 'new' as const }, { township: '-' }]) {
      const want = selectFrom(
        all.filter((r) => canSee(admin, r)),
        admin,
        f,
      );
      const streamed: ReferralRecord[] = [];
      for await (const r of streamSelected(wrapped, admin, f)) streamed.push(r);
      expect(streamed.map((r) => r.reference)).toEqual(want.map((r) => r.reference));
      const columns = ledgerColumns({ townships: () => [], staff: { users: new Map() } }, admin, 'masked', [
        'dibao',
      ]);
      const chunks: string[] = [];
      for await (const chunk of ledgerCsvChunks(columns, streamSelected(wrapped, admin, f)))
        chunks.push(chunk);
      expect(chunks.length).toBeGreaterThan(want.length / 200);
      const rows = [columns.map((c) => c.header), ...want.map((r) => ledgerCells(columns, r).map(csvText))];
      expect(chunks.join('')).toEqual(`\ufeff${stringify(rows)}`);
    }
    await store.close();
  });
});
