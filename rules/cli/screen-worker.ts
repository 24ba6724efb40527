/**
 * A worker thread of `screen --jobs N`: batches of household texts in, their result JSON (or
 * error details) out, in the batch's order. The main thread splits the input and writes the
 * output in input order; this thread does the parse, validate, screen and stringify, which is
 * nearly all the time a household costs.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type Language, translator } from '../../locales/i18n.ts';
import { createScreener } from '../engine/screen.ts';
import { resultText, screenText } from './screen-one.ts';

export interface WorkerInit {
  lang: Language;
  file: string;
  date?: string | undefined;
  pretty: boolean;
}
export interface WorkerBatch {
  id: number;
  texts: string[];
}
/** jsons[i] is the i-th household's result, or null with its detail in errors. */
export interface WorkerReply {
  id: number;
  jsons: (string | null)[];
  errors: string[];
}

const init = workerData as WorkerInit;
const screener = createScreener();
const t = translator(init.lang);

parentPort!.on('message', (batch: WorkerBatch) => {
  const jsons: (string | null)[] = new Array(batch.texts.length);
  const errors: string[] = [];
  for (let i = 0; i < batch.texts.length; i++) {
    const r = screenText(batch.texts[i]!, screener, t, init.file, init.date);
    if (r.ok) jsons[i] = resultText(r.value, init.pretty);
    else {
      jsons[i] = null;
      errors.push(r.detail);
    }
  }
  const reply: WorkerReply = { id: batch.id, jsons, errors };
  parentPort!.postMessage(reply);
});
