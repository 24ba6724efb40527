/**
 * Per-resident message limit over a sliding minute. One resident's flood never slows the others.
 * Only accepted messages are remembered (at most `perMinute` times per resident), so a flood of
 * thousands costs constant memory and time; the first refused message of a run gets a warning.
 */
export function perResidentLimit(perMinute: number, now: () => number = Date.now) {
  const seen = new Map<string, { times: number[]; warned: boolean }>();
  return {
    /** ok: within the limit; warn: the first message refused since the last accepted one. */
    allow(key: string): { ok: boolean; warn: boolean } {
      const t = now();
      if (seen.size > 10_000)
        for (const [k, v] of seen) if (!v.times.length || t - v.times.at(-1)! >= 60_000) seen.delete(k);
      const entry = seen.get(key) ?? { times: [], warned: false };
      entry.times = entry.times.filter((x) => t - x < 60_000);
      seen.set(key, entry);
      if (entry.times.length >= perMinute) {
        const warn = !entry.warned;
        entry.warned = true;
        return { ok: false, warn };
      }
      entry.times.push(t);
      entry.warned = false;
      return { ok: true, warn: false };
    },
  };
}
