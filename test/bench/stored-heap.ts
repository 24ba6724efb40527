/**
 * How much heap the stored sessions and referrals of a data directory take once loaded, the
 * way the server loads them (run with --expose-gc, on a stopped server's directory). The soak
 * compares the server's live heap with this: what it holds beyond the data would be a leak.
 * Prints {"dataHeapMb": N, "sessions": N, "referrals": N}.
 */
import { openDialogStorage } from '../../bot/referral/dialog-storage.ts';
import { openFileStore } from '../../bot/store/collection-store.ts';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
const heapMb = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
};
const dir = process.argv[2];
if (!dir) throw new Error('usage: stored-heap.ts DATA_DIR');

const before = heapMb();
const store = await openFileStore(dir);
const storage = await openDialogStorage(store, 'web');
const after = heapMb();
console.log(
  JSON.stringify({
    dataHeapMb: Math.round((after - before) * 10) / 10,
    sessions: await storage.sessions.count(),
    referrals: await storage.referrals.count(),
  }),
);
await store.close();
