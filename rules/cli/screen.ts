/**
 * The screening CLI.
 *
 *   npm run screen -- households.json|.ndjson|- [--out FILE|-] [--pretty] [--ndjson] [--jobs N] [--format json|text] [--lang zh|ug|kk]
 *   npm run screen -- roster.csv|roster.xlsx --out results.xlsx|results.csv [--date YYYY-MM-DD] [--lang zh]
 *
 * Bad input exits non-zero with the field and the problem on stderr, in the chosen language.
 */
import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { extname } from 'node:path';
import { parseArgs } from 'node:util';
import { SingleBar } from 'cli-progress';
import { isLanguage, type Language, translator } from '../../locales/i18n.ts';
import { RuleFileError } from '../engine/rule-file-error.ts';
import { createScreener, type Screener } from '../engine/screen.ts';
import { exitQuietlyOnEpipe } from './quiet-epipe.ts';
import { jsonExtensions, screenJson } from './screen-json.ts';
import { readCsv, readXlsx } from './roster/read-roster.ts';
import { missingColumns, screenRoster } from './roster/screen-roster.ts';
import { openResultsWriter } from './roster/write-results.ts';

/** Errors printed to stderr during a roster run before the rest are only counted. */
const shownErrors = 100;

export async function main(argv: string[]): Promise<number> {
  let lang: Language = 'zh';
  const langAt = argv.indexOf('--lang');
  if (langAt >= 0 && isLanguage(argv[langAt + 1])) lang = argv[langAt + 1] as Language;
  const t = translator(lang);

  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv);
  } catch (e) {
    const option = /'([^']+)'/.exec((e as Error).message)?.[1] ?? '';
    process.stderr.write(`${t('cli.unknownOption', { option })}\n${t('cli.help')}\n`);
    return 2;
  }
  const { values, positionals } = args;
  if (values.help || positionals.length === 0) {
    process.stdout.write(`${t('cli.help')}\n`);
    return values.help ? 0 : 2;
  }
  if (values.lang !== undefined && !isLanguage(values.lang)) return badOption(t, '--lang', values.lang);
  const format = values.format ?? 'json';
  if (format !== 'json' && format !== 'text') return badOption(t, '--format', format);
  if (values.date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(values.date))
    return badOption(t, '--date', values.date);
  // JSON results are screened by N worker threads (default: one per core), written in input order.
  if (values.jobs !== undefined && !/^[1-9]\d{0,2}$/.test(values.jobs))
    return badOption(t, '--jobs', values.jobs);
  // One thread unless asked: each worker holds its own rule book (about 110 MB), and on a 2-core
  // county machine two workers gain about a third in speed for twice the memory.
  const jobs = values.jobs === undefined ? 1 : Math.min(Number(values.jobs), availableParallelism() * 2);

  let screener: Screener;
  try {
    screener = createScreener();
  } catch (e) {
    if (e instanceof RuleFileError) {
      process.stderr.write(`${e.message}\n`);
      return 3;
    }
    throw e;
  }

  const file = positionals[0]!;
  const ext = extname(file).toLowerCase();
  if (ext === '.csv' || ext === '.xlsx') {
    if (!values.out) {
      process.stderr.write(`${t('cli.rosterNeedsOut')}\n`);
      return 2;
    }
    return roster(file, ext, values.out, screener, lang, values.date);
  }
  if (file !== '-' && !jsonExtensions.includes(ext)) {
    process.stderr.write(`${t('cli.unknownFormat', { file })}\n`);
    return 2;
  }

  return screenJson(file, screener, t, lang, {
    format,
    out: values.out,
    date: values.date,
    pretty: values.pretty === true,
    ndjson: values.ndjson === true,
    jobs,
  });
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      format: { type: 'string' },
      lang: { type: 'string' },
      out: { type: 'string' },
      date: { type: 'string' },
      pretty: { type: 'boolean' },
      ndjson: { type: 'boolean' },
      jobs: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

function badOption(t: ReturnType<typeof translator>, option: string, value: string) {
  process.stderr.write(`${t('cli.badOption', { option, value })}\n`);
  return 2;
}

async function roster(
  file: string,
  ext: string,
  out: string,
  screener: Screener,
  lang: Language,
  date?: string,
) {
  const t = translator(lang);
  let size: number;
  try {
    size = statSync(file).size;
  } catch (e) {
    process.stderr.write(`${t('cli.fileError', { file, detail: (e as Error).message })}\n`);
    return 2;
  }
  const bar = new SingleBar({
    stream: process.stderr,
    format: `${t('cli.progress')} [{bar}] {percentage}% | {rows} | {eta_formatted}`,
    hideCursor: true,
    etaBuffer: 50,
  });
  let done = 0;
  bar.start(ext === '.csv' ? size : 1, 0, { rows: 0 });
  const onBytes = (n: number) => {
    done += n;
    bar.update(done);
  };
  const badRecords: [number, string][] = [];
  const rows =
    ext === '.csv'
      ? readCsv(file, onBytes, (line, detail) => badRecords.push([line, detail]))
      : readXlsx(file);
  // The header is checked before the results file is opened: a roster without a required
  // column gives no results file at all and exits 2, rather than a file of nothing.
  const iterator = rows[Symbol.asyncIterator]();
  const head = await iterator.next();
  if (!head.done) {
    const missing = missingColumns(head.value.record, t);
    if (missing) {
      bar.stop();
      await iterator.return?.(undefined);
      process.stderr.write(`${missing}\n`);
      return 2;
    }
  }
  async function* again() {
    if (head.done) return;
    yield head.value;
    for (let r = await iterator.next(); !r.done; r = await iterator.next()) yield r.value;
  }
  const writer = openResultsWriter(out, t);
  let shown = 0;
  const summary = await screenRoster(again(), screener, writer, t, {
    ...(date ? { date } : {}),
    onRow: (n) => {
      if (n % 1000 === 0) bar.update(ext === '.csv' ? done : 0, { rows: n });
    },
    onError: (row, message) => {
      if (shown++ < shownErrors) {
        bar.stop();
        process.stderr.write(`${t('cli.rowError', { row, message })}\n`);
        bar.start(ext === '.csv' ? size : 1, ext === '.csv' ? done : 0, { rows: row });
      }
    },
  });
  for (const [line, detail] of badRecords) {
    const message = t('roster.errors.malformed_record', { detail });
    writer.addError(line, message);
    summary.errorRows++;
    if (shown++ < shownErrors) process.stderr.write(`${t('cli.rowError', { row: line, message })}\n`);
  }
  await writer.close();
  bar.update(ext === '.csv' ? size : 1, { rows: summary.rows });
  bar.stop();
  if (shown > shownErrors)
    process.stderr.write(`${t('cli.rowErrorsTruncated', { count: shown - shownErrors })}\n`);
  process.stderr.write(
    `${t('cli.rosterDone', { households: summary.households, rows: summary.rows, flagged: summary.flagged, errors: summary.errorRows, out })}\n`,
  );
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  exitQuietlyOnEpipe();
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`${(e as Error).stack ?? e}\n`);
      process.exitCode = 70;
    },
  );
}
