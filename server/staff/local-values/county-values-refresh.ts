/**
 * Several instances on one database: a value a county admin saves on one instance is put in
 * force there at once (local-value-routes.ts), and must reach the others' screeners without a
 * restart. Each instance asks the store every few seconds how many local-value records there
 * are — records are only ever added (local-value-record.ts), so the count is the collection's
 * version, and asking is one count over a small table — and re-reads them only when it changed.
 * A re-read that overlaps this instance's own save may put an older set in force for a moment;
 * the count it recorded is then the older one too, so the next tick reads again.
 * One process (lowdb) needs none of this: its own saves are the only ones.
 */
import type { LocalValue } from '../../../rules/engine/local-overlay.ts';
import { byCounty, type LocalValues } from './local-value-record.ts';

export const countyValuesRefreshMs = 5000;

export function refreshCountyValues(
  values: LocalValues,
  use: (byCounty: Map<string, LocalValue[]>) => void,
  onError: (error: unknown) => void,
  everyMs = countyValuesRefreshMs,
): { stop(): void } {
  let seen: number | undefined;
  let running = false;
  const check = async () => {
    const count = await values.count();
    if (count === seen) return;
    // Read after the count: whatever was counted is in what is read.
    use(await byCounty(values));
    seen = count;
  };
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    void check()
      .catch(onError)
      .finally(() => {
        running = false;
      });
  }, everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
