/**
 * Roster screening jobs (政策找人 in the browser), run in this process off the request: the
 * upload is written to a private file, its header checked before the job exists (a missing
 * column is said at once), then the CLI's own reader and screener (rules/cli/roster) go through
 * it on the event loop, yielding between batches so pages stay quick, while the page polls the
 * progress. The file is deleted as soon as the job ends, whatever the end; results live only in
 * memory and are dropped after ROSTER_RESULTS_MINUTES (or at a restart).
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TFunction } from 'i18next';
import { type Language, translator } from '../../../locales/i18n.ts';
import { readCsv, readXlsx, type RosterRow } from '../../../rules/cli/roster/read-roster.ts';
import { missingColumns, type RosterSummary, screenRoster } from '../../../rules/cli/roster/screen-roster.ts';
import type { ResultRow, ResultsWriter } from '../../../rules/cli/roster/write-results.ts';
import type { Screener } from '../../../rules/engine/screen.ts';
import type { RosterSettings } from '../staff-deps.ts';
import type { RosterKind } from './roster-upload.ts';

export interface RosterJob {
  /** 32 random bytes: the job's address, never guessable from another. */
  id: string;
  county: string;
  /** The admin who uploaded it. */
  by: string;
  kind: RosterKind;
  state: 'running' | 'done' | 'failed';
  bytesTotal: number;
  bytesDone: number;
  rowsRead: number;
  /** Every screened household, for the download (and the flagged ones with their detail). */
  rows: ResultRow[];
  errors: { row: number; message: string }[];
  summary?: RosterSummary;
  expiresAt: number;
  /** "create visits" already run (or running): its report, so a second press changes nothing. */
  visits?: Promise<unknown>;
}

export type StartResult =
  | { ok: true; job: RosterJob }
  | { ok: false; error: string; errorArgs?: Record<string, string | number>; message?: string };

export const defaultRosterSettings = (): RosterSettings => ({
  maxBytes: 10 * 1024 * 1024,
  keepMs: 60 * 60_000,
  uploadDir: join(tmpdir(), `roster-uploads-${process.pid}`),
});

/** Households screened between two turns of the event loop. */
const batch = 100;
const yieldTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export function rosterJobs(settings: RosterSettings, screener: Screener, now: () => Date) {
  const jobs = new Map<string, RosterJob>();
  // Files of a process that was killed mid-job hold a county's roster: gone at start-up.
  mkdirSync(settings.uploadDir, { recursive: true, mode: 0o700 });
  chmodSync(settings.uploadDir, 0o700); // one left by an older run keeps its mode otherwise
  for (const f of readdirSync(settings.uploadDir)) rmSync(join(settings.uploadDir, f), { force: true });
  const sweep = setInterval(() => {
    const t = now().getTime();
    for (const [id, job] of jobs) if (job.expiresAt <= t && job.state !== 'running') jobs.delete(id);
  }, 60_000);
  sweep.unref();

  /** The job, if it exists, has not expired and belongs to this county. */
  function get(id: string, county: string): RosterJob | undefined {
    const job = jobs.get(id);
    if (!job || job.county !== county) return undefined;
    if (job.expiresAt <= now().getTime() && job.state !== 'running') {
      jobs.delete(id);
      return undefined;
    }
    return job;
  }

  /**
   * Writes the upload, reads its header and, when the roster can be screened, starts the job.
   * Results are in Chinese (the county's record, like the ledger); errors in `lang`.
   */
  async function start(
    bytes: Buffer,
    kind: RosterKind,
    county: string,
    by: string,
    lang: Language,
  ): Promise<StartResult> {
    for (const job of jobs.values())
      if (job.county === county && job.state === 'running')
        return { ok: false, error: 'staff.roster.errors.busy' };
    const id = randomBytes(32).toString('base64url');
    const file = join(settings.uploadDir, `${id}.${kind}`);
    writeFileSync(file, bytes, { mode: 0o600 });
    const drop = () => rmSync(file, { force: true });
    const et = translator(lang);
    const job: RosterJob = {
      id,
      county,
      by,
      kind,
      state: 'running',
      bytesTotal: bytes.length,
      bytesDone: 0,
      rowsRead: 0,
      rows: [],
      errors: [],
      expiresAt: now().getTime() + settings.keepMs,
    };
    const bad: [number, string][] = [];
    const rows =
      kind === 'csv'
        ? readCsv(
            file,
            (n) => {
              job.bytesDone += n;
            },
            (line, detail) => bad.push([line, detail]),
          )
        : readXlsx(file, (n) => {
            job.bytesDone += n;
          });
    const iterator = rows[Symbol.asyncIterator]();
    let head: IteratorResult<RosterRow>;
    try {
      head = await iterator.next();
    } catch {
      drop();
      return { ok: false, error: 'staff.roster.errors.unreadable' };
    }
    if (head.done) {
      drop();
      return { ok: false, error: 'staff.roster.errors.empty' };
    }
    const missing = missingColumns(head.value.record, et);
    if (missing) {
      await iterator.return?.(undefined);
      drop();
      return { ok: false, error: 'staff.roster.errors.columns', message: missing };
    }
    async function* again() {
      yield (head as IteratorYieldResult<RosterRow>).value;
      for (let r = await iterator.next(); !r.done; r = await iterator.next()) yield r.value;
    }
    jobs.set(id, job);
    // Off the request: the answer (a redirect to the progress page) goes out first.
    // Fire and forget: run() catches what the file can throw and records it on the job.
    setImmediate(() => {
      void run(job, again(), et, bad).finally(drop);
    });
    return { ok: true, job };
  }

  async function run(job: RosterJob, rows: AsyncIterable<RosterRow>, et: TFunction, bad: [number, string][]) {
    let sinceYield = 0;
    const writer: ResultsWriter = {
      async add(r) {
        job.rows.push(r);
        if (++sinceYield >= batch) {
          sinceYield = 0;
          await yieldTurn();
        }
      },
      addError(row, message) {
        job.errors.push({ row, message });
      },
      async close() {},
    };
    try {
      job.summary = await screenRoster(rows, screener, writer, translator('zh'), {
        detail: true,
        errorT: et,
        onRow: (n) => {
          job.rowsRead = n;
        },
      });
      for (const [line, detail] of bad) {
        job.errors.push({ row: line, message: et('roster.errors.malformed_record', { detail }) });
        job.summary.errorRows++;
      }
      job.errors.sort((a, b) => a.row - b.row);
      job.state = 'done';
    } catch {
      // A file that breaks halfway (a damaged zip): said on the page, nothing half-kept.
      job.rows = [];
      job.state = 'failed';
    }
    job.bytesDone = job.bytesTotal;
    job.expiresAt = now().getTime() + settings.keepMs;
  }

  return { start, get, stop: () => clearInterval(sweep) };
}

export type RosterJobs = ReturnType<typeof rosterJobs>;
