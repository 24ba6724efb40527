import { describe, expect, it } from 'vitest';
import { perResidentLimit } from '../../../../bot/channels/wechat/rate-limit.ts';

describe('the per-resident WeChat limit', () => {
  it('accepts perMinute messages a minute, warns once per refused run, and keeps others apart', () => {
    let t = 0;
    const limit = perResidentLimit(3, () => t);
    const flood = Array.from({ length: 10_000 }, () => limit.allow('flooder'));
    expect(flood.filter((a) => a.ok)).toHaveLength(3);
    expect(flood.filter((a) => a.warn)).toHaveLength(1);
    expect(flood[3]).toEqual({ ok: false, warn: true });
    expect(limit.allow('neighbour')).toEqual({ ok: true, warn: false });
    t = 60_000; // a minute after the first accepted message: room again, and a new warning later
    expect(limit.allow('flooder').ok).toBe(true);
    expect(limit.allow('flooder').ok).toBe(true);
    expect(limit.allow('flooder').ok).toBe(true);
    expect(limit.allow('flooder')).toEqual({ ok: false, warn: true });
    expect(limit.allow('flooder')).toEqual({ ok: false, warn: false });
  });

  it('forgets quiet residents once it remembers many', () => {
    let t = 0;
    const limit = perResidentLimit(1, () => t);
    for (let i = 0; i < 10_001; i++) limit.allow(`r${i}`);
    t = 61_000;
    expect(limit.allow('r0')).toEqual({ ok: true, warn: false });
    expect(limit.allow('r0')).toEqual({ ok: false, warn: true });
  });
});
