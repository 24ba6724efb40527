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
import { issueText, resultView } from '../explain/result-view.ts';
import type { Screener } from '../engine/screen.ts';
import { JsonSplitter, JsonStreamError } from './json-stream.ts';

export const jsonExtensions = ['.json', '.ndjson', '.jsonl'];

/** Errors printed to stderr before the rest are only counted. */
const shownErrors = 100;
/** Output is handed to the stream in batches of about this many characters. */
const batchChars = 256 * 1024;

export interface JsonRunOptions {
  format: 'json' | 'text';
  out?: string | undefined;
  date?: string | undefined;
  pretty: boolean;
  ndjson: boolean;
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
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (e) {
      return fail(t('cli.fileError', { file, detail: (e as Error).message.split('\n')[0] ?? '' }));
    }
    const r = screener.screen(withDate(data, options.date));
    if (!r.ok) return fail(r.issues.map((issue) => `  ${issueText(t, issue)}`).join('\n'));
    const o = open();
    if (env) {
      const view = resultView(t, r.value, lang);
      await o.write(env.render('cli/result.njk', { t, view, household: t('cli.household', { n }) }));
      await o.write('\n');
    } else {
      const json = options.pretty ? JSON.stringify(r.value, null, 2) : JSON.stringify(r.value);
      if (asArray) await o.write(written === 0 ? `[\n${json}` : `,\n${json}`);
      else await o.write(`${json}\n`);
    }
    written++;
  };
  const fail = (detail: string) => {
    if (failed++ < shownErrors)
      process.stderr.write(`${t('cli.error')} ${t('cli.household', { n })}\n${detail}\n`);
  };

  try {
    for await (const chunk of input as AsyncIterable<string>) {
      const texts = splitter.push(chunk);
      if (splitter.shape === 'array' && !ndjsonIn && !options.ndjson && !env) asArray = true;
      for (const text of texts) await one(text);
    }
    for (const text of splitter.end()) await one(text);
  } catch (e) {
    if (!(e instanceof JsonStreamError) && (e as NodeJS.ErrnoException).code === undefined) throw e;
    await finish();
    process.stderr.write(`${t('cli.fileError', { file, detail: (e as Error).message })}\n`);
    return 2;
  }
  await finish();
  if (failed > shownErrors)
    process.stderr.write(`${t('cli.householdErrorsTruncated', { count: failed - shownErrors })}\n`);
  return failed ? 1 : 0;

  async function finish() {
    if (asArray) await open().write(written === 0 ? '[]\n' : '\n]\n');
    if (output || (options.out && options.out !== '-')) await open().close();
  }
}

function withDate(input: unknown, date: string | undefined) {
  if (!date || typeof input !== 'object' || input === null || Array.isArray(input) || 'date' in input)
    return input;
  return { ...input, date };
}
