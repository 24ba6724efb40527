/**
 * JSON / NDJSON screening at county scale: households are read, screened and written one at a
 * time, so memory stays flat however many there are (a million households is ~700 MB in and
 * ~5 GB of results out). An array in gives an array out (one compact result per line, still
 * valid JSON); NDJSON or a single object in gives one line per result. A household that fails
 * validation is reported on stderr by its number and skipped; the others are still written and
 * the run exits 1 at the end.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import type { Language, translator } from '../../locales/i18n.ts';
import { textTemplates } from '../../templates/render.ts';
import { resultView } from '../explain/result-view.ts';
import type { Screener } from '../engine/screen.ts';
import { JsonSplitter, JsonStreamError } from './json-stream.ts';
import { resultText, screenText } from './screen-one.ts';
import { ScreenPool } from './screen-pool.ts';

export const jsonExtensions = ['.json', '.ndjson', '.jsonl'];

/** Errors printed to stderr before the rest are only counted. */
const shownErrors = 100;
/** Output is handed to the stream in batches of about this many characters. */
const batchChars = 256 * 1024;
/** Households sent to a worker at once (--jobs): enough to make a message's cost small. */
const jobBatch = 256;

export interface JsonRunOptions {
  format: 'json' | 'text';
  out?: string | undefined;
  date?: string | undefined;
  pretty: boolean;
  ndjson: boolean;
  /** Worker threads screening in parallel; 1 screens in this thread. Text output always does. */
  jobs?: number | undefined;
}

type T = ReturnType<typeof translator>;

/** Batches writes and waits for 'drain', so a slow disk or pipe holds back reading, not memory. */
class Output {
  private pending = '';
  constructor(private readonly stream: Writable) {}
  async write(s: string) {
    this.pending += s;
    if (this.pending.length >= batchChars) await this.flush();
  }
  async flush() {
    if (!this.pending) return;
    const ok = this.stream.write(this.pending);
    this.pending = '';
    if (!ok) await once(this.stream, 'drain');
  }
  async close() {
    await this.flush();
    if (this.stream === process.stdout) return;
    this.stream.end();
    await once(this.stream, 'finish');
  }
}

export async function screenJson(
  file: string,
  screener: Screener,
  t: T,
  lang: Language,
  options: JsonRunOptions,
): Promise<number> {
  const input: Readable =
    file === '-' ? process.stdin : createReadStream(file, { highWaterMark: 1024 * 1024 });
  input.setEncoding('utf8');
  const ndjsonIn = /\.(ndjson|jsonl)$/i.test(file);
  const splitter = new JsonSplitter();
  let output: Output | undefined;
  const open = () => {
    output ??= new Output(
      options.out && options.out !== '-'
        ? createWriteStream(options.out, { highWaterMark: 1024 * 1024 })
        : process.stdout,
    );
    return output;
  };

  const env = options.format === 'text' ? textTemplates() : undefined;
  let n = 0;
  let written = 0;
  let failed = 0;
  let asArray = false;

  const one = async (text: string) => {
    n++;
    const r = screenText(text, screener, t, file, options.date);
    if (!r.ok) return fail(r.detail);
    if (env) {
      const view = resultView(t, r.value, lang);
      const o = open();
      await o.write(env.render('cli/result.njk', { t, view, household: t('cli.household', { n }) }));
      await o.write('\n');
      written++;
    } else await put(resultText(r.value, options.pretty));
  };
  const put = async (json: string) => {
    const o = open();
    if (asArray) await o.write(written === 0 ? `[\n${json}` : `,\n${json}`);
    else await o.write(`${json}\n`);
    written++;
  };
  // --jobs: texts are batched to worker threads; replies are written in input order.
  const jobs = env ? 1 : (options.jobs ?? 1);
  const pool =
    jobs > 1 ? new ScreenPool(jobs, { lang, file, date: options.date, pretty: options.pretty }) : undefined;
  let batch: string[] = [];
  const take = async () => {
    const reply = await pool!.next();
    let e = 0;
    for (const json of reply.jsons) {
      n++;
      if (json === null) fail(reply.errors[e++]!);
      else await put(json);
    }
  };
  const send = async () => {
    if (batch.length === 0) return;
    pool!.send(batch);
    batch = [];
    while (pool!.full) await take();
  };
  const each = async (texts: string[]) => {
    if (!pool) {
      for (const text of texts) await one(text);
      return;
    }
    for (const text of texts) {
      batch.push(text);
      if (batch.length >= jobBatch) await send();
    }
  };
  const drain = async () => {
    if (!pool) return;
    await send();
    while (pool.inFlight > 0) await take();
  };
  const fail = (detail: string) => {
    if (failed++ < shownErrors)
      process.stderr.write(`${t('cli.error')} ${t('cli.household', { n })}\n${detail}\n`);
  };

  try {
    for await (const chunk of input as AsyncIterable<string>) {
      const texts = splitter.push(chunk);
      if (splitter.shape === 'array' && !ndjsonIn && !options.ndjson && !env) asArray = true;
      await each(texts);
    }
    await each(splitter.end());
    await drain();
  } catch (e) {
    if (!(e instanceof JsonStreamError) && (e as NodeJS.ErrnoException).code === undefined) {
      await pool?.close();
      throw e;
    }
    // What was read before the break is still written, as without --jobs.
    await drain();
    await pool?.close();
    await finish();
    process.stderr.write(`${t('cli.fileError', { file, detail: (e as Error).message })}\n`);
    return 2;
  }
  await pool?.close();
  await finish();
  if (failed > shownErrors)
    process.stderr.write(`${t('cli.householdErrorsTruncated', { count: failed - shownErrors })}\n`);
  return failed ? 1 : 0;

  async function finish() {
    if (asArray) await open().write(written === 0 ? '[]\n' : '\n]\n');
    if (output || (options.out && options.out !== '-')) await open().close();
  }
}
