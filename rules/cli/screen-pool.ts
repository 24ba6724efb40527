/**
 * Worker threads for `screen --jobs N`: batches go to the least busy worker, replies come back
 * in any order, and `next()` hands them out in the order the batches were sent, so results are
 * written in input order. At most `2 × jobs` batches are in flight: a slow disk or pipe holds
 * back reading, not memory.
 */
import { Worker } from 'node:worker_threads';
import type { WorkerBatch, WorkerInit, WorkerReply } from './screen-worker.ts';

export class ScreenPool {
  private readonly workers: { worker: Worker; busy: number }[] = [];
  private readonly waiting = new Map<number, (r: WorkerReply) => void>();
  private readonly order: Promise<WorkerReply>[] = [];
  private readonly rejects = new Map<number, (e: Error) => void>();
  private nextId = 0;
  private failure: Error | undefined;
  private closing = false;

  constructor(jobs: number, init: WorkerInit) {
    const url = new URL('./screen-worker.ts', import.meta.url);
    for (let i = 0; i < jobs; i++) {
      const slot = { worker: startWorker(url, init), busy: 0 };
      slot.worker.on('message', (reply: WorkerReply) => {
        slot.busy--;
        const resolve = this.waiting.get(reply.id);
        this.waiting.delete(reply.id);
        resolve?.(reply);
      });
      // A worker that dies (a bug, out of memory) ends the run: nothing may be silently lost.
      slot.worker.on('error', (e) => this.fail(e));
      slot.worker.on('exit', (code) => {
        if (code !== 0 || this.waiting.size > 0) this.fail(new Error(`screen worker exited with ${code}`));
      });
      this.workers.push(slot);
    }
  }

  get inFlight() {
    return this.order.length;
  }
  get full() {
    return this.order.length >= 2 * this.workers.length;
  }

  send(texts: string[]) {
    if (this.failure) throw this.failure;
    const id = this.nextId++;
    let slot = this.workers[0]!;
    for (const w of this.workers) if (w.busy < slot.busy) slot = w;
    slot.busy++;
    const reply = new Promise<WorkerReply>((resolve, reject) => {
      this.waiting.set(id, (r) => {
        this.rejects.delete(id);
        resolve(r);
      });
      this.rejects.set(id, reject);
    });
    // Handled where it is awaited (next()); this only keeps an early failure from being "unhandled".
    reply.catch(() => {});
    this.order.push(reply);
    const batch: WorkerBatch = { id, texts };
    slot.worker.postMessage(batch);
  }

  /** The oldest batch's reply (input order). */
  next(): Promise<WorkerReply> {
    return this.order.shift()!;
  }

  async close() {
    this.closing = true;
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }

  private fail(e: Error) {
    if (this.closing) return;
    this.failure ??= e;
    for (const reject of this.rejects.values()) reject(e);
    this.rejects.clear();
    this.waiting.clear();
  }
}

/**
 * The worker is TypeScript run by tsx, whose loader (--import tsx) Node 20 does not carry into
 * worker threads: the worker registers tsx itself, then imports the real module.
 */
function startWorker(url: URL, init: WorkerInit) {
  const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(boot, { eval: true, workerData: init });
}
