/**
 * Writes roster results as they come (XLSX through exceljs's streaming writer, or CSV), so a
 * million-row roster never sits in memory. The errors sheet keeps the first rows only; the
 * total is still counted and reported.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { stringify } from 'csv-stringify';
import ExcelJS from 'exceljs';
import type { TFunction } from 'i18next';
import { programIds } from '../../engine/household.ts';
import type { ScreenResult } from '../../engine/result.ts';
import { safeCell } from './safe-cell.ts';

export interface ResultRow {
  household_id: string;
  township: string;
  village: string;
  members: number;
  per_capita_income: number;
  flag: string;
  /** Why each flagged program is flagged, in the same order (short labels, no numbers). */
  flag_reason: string;
  dibao_tier: string;
  dibao_monthly: number | undefined;
  verdicts: string[];
  /** Flagged rows only, when asked for (RosterOptions.detail); never written to a file. */
  detail?: RosterDetail;
}

export interface RosterDetail {
  result: ScreenResult;
  /** The household as screened (no names: the roster's name columns are never read). */
  input: Record<string, unknown>;
  /** The roster's ID number and phone cells as written, for de-duplication against cases. */
  contact: { idNumber: string; phone: string };
}

export interface ResultsWriter {
  add(row: ResultRow): Promise<void>;
  addError(row: number, message: string): void;
  close(): Promise<void>;
}

export const keptErrorRows = 10_000;

export function headers(t: TFunction): string[] {
  const c = (k: string) => t(`roster.columns.${k}`);
  return [
    c('household_id'),
    c('township'),
    c('village'),
    c('members'),
    c('per_capita_income'),
    c('flag'),
    c('flag_reason'),
    c('dibao_tier'),
    c('dibao_monthly'),
    ...programIds.map((id) => t(`programs.${id}`)),
  ];
}

export const cells = (r: ResultRow) =>
  [
    r.household_id,
    r.township,
    r.village,
    r.members,
    r.per_capita_income,
    r.flag,
    r.flag_reason,
    r.dibao_tier,
    r.dibao_monthly,
    ...r.verdicts,
  ].map(safeCell);

export function openResultsWriter(file: string, t: TFunction): ResultsWriter {
  return file.toLowerCase().endsWith('.csv') ? csvWriter(file, t) : xlsxWriter(file, t);
}

/**
 * exceljs's streaming writer never pushes back: rows go into the worksheet stream's pipe to
 * the zip however far compression lags, and a busy screening loop leaves zlib few event-loop
 * turns. Measured on a 1,000,000-row roster: the zip was written at ~150 KB/s during the run,
 * the rest held in memory (+200 MB of Buffers). So every `checkEvery` rows we wait until that
 * pipe holds less than `maxBacklog` bytes: memory stays flat however long the roster is.
 */
const checkEvery = 200;
const maxBacklog = 4 * 1024 * 1024;

/** Bytes waiting between the worksheet and the zip (exceljs internals, read defensively). */
function zipBacklog(sheet: ExcelJS.Worksheet): { bytes: number; pipe?: NodeJS.EventEmitter } {
  type Pipe = { writableLength?: number; _writableState?: { length?: number } };
  const stream = (sheet as unknown as { stream?: { pipes?: Pipe[] } }).stream;
  const pipe = stream?.pipes?.[0];
  // archiver wraps the sheet in readable-stream's PassThrough, which predates writableLength.
  const bytes = pipe?.writableLength ?? pipe?._writableState?.length;
  if (!pipe || typeof bytes !== 'number') return { bytes: 0 };
  return { bytes, pipe: pipe as unknown as NodeJS.EventEmitter };
}

async function letZipCatchUp(sheet: ExcelJS.Worksheet) {
  for (;;) {
    const { bytes, pipe } = zipBacklog(sheet);
    if (!pipe || bytes < maxBacklog) return new Promise((resolve) => setImmediate(resolve));
    await once(pipe, 'drain');
  }
}

function xlsxWriter(file: string, t: TFunction): ResultsWriter {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
    filename: file,
    useSharedStrings: false,
    useStyles: false,
  });
  const sheet = wb.addWorksheet(t('roster.sheets.results'));
  sheet.addRow(headers(t)).commit();
  const errors: [number, string][] = [];
  let sinceCheck = 0;
  return {
    async add(r) {
      sheet.addRow(cells(r)).commit();
      if (++sinceCheck >= checkEvery) {
        sinceCheck = 0;
        await letZipCatchUp(sheet);
      }
    },
    addError(row, message) {
      if (errors.length < keptErrorRows) errors.push([row, message]);
    },
    async close() {
      sheet.commit();
      const errSheet = wb.addWorksheet(t('roster.sheets.errors'));
      errSheet.addRow([t('roster.columns.row'), t('roster.columns.error')]).commit();
      for (const [row, message] of errors) errSheet.addRow([row, safeCell(message)]).commit();
      errSheet.commit();
      await wb.commit();
    },
  };
}

function csvWriter(file: string, t: TFunction): ResultsWriter {
  const out = createWriteStream(file);
  const csv = stringify({ bom: true });
  csv.pipe(out);
  csv.write(headers(t));
  const errorsFile = file.replace(/\.csv$/i, '.errors.csv');
  const errors: [number, string][] = [];
  return {
    async add(r) {
      if (!csv.write(cells(r))) await once(csv, 'drain');
    },
    addError(row, message) {
      if (errors.length < keptErrorRows) errors.push([row, message]);
    },
    async close() {
      csv.end();
      await once(out, 'finish');
      if (errors.length) {
        const e = stringify({ bom: true });
        const eo = createWriteStream(errorsFile);
        e.pipe(eo);
        e.write([t('roster.columns.row'), t('roster.columns.error')]);
        for (const [row, message] of errors) e.write([row, safeCell(message)]);
        e.end();
        await once(eo, 'finish');
      }
    },
  };
}
