/**
 * The 台账 written as it is made: exceljs's streaming workbook writer, one committed row at a
 * time, straight into the response, so memory stays flat however many cases a county has (the
 * in-memory workbook took 10.7 s and grew with every row at 50,000 cases). Real date cells with
 * a date format, yuan as numbers, the header frozen with a filter on it; CSV for other tools.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import type { ReferralRecord } from '../../bot/referral/referral-record.ts';
import { translator } from '../../locales/i18n.ts';
import { type CellKind, type LedgerColumn, ledgerCells } from './ledger-columns.ts';

const numberFormats: Partial<Record<CellKind, string>> = {
  date: 'yyyy-mm-dd',
  yuan: '#,##0.00',
  count: '0',
};

/** How many rows between checks that the reader keeps up (and turns of the event loop). */
const rowsPerBatch = 200;
/** Sheet XML allowed to wait for the compressor (a few of exceljs's 64 KB batches). */
const maxQueuedBytes = 1 << 20;

/** Column letters for the filter range: 1 → A, 27 → AA. */
export function columnLetter(n: number): string {
  let s = '';
  for (let k = n; k > 0; k = Math.floor((k - 1) / 26)) s = String.fromCharCode(65 + ((k - 1) % 26)) + s;
  return s;
}

/**
 * Wait while rows are made faster than they are compressed or sent. exceljs hands the sheet's
 * XML to the zip's compressor without heeding its back-pressure (its StreamBuf ignores write()'s
 * false), so the compressor's queue would grow to the whole sheet: we watch that queue (the
 * sheet stream's pipe, an exceljs internal, read defensively) and the response itself.
 */
async function keepUp(sheet: ExcelJS.Worksheet, out: Writable) {
  // The compressor is a readable-stream (v2) PassThrough: no writableLength, only _writableState.
  type Queue = Writable & { _writableState?: { length: number; needDrain: boolean } };
  const compressor = (sheet as unknown as { stream?: { pipes?: Queue[] } }).stream?.pipes?.[0];
  const queued = compressor?._writableState;
  if (compressor && queued?.needDrain && queued.length > maxQueuedBytes) await once(compressor, 'drain');
  if (out.writableNeedDrain) await once(out, 'drain');
  await new Promise((resolve) => setImmediate(resolve));
}

export async function writeLedgerXlsx(
  out: Writable,
  columns: readonly LedgerColumn[],
  items: Iterable<ReferralRecord> | AsyncIterable<ReferralRecord>,
): Promise<number> {
  // Inline strings, not a shared-strings table: that table would hold every name until the end.
  const book = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: true,
    useSharedStrings: false,
  });
  const sheet = book.addWorksheet(translator('zh')('ledger.sheet'), {
    views: [{ state: 'frozen', xSplit: 1, ySplit: 1 }],
  });
  sheet.autoFilter = `A1:${columnLetter(columns.length)}1`;
  sheet.columns = columns.map((c) => ({ width: c.width }));
  const header = sheet.addRow(columns.map((c) => c.header));
  header.font = { bold: true };
  header.alignment = { vertical: 'middle', wrapText: true };
  header.commit();
  let rows = 0;
  for await (const r of items) {
    const row = sheet.addRow(ledgerCells(columns, r));
    columns.forEach((c, i) => {
      const format = numberFormats[c.kind];
      if (format) row.getCell(i + 1).numFmt = format;
    });
    row.commit();
    if (++rows % rowsPerBatch === 0) await keepUp(sheet, out);
  }
  sheet.commit();
  await book.commit();
  return rows;
}

const csvText = (v: unknown) =>
  v instanceof Date ? v.toISOString().slice(0, 10) : v === undefined ? '' : (v as string | number);

/**
 * The CSV 台账, UTF-8 with a byte-order mark (so Excel and WPS open the Chinese and Arabic
 * script correctly), made a batch of rows per chunk (Readable.from it: sent as fast as the
 * reader takes it), so a county's 台账 is never one string in memory.
 */
export async function* ledgerCsvChunks(
  columns: readonly LedgerColumn[],
  items: Iterable<ReferralRecord> | AsyncIterable<ReferralRecord>,
): AsyncGenerator<string> {
  yield `\ufeff${stringify([columns.map((c) => c.header)])}`;
  let batch: unknown[][] = [];
  for await (const r of items) {
    batch.push(ledgerCells(columns, r).map(csvText));
    if (batch.length < rowsPerBatch) continue;
    yield stringify(batch);
    batch = [];
  }
  if (batch.length) yield stringify(batch);
}
