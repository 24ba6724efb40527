/**
 * One 台账 written in this process, for bench/ledger.ts: n synthetic cases through the product's
 * columns, either with the streaming writer the server uses ("stream") or, for comparison, into
 * an in-memory workbook written out at the end ("memory", how the export was made before).
 * Prints seconds, the file's size and this process's memory: RSS after the cases were built,
 * peak RSS, and the heap's high-water mark sampled while writing.
 *   node --expose-gc --import tsx test/bench/ledger-child.ts 50000 stream /tmp/x.xlsx
 */
import { once } from 'node:events';
import { createWriteStream, statSync } from 'node:fs';
import { getHeapStatistics } from 'node:v8';
import ExcelJS from 'exceljs';
import { ledgerCells, ledgerColumns, programsInLedger } from '../../server/staff/ledger-columns.ts';
import { writeLedgerXlsx } from '../../server/staff/ledger-export.ts';
import type { StaffUser } from '../../server/staff/staff-records.ts';
import { syntheticReferral } from './inbox.ts';

const [n = '50000', mode = 'stream', file = '/dev/null'] = process.argv.slice(2);
const items = Array.from({ length: Number(n) }, (_, i) => syntheticReferral(i));
const admin: StaffUser = {
  id: 'bench-admin',
  username: 'bench',
  displayName: '县管理员',
  role: 'county_admin',
  county: 'tekes',
  passwordHash: '',
  mustChangePassword: false,
  disabled: false,
  createdAt: new Date().toISOString(),
} as StaffUser;
const deps = {
  townships: () => [],
  staff: { users: new Map([[admin.id, admin]]) },
};
const columns = ledgerColumns(deps, admin, 'full', programsInLedger(items));
global.gc?.();
const mb = (bytes: number) => Math.round(bytes / 1048576);
const rssBefore = process.memoryUsage().rss;
const heapBefore = getHeapStatistics().used_heap_size;
let heapPeak = getHeapStatistics().used_heap_size;
let livePeak = heapPeak;
const sampler = setInterval(() => {
  heapPeak = Math.max(heapPeak, getHeapStatistics().used_heap_size);
}, 20);
// Every 5 s, with --expose-gc: the heap after a full collection, i.e. what is really held (the
// 20 ms samples above include garbage V8 has not yet collected). Not more often: each full
// collection over 50,000 cases costs CPU time that would be counted as the writer's.
const liveSampler = setInterval(() => {
  global.gc?.();
  livePeak = Math.max(livePeak, getHeapStatistics().used_heap_size);
}, 5000);

const out = createWriteStream(file);
const start = performance.now();
const cpuStart = process.cpuUsage();
if (mode === 'stream') {
  await writeLedgerXlsx(out, columns, items);
  if (!out.writableFinished) await once(out, 'finish');
} else {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('台账');
  sheet.addRow(columns.map((c) => c.header));
  for (const r of items) sheet.addRow(ledgerCells(columns, r));
  out.end(Buffer.from(await book.xlsx.writeBuffer()));
  await once(out, 'finish');
}
const seconds = (performance.now() - start) / 1000;
const cpu = process.cpuUsage(cpuStart);
clearInterval(sampler);
clearInterval(liveSampler);
heapPeak = Math.max(heapPeak, getHeapStatistics().used_heap_size);
process.stdout.write(
  `${JSON.stringify({
    mode,
    cases: items.length,
    seconds: Math.round(seconds * 100) / 100,
    // CPU time of this process (zlib's thread pool included): on a loaded machine, wall time is not the work.
    cpuSeconds: Math.round((cpu.user + cpu.system) / 1e4) / 100,
    fileMb: file === '/dev/null' ? undefined : Math.round(statSync(file).size / 1e5) / 10,
    rssAfterCasesMb: mb(rssBefore),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    heapAfterCasesMb: mb(heapBefore),
    peakHeapMb: mb(heapPeak),
    peakLiveHeapMb: mb(livePeak),
  })}\n`,
);
