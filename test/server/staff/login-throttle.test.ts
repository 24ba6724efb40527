/**
 * The login throttle (login-throttle.ts) on a simulated clock: delays grow 1 s, 2 s, 4 s … to
 * 15 minutes per name and address; a stranger guessing from one address as fast as allowed
 * for two days never makes the real user on another address wait; guesses spread over many
 * addresses make everyone wait; a reset forgets it all.
 */
import { describe, expect, it } from 'vitest';
import { LoginThrottle, throttleRules } from '../../../server/staff/login-throttle.ts';

const t0 = Date.parse('2026-11-23T10:00:00Z');

describe('LoginThrottle', () => {
  it('lets five failures through, then doubles the wait from one second up to fifteen minutes', () => {
    const th = new LoginThrottle();
    let now = t0;
    const waits: number[] = [];
    for (let i = 0; i < 16; i++) {
      now += th.wait('wang', 'a', now);
      waits.push(th.failed('wang', 'a', now));
    }
    expect(waits.slice(0, 4)).toEqual([0, 0, 0, 0]);
    expect(waits.slice(4, 14)).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 512].map((s) => s * 1000));
    expect(waits.slice(14)).toEqual([throttleRules.maxDelayMs, throttleRules.maxDelayMs]);
    expect(th.wait('wang', 'b', now)).toBe(0);
  });

  it('never makes the real user wait because of one stranger, however long the stranger goes on', () => {
    const th = new LoginThrottle();
    let now = t0;
    let guesses = 0;
    while (now < t0 + 48 * 3600_000) {
      now += th.wait('wang', '198.51.100.7', now);
      th.failed('wang', '198.51.100.7', now);
      guesses++;
      expect(th.wait('wang', '10.1.2.3', now)).toBe(0);
    }
    expect(guesses).toBeLessThan(250); // 5 free, then at most 4 an hour
  });

  it('slows guesses spread over many addresses for everyone, until a reset', () => {
    const th = new LoginThrottle();
    for (let i = 0; i < 40; i++) for (let k = 0; k < 3; k++) th.failed('wang', `203.0.113.${i}`, t0);
    expect(th.wait('wang', '10.1.2.3', t0)).toBeGreaterThan(0);
    expect(th.throttled('wang', t0)).toBe(true);
    expect(th.wait('li', '10.1.2.3', t0)).toBe(0);
    th.clear('wang');
    expect(th.wait('wang', '10.1.2.3', t0)).toBe(0);
    expect(th.wait('wang', '203.0.113.1', t0)).toBe(0);
  });

  it('forgets an address after its owner logs in there, but not the other addresses', () => {
    const th = new LoginThrottle();
    for (let k = 0; k < 6; k++) for (const address of ['a', 'b']) th.failed('wang', address, t0);
    th.succeeded('wang', 'a');
    expect(th.wait('wang', 'a', t0)).toBe(0);
    expect(th.wait('wang', 'b', t0)).toBeGreaterThan(0);
  });
});
