/**
 * JSON / NDJSON screening end to end (issue 14 item 13): BENCH_HOUSEHOLDS synthetic households
 * (default 100,000) written as NDJSON and as one JSON array, each run through
 * `screen -- FILE --out FILE` in a child process (roster-child.ts reports its peak RSS).
 * Target: ≥ 50,000 households/s and peak RSS < 300 MB, flat however many households.
 */
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

export async function benchScreenJson(households = 100_000) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-screen-'));
  const runs = [];
  try {
    for (const shape of ['ndjson', 'json'] as const) {
      const input = join(dir, `households.${shape}`);
      await writeHouseholds(input, households, shape);
      const out = join(dir, `results.${shape}`);
      const start = process.hrtime.bigint();
      const { stdout } = await run(
        process.execPath,
        ['--import', 'tsx', 'test/bench/roster-child.ts', input, '--out', out],
        { maxBuffer: 64 * 1024 * 1024 },
      );
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const report = JSON.parse(stdout.trim().split('\n').at(-1)!) as { code: number; peakRssMb: number };
      runs.push({
        input: shape,
        households,
        inputMb: Math.round(statSync(input).size / 1e6),
        outputMb: Math.round(statSync(out).size / 1e6),
        seconds: Math.round(seconds * 10) / 10,
        householdsPerSecond: Math.round(households / seconds),
        peakRssMb: report.peakRssMb,
        exitCode: report.code,
      });
      rmSync(input);
      rmSync(out);
    }
    return { runs, target: { householdsPerSecond: 50_000, peakRssMb: 300 } };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
