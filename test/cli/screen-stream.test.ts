/**
 * The JSON CLI at county scale (issue 14 item 13), as a user runs it: a real child process.
 * Results stream out as they are made, so the output equals in-process screening household by
 * household whatever the input shape, and a county file does not need its size in memory.
 */
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createScreener } from '../../rules/engine/screen.ts';
import { random, syntheticHousehold } from '../bench/synthetic.ts';
import { screenCli as cli } from '../helpers/screen-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'screen-stream-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const r = random(11);
const households = Array.from({ length: 7 }, () => syntheticHousehold(r));
const screener = createScreener();
const expected = households.map((h) => {
  const x = screener.screen(h);
  if (!x.ok) throw new Error('synthetic household invalid');
  return x.value;
});

describe('npm run screen -- households (streamed)', () => {
  it('an array in gives the same results as in-process screening, as a compact JSON array, one per line', async () => {
    const f = join(dir, 'all.json');
    writeFileSync(f, JSON.stringify(households, null, 2));
    const res = await cli([f]);
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toEqual(expected);
    expect(res.stdout.split('\n').length).toBe(households.length + 3); // "[", 7 results, "]", final newline
  });
  it('NDJSON on stdin ("-") gives one result per line; --pretty indents each', async () => {
    const ndjson = households.map((h) => JSON.stringify(h)).join('\n');
    const res = await cli(['-'], ndjson);
    expect(res.code).toBe(0);
    const lines = res.stdout.trim().split('\n');
    expect(lines.map((l) => JSON.parse(l))).toEqual(expected);
    const pretty = await cli(['-', '--pretty'], JSON.stringify(households));
    expect(JSON.parse(pretty.stdout)).toEqual(expected);
    expect(pretty.stdout).toContain('\n  "programs": [');
  });
  it('a broken 3rd household is reported by number on stderr, the others are written, exit 1', async () => {
    const input = [...households];
    input[2] = { ...households[2]!, monthlyIncome: -5 };
    const out = join(dir, 'out.json');
    const res = await cli(['-', '--out', out], JSON.stringify(input));
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('3');
    expect(res.stderr).toContain('monthlyIncome');
    const written = JSON.parse(readFileSync(out, 'utf8'));
    expect(written).toEqual([...expected.slice(0, 2), ...expected.slice(3)]);
  });
  it('screens 20,000 households with a 64 MB heap (the whole-file version needed ~1.2 GB)', async () => {
    const f = join(dir, 'many.ndjson');
    const w = createWriteStream(f);
    const g = random(5);
    for (let i = 0; i < 20_000; i++)
      if (!w.write(`${JSON.stringify(syntheticHousehold(g))}\n`)) await once(w, 'drain');
    w.end();
    await once(w, 'finish');
    const out = join(dir, 'many.out.ndjson');
    const res = await cli([f, '--out', out], undefined, ['--max-old-space-size=64']);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(statSync(out).size).toBeGreaterThan(20_000 * 1000);
  }, 240_000);
});
