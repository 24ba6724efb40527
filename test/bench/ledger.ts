/**
 * The 台账 at n cases (issue 16): the streaming writer the server uses against an in-memory
 * workbook of the same rows (how the export was made before), each run in a child process of
 * its own so peak RSS and the heap's high-water mark are that run's alone. Medians of `runs`.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface ChildRun {
  seconds: number;
  cpuSeconds: number;
  fileMb: number;
  rssAfterCasesMb: number;
  peakRssMb: number;
  heapAfterCasesMb: number;
  peakHeapMb: number;
  peakLiveHeapMb: number;
}

async function runs(n: number, mode: 'stream' | 'memory', times: number, dir: string) {
  const all: ChildRun[] = [];
  for (let i = 0; i < times; i++) {
    const { stdout } = await run(
      process.execPath,
      [
        '--expose-gc',
        '--import',
        'tsx',
        'test/bench/ledger-child.ts',
        String(n),
        mode,
        join(dir, `${mode}-${i}.xlsx`),
      ],
      { maxBuffer: 1024 * 1024 },
    );
    all.push(JSON.parse(stdout.trim().split('\n').at(-1)!));
  }
  const m = (k: keyof ChildRun) => median(all.map((r) => r[k]));
  return {
    runs: times,
    medianSeconds: m('seconds'),
    seconds: all.map((r) => r.seconds),
    medianCpuSeconds: m('cpuSeconds'),
    fileMb: m('fileMb'),
    rssAfterCasesMb: m('rssAfterCasesMb'),
    peakRssMb: m('peakRssMb'),
    /** What writing the ledger added on top of holding the cases. */
    writingRssMb: m('peakRssMb') - m('rssAfterCasesMb'),
    heapAfterCasesMb: m('heapAfterCasesMb'),
    peakHeapMb: m('peakHeapMb'),
    /** Heap after a full collection, sampled each second: what writing really holds. */
    peakLiveHeapMb: m('peakLiveHeapMb'),
    writingLiveHeapMb: m('peakLiveHeapMb') - m('heapAfterCasesMb'),
  };
}

export async function benchLedger(n = 50_000, times = 3) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-ledger-'));
  try {
    const stream = await runs(n, 'stream', times, dir);
    const memory = await runs(n, 'memory', times, dir);
    const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
    return {
      cases: n,
      stream,
      memory,
      ratios: {
        secondsStreamToMemory: ratio(stream.medianSeconds, memory.medianSeconds),
        cpuSecondsStreamToMemory: ratio(stream.medianCpuSeconds, memory.medianCpuSeconds),
        writingLiveHeapStreamToMemory: ratio(stream.writingLiveHeapMb, memory.writingLiveHeapMb),
        writingRssStreamToMemory: ratio(stream.writingRssMb, memory.writingRssMb),
        peakHeapStreamToMemory: ratio(stream.peakHeapMb, memory.peakHeapMb),
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
