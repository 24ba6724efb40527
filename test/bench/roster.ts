/**
 * Roster screening of a 1,000,000-row CSV (one row per person) in a child process: rows/s,
 * households/s and peak RSS. Target (issue 2): streams in flat memory, peak RSS < 300 MB.
 */
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { random, syntheticHousehold } from './synthetic.ts';

const run = promisify(execFile);

export async function writeRoster(file: string, rows: number) {
  const out = createWriteStream(file);
  const write = async (line: string) => {
    if (!out.write(line)) await once(out, 'drain');
  };
  await write(
    'household_id,township,village,jurisdiction,area,monthly_income,property_within_limits,legal_supporter,medical_12m,education_12m,emergency_kind,emergency_months,emergency_persons,housing_difficulty,current,age,labor_capacity,self_care,disability_grade,disability_kind,serious_illness,schooling,employed\n',
  );
  const r = random(7);
  let written = 0;
  let households = 0;
  while (written < rows) {
    const h = syntheticHousehold(r);
    households++;
    for (const [i, m] of h.members.entries()) {
      if (written >= rows) break;
      const head = i === 0;
      const e = h.emergency;
      await write(
        [
          `H${households}`,
          head ? 'town' : '',
          head ? 'village' : '',
          head ? h.jurisdiction : '',
          head ? h.area : '',
          head ? h.monthlyIncome : '',
          head ? (h.propertyWithinLimits ? 'yes' : 'no') : '',
          head ? h.legalSupporter : '',
          head ? (h.rigidExpenses12m.medical ?? '') : '',
          head ? (h.rigidExpenses12m.education ?? '') : '',
          head && e ? e.kind : '',
          head && e ? e.months : '',
          head && e ? e.persons : '',
          head ? (h.housingDifficulty ? 'yes' : 'no') : '',
          head ? h.current.join(';') : '',
          m.age,
          m.laborCapacity,
          m.selfCare,
          m.disability?.grade ?? '',
          m.disability?.kind ?? '',
          m.seriousIllness ? 'yes' : 'no',
          m.schooling,
          m.employed ? 'yes' : 'no',
        ].join(',') + '\n',
      );
      written++;
    }
  }
  out.end();
  await once(out, 'finish');
  return households;
}

export async function benchRoster(rows = 1_000_000, outExt: 'xlsx' | 'csv' = 'xlsx') {
  const dir = mkdtempSync(join(tmpdir(), 'bench-roster-'));
  try {
    const input = join(dir, 'roster.csv');
    const households = await writeRoster(input, rows);
    const out = join(dir, `results.${outExt}`);
    const start = process.hrtime.bigint();
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', 'test/bench/roster-child.ts', input, '--out', out, '--date', '2026-11-23'],
      { maxBuffer: 64 * 1024 * 1024 },
    );
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const report = JSON.parse(stdout.trim().split('\n').at(-1)!) as { code: number; peakRssMb: number };
    return {
      rows,
      households,
      inputMb: Math.round(statSync(input).size / 1e6),
      output: outExt,
      outputMb: Math.round(statSync(out).size / 1e6),
      seconds: Math.round(seconds * 10) / 10,
      rowsPerSecond: Math.round(rows / seconds),
      householdsPerSecond: Math.round(households / seconds),
      peakRssMb: report.peakRssMb,
      exitCode: report.code,
      targetPeakRssMb: 300,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
