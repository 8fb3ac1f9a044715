/**
 * The timer wheel's rounding (kernel/time/timer.c calc_wheel_index and calc_index) at HZ=250:
 * expected values computed from the kernel's formula, bucket_expiry = ((expires >> shift) + 1) << shift.
 */
import { describe, expect, it } from 'vitest';
import { JIFFY_US, wheelDelayUs } from './timing';

describe('wheelDelayUs', () => {
  it('a 1 s timer (250 jiffies, level 1) lands on the next 8-jiffy boundary after the expiry', () => {
    expect(wheelDelayUs(0, 1_000_000)).toBe(256 * JIFFY_US);
    // Armed in jiffy 7: expires 257, bucket (32 + 1) * 8 = 264, 257 jiffies away.
    expect(wheelDelayUs(7 * JIFFY_US + 1500, 1_000_000)).toBe(264 * JIFFY_US - (7 * JIFFY_US + 1500));
  });

  it('a 5 s timer (1250 jiffies, level 2) waits for a 64-jiffy boundary: up to 256 ms late', () => {
    expect(wheelDelayUs(0, 5_000_000)).toBe(1280 * JIFFY_US);
    expect(wheelDelayUs(30 * JIFFY_US, 5_000_000)).toBe((1344 - 30) * JIFFY_US);
  });

  it('a short timer (level 0) fires one jiffy after its expiry', () => {
    expect(wheelDelayUs(0, 40_000)).toBe(11 * JIFFY_US);
  });

  it('two timers armed in one jiffy for the same delay fire together', () => {
    expect(1000 + wheelDelayUs(1000, 1_000_000)).toBe(3000 + wheelDelayUs(3000, 1_000_000));
  });
});
