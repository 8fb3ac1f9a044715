/**
 * Timers due in one tick run newest first (kernel/time/timer.c: enqueue_timer adds at the
 * head of the bucket's hlist, expire_timers runs from the head). On 6.18, in
 * test/fixtures/kernel/forwarding-redirects.yaml (flow host-believes), r armed its ARP timer
 * for 10.0.0.3 and then g (believing r's redirect) armed its own in the same jiffy; a bystander
 * saw g's retry first at 1.08 s, and r's first at 2.10 s (each handler re-arms in the order
 * they ran, so the order flips every round).
 */
import { describe, expect, it } from 'vitest';
import { Scheduler } from './scheduler';

describe('Scheduler.wheel', () => {
  it('runs timers due in one tick in the reverse of the order they were armed, round after round', () => {
    const s = new Scheduler();
    const ran: string[] = [];
    const retry = (who: string, left: number) => (): void => {
      ran.push(who);
      if (left > 1) s.wheel(1_000_000, retry(who, left - 1));
    };
    s.wheel(1_000_000, retry('r', 2));
    s.wheel(1_000_000, retry('g', 2));
    s.run({ maxTime: 10_000_000, maxTasks: 100 });
    expect(ran).toEqual(['g', 'r', 'r', 'g']);
  });

  it('runs them before a plain event of the same time', () => {
    const s = new Scheduler();
    const ran: string[] = [];
    s.at(1_024_000, () => ran.push('plain'));
    s.wheel(1_000_000, () => ran.push('timer'));
    s.run({ maxTime: 10_000_000, maxTasks: 100 });
    expect(ran).toEqual(['timer', 'plain']);
  });
});
