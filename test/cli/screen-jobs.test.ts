/**
 * `screen --jobs N` (worker threads) writes exactly the bytes of in-process screening, in input
 * order: the compact JSON.stringify of screener.screen for each household, as an array or one
 * per line, with the same errors by household number on stderr, whatever the number of jobs.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createScreener } from '../../rules/engine/screen.ts';
import { random, syntheticHousehold } from '../bench/synthetic.ts';
import { screenCli as cli } from '../helpers/screen-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'screen-jobs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const total = 2_500;
const r = random(23);
const households: unknown[] = Array.from({ length: total }, () => syntheticHousehold(r));
// Two broken households, in different worker batches (256 a batch): reported, others written.
const broken = [300, 1_999];
households[broken[0]!] = { ...(households[broken[0]!] as object), monthlyIncome: -5 };
households[broken[1]!] = { ...(households[broken[1]!] as object), jurisdiction: 'nowhere' };
const screener = createScreener();
const jsons = households.flatMap((h) => {
  const x = screener.screen(h);
  return x.ok ? [JSON.stringify(x.value)] : [];
});
const arrayFile = join(dir, 'households.json');
const ndjsonFile = join(dir, 'households.ndjson');
writeFileSync(arrayFile, JSON.stringify(households));
writeFileSync(ndjsonFile, households.map((h) => JSON.stringify(h)).join('\n'));

describe('npm run screen -- FILE --jobs N', () => {
  it('the synthetic set has the two broken households and screens the rest', () => {
    expect(jsons.length).toBe(total - broken.length);
  });
  for (const jobs of ['1', '2', '3', undefined]) {
    const flag = jobs ? ['--jobs', jobs] : [];
    it(`array in, array out, byte-identical to JSON.stringify of screener.screen (${jobs ? `--jobs ${jobs}` : 'default jobs'})`, async () => {
      const res = await cli([arrayFile, ...flag]);
      expect(res.code).toBe(1);
      expect(res.stdout).toBe(`[\n${jsons.join(',\n')}\n]\n`);
      expect(res.stderr).toContain(`${broken[0]! + 1}\n`);
      expect(res.stderr).toContain(`${broken[1]! + 1}\n`);
      expect(res.stderr).toContain('monthlyIncome');
      expect(res.stderr).toContain('nowhere');
    }, 120_000);
    it(`NDJSON in, one result a line, byte-identical (${jobs ? `--jobs ${jobs}` : 'default jobs'})`, async () => {
      const res = await cli([ndjsonFile, ...flag]);
      expect(res.code).toBe(1);
      expect(res.stdout).toBe(jsons.map((j) => `${j}\n`).join(''));
      const one = await cli([ndjsonFile, '--jobs', '1']);
      expect(res.stderr).toBe(one.stderr);
    }, 120_000);
  }
  it('--jobs must be a whole number from 1: anything else exits 2 naming the option', async () => {
    for (const bad of ['0', 'two', '-1']) {
      const res = await cli([ndjsonFile, '--jobs', bad]);
      expect(res.code).toBe(2);
      expect(res.stdout).toBe('');
      expect(res.stderr).toContain('--jobs');
    }
  }, 120_000);
});
