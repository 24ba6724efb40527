/** Per-resident message limit: a sliding minute. One resident's flood never slows the others. */
export function perResidentLimit(perMinute: number, now: () => number = Date.now) {
  const seen = new Map<string, number[]>();
  return {
    /** true when this message is within the limit; the first message over it gets a warning. */
    allow(key: string): { ok: boolean; warn: boolean } {
      const t = now();
      const recent = (seen.get(key) ?? []).filter((x) => t - x < 60_000);
      recent.push(t);
      seen.set(key, recent);
      if (seen.size > 10_000) for (const [k, v] of seen) if (t - v.at(-1)! >= 60_000) seen.delete(k);
      return { ok: recent.length <= perMinute, warn: recent.length === perMinute + 1 };
    },
  };
}
