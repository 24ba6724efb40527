/**
 * npm run bench: every benchmark, figures printed as JSON lines (medians, not single runs).
 * Not a test: machines here are shared and noisy; read the figures, compare ratios.
 *   npm run bench                 all
 *   npm run bench -- engine       one (engine | roster | screen | dialog | http | inbox | wechat | store | audit)
 *   BENCH_AUDIT_ENTRIES=100000 npm run bench -- audit   the audit page's view at 100,000 entries in PostgreSQL, before and now
 *   BENCH_ROWS=100000 npm run bench -- roster   a smaller roster
 *   BENCH_HOUSEHOLDS=1000000 npm run bench -- screen   JSON/NDJSON at a million households
 *   BENCH_JOBS=1,2 BENCH_RUNS=3 npm run bench -- screen   worker threads tried, runs per median
 *   BENCH_LEDGER_ONLY=1 npm run bench -- inbox   only the 台账 (streaming vs in-memory, 50,000 cases)
 *   BENCH_WECHAT_RESIDENTS=1,5 BENCH_WECHAT_TURNS=2 npm run bench -- wechat   real pacing, real time
 *   BENCH_STORE_SIZES=50000,1000000 BENCH_STORE_WRITES=500 BENCH_STORE_READS=300 BENCH_STORE_PAGES=50 npm run bench -- store
 *                                 lowdb beside PostgreSQL (a throw-away cluster; the 1,000,000 seed takes minutes), then a started server on it: inbox over HTTP, server RSS, one instance vs two
 *   BENCH_FILL_REFERRALS=200000 npm run bench -- column-fill   new columns and counts filled at opening (only when named)
 */
import { benchAudit } from './audit.ts';
import { benchColumnFill } from './column-fill.ts';
import { benchDialog } from './dialog.ts';
import { benchEngine } from './engine.ts';
import { benchHttp } from './http.ts';
import { benchInbox } from './inbox.ts';
import { benchLedger } from './ledger.ts';
import { benchRoster } from './roster.ts';
import { benchScreenJson } from './screen-json.ts';
import { benchStore } from './store.ts';
import { benchWechat } from './wechat.ts';

const which = process.argv[2];
const rows = Number(process.env.BENCH_ROWS ?? 1_000_000);

if (!which || which === 'engine') {
  const r = await benchEngine();
  console.log(JSON.stringify({ bench: 'engine', ...r, meetsTarget: r.medianPerSecond >= r.target }));
}
if (!which || which === 'roster') {
  const r = await benchRoster(rows, (process.env.BENCH_OUT as 'csv' | 'xlsx' | undefined) ?? 'xlsx');
  console.log(JSON.stringify({ bench: 'roster', ...r, meetsTarget: r.peakRssMb < r.targetPeakRssMb }));
}
if (!which || which === 'screen') {
  // A failed run throws out of benchScreenJson: the bench exits non-zero with the reason.
  const r = await benchScreenJson(Number(process.env.BENCH_HOUSEHOLDS ?? 100_000));
  for (const x of r.runs)
    console.log(
      JSON.stringify({
        bench: 'screen',
        ...x,
        target: r.target,
        meetsTarget:
          x.exitCode === 0 &&
          x.householdsPerSecond >= r.target.householdsPerSecond &&
          x.peakRssMb < r.target.peakRssMb,
      }),
    );
  const best = Math.max(...r.runs.map((x) => x.householdsPerSecond));
  console.log(
    JSON.stringify({
      bench: 'screen-summary',
      bestHouseholdsPerSecond: best,
      meetsTarget: r.runs.some((x) => x.householdsPerSecond >= r.target.householdsPerSecond),
    }),
  );
}
if (!which || which === 'dialog') {
  const r = await benchDialog(
    Number(process.env.BENCH_RESIDENTS ?? 10_000),
    process.env.BENCH_STORE === 'memory' ? 'memory' : 'file',
  );
  console.log(
    JSON.stringify({
      bench: 'dialog',
      ...r,
      meetsTarget: r.messagesPerSecond >= r.target.messagesPerSecond && r.p99ms < r.target.p99ms,
    }),
  );
}
if (!which || which === 'http') {
  const r = await benchHttp();
  const meets =
    r.screen.ratioToBare >= r.target.ratioToBare && r.conversationMessage.ratioToBare >= r.target.ratioToBare;
  console.log(JSON.stringify({ bench: 'http', ...r, meetsTarget: meets }));
}
if (!which || which === 'inbox') {
  const n = Number(process.env.BENCH_REFERRALS ?? 50_000);
  // The 台账 first, in child processes of its own, before the server run loads the machine.
  const ledger = await benchLedger(n, Number(process.env.BENCH_RUNS ?? 3));
  console.log(JSON.stringify({ bench: 'inbox-ledger', ...ledger }));
  if (process.env.BENCH_LEDGER_ONLY !== '1') {
    const r = await benchInbox(n);
    console.log(JSON.stringify({ bench: 'inbox', ...r }));
  }
}
if (!which || which === 'wechat') {
  const r = await benchWechat();
  for (const row of r.rows)
    console.log(
      JSON.stringify({
        bench: 'wechat',
        ...row,
        meetsTarget: row.messagesPerTurn <= r.target.messagesPerTurn,
      }),
    );
  console.log(JSON.stringify({ bench: 'wechat-pacing', ...r.pacing }));
}
if (!which || which === 'audit') {
  await benchAudit((row) => console.log(JSON.stringify(row)));
}
if (!which || which === 'store') {
  await benchStore((row) => console.log(JSON.stringify(row)));
}
// Only when named: it seeds a database of its own (minutes at 1,000,000).
if (which === 'column-fill') {
  const r = await benchColumnFill(Number(process.env.BENCH_FILL_REFERRALS ?? 200_000));
  console.log(JSON.stringify({ bench: 'column-fill', ...r }));
}
