/**
 * Streams roster rows from CSV or XLSX as { row, record } with 1-based spreadsheet row numbers
 * (the header is row 1), so errors point at the line a caseworker sees in Excel.
 */
import { createReadStream } from 'node:fs';
import { Transform } from 'node:stream';
import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import { canonicalHeader } from './aliases.ts';
import type { RosterRecord } from './columns.ts';

export interface RosterRow {
  row: number;
  record: RosterRecord;
}

/**
 * A record csv-parse cannot read (a stray quote, an over-long line) is reported through
 * `onBadRecord` with its line number and skipped: one bad line must not stop a county's run.
 */
export async function* readCsv(
  file: string,
  onBytes?: (n: number) => void,
  onBadRecord?: (line: number, detail: string) => void,
): AsyncGenerator<RosterRow> {
  const input = createReadStream(file);
  if (onBytes) input.on('data', (chunk) => onBytes(chunk.length));
  const parser = input.pipe(
    parse({
      bom: true,
      columns: (h: string[]) => h.map(canonicalHeader),
      relax_column_count: true,
      relax_quotes: true,
      info: true,
      skip_empty_lines: true,
      max_record_size: 64 * 1024,
      skip_records_with_error: true,
      on_skip: (err) => {
        if (err) onBadRecord?.((err as { lines?: number }).lines ?? 0, err.message.slice(0, 200));
      },
    }),
  );
  // Line numbers come from the parser, so a skipped record does not shift later rows.
  for await (const { record, info } of parser as AsyncIterable<{
    record: RosterRecord;
    info: { lines: number };
  }>) {
    yield { row: info.lines, record };
  }
}

/** @param onBytes bytes of the file read so far (the browser upload's progress bar) */
export async function* readXlsx(file: string, onBytes?: (n: number) => void): AsyncGenerator<RosterRow> {
  // Counted on the way through: a 'data' listener on the file itself would start it flowing
  // before exceljs reads it, and the first chunks would be lost.
  const input = onBytes
    ? createReadStream(file).pipe(
        new Transform({
          transform(chunk: Buffer, _enc, done) {
            onBytes(chunk.length);
            done(null, chunk);
          },
        }),
      )
    : file;
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    sharedStrings: 'cache',
    worksheets: 'emit',
    hyperlinks: 'ignore',
    styles: 'ignore',
    entries: 'ignore',
  });
  for await (const sheet of reader) {
    let header: string[] | undefined;
    for await (const r of sheet) {
      const values = (r.values as unknown[]).slice(1).map(cellText);
      if (!header) {
        header = values.map(canonicalHeader);
        continue;
      }
      if (values.every((v) => v === '')) continue;
      const record: RosterRecord = {};
      header.forEach((h, i) => {
        record[h] = values[i] ?? '';
      });
      yield { row: r.number, record };
    }
    return; // the first worksheet is the roster
  }
}

function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') {
    const o = v as { text?: unknown; result?: unknown; richText?: { text: string }[] };
    if (o.richText) return o.richText.map((x) => x.text).join('');
    if (o.result !== undefined) return String(o.result);
    if (o.text !== undefined) return String(o.text);
    if (v instanceof Date) return v.toISOString().slice(0, 10);
  }
  return String(v);
}
