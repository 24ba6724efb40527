/**
 * JSON / NDJSON screening end to end (issue 14 item 13): BENCH_HOUSEHOLDS synthetic households
 * (default 100,000) written as NDJSON and as one JSON array, each run through
 * `screen -- FILE --out FILE --jobs N` in a child process (roster-child.ts reports its peak RSS),
 * BENCH_RUNS times (default 3) for each of BENCH_JOBS (default "1,2"); the median is reported.
 * Target: ≥ 50,000 households/s and peak RSS < 300 MB, flat however many households.
 * A run that exits non-zero or writes the wrong number of results throws: a fast wrong run is
 * not a figure.
 */
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { random, syntheticHousehold } from './synthetic.ts';

const run = promisify(execFile);

async function writeHouseholds(file: string, n: number, shape: 'ndjson' | 'json') {
  const out = createWriteStream(file);
  const r = random(7);
  if (shape === 'json') out.write('[\n');
  for (let i = 0; i < n; i++) {
    const text = JSON.stringify(syntheticHousehold(r));
    const line = shape === 'json' ? (i + 1 < n ? `${text},\n` : `${text}\n`) : `${text}\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  if (shape === 'json') out.write(']\n');
  out.end();
  await once(out, 'finish');
}

/** Results in the output: one per line (an array adds its "[" and "]" lines). */
async function countResults(file: string, shape: 'ndjson' | 'json') {
  let lines = 0;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>)
    for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines++;
  return shape === 'json' ? lines - 2 : lines;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function benchScreenJson(
  households = 100_000,
  jobsList = (process.env.BENCH_JOBS ?? '1,2').split(',').map(Number),
  runs = Number(process.env.BENCH_RUNS ?? 3),
) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-screen-'));
  const results = [];
  try {
    for (const shape of ['ndjson', 'json'] as const) {
      const input = join(dir, `households.${shape}`);
      await writeHouseholds(input, households, shape);
      const out = join(dir, `results.${shape}`);
      for (const jobs of jobsList) {
        const seconds: number[] = [];
        const rss: number[] = [];
        let outputMb = 0;
        const loadBefore = loadavg()[0]!;
        for (let i = 0; i < runs; i++) {
          const start = process.hrtime.bigint();
          const { stdout, stderr } = await run(
            process.execPath,
            ['--import', 'tsx', 'test/bench/roster-child.ts', input, '--out', out, '--jobs', String(jobs)],
            { maxBuffer: 64 * 1024 * 1024 },
          );
          seconds.push(Number(process.hrtime.bigint() - start) / 1e9);
          const report = JSON.parse(stdout.trim().split('\n').at(-1)!) as { code: number; peakRssMb: number };
          const written = await countResults(out, shape);
          if (report.code !== 0 || written !== households)
            throw new Error(
              `screen ${shape} --jobs ${jobs}: exit ${report.code}, ${written} of ${households} results\n${stderr.slice(0, 2000)}`,
            );
          rss.push(report.peakRssMb);
          outputMb = Math.round(statSync(out).size / 1e6);
          rmSync(out);
        }
        const s = median(seconds);
        results.push({
          input: shape,
          jobs,
          households,
          runs,
          inputMb: Math.round(statSync(input).size / 1e6),
          outputMb,
          medianSeconds: Math.round(s * 10) / 10,
          householdsPerSecond: Math.round(households / s),
          perRunPerSecond: seconds.map((x) => Math.round(households / x)),
          peakRssMb: Math.max(...rss),
          load1m: [Math.round(loadBefore * 10) / 10, Math.round(loadavg()[0]! * 10) / 10],
          exitCode: 0,
        });
      }
      rmSync(input);
    }
    return { runs: results, target: { householdsPerSecond: 50_000, peakRssMb: 300 } };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
