/** The deterministic discrete-event scheduler: time order, FIFO among equal times, cancellation, guards. */
import { describe, expect, it } from 'vitest';
import { Scheduler } from './scheduler';

describe('Scheduler', () => {
  it('runs tasks in time order and same-time tasks in scheduling order', () => {
    const s = new Scheduler();
    const seen: string[] = [];
    s.at(30, () => seen.push('c'));
    s.at(10, () => seen.push('a1'));
    s.at(10, () => seen.push('a2'));
    s.at(20, () => seen.push('b'));
    for (let i = 0; i < 20; i++) s.at(10, () => seen.push(`x${i}`));
    expect(s.run({ maxTime: 1e9, maxTasks: 1e6 })).toBe('idle');
    expect(seen.slice(0, 2)).toEqual(['a1', 'a2']);
    expect(seen.slice(2, 22)).toEqual(Array.from({ length: 20 }, (_, i) => `x${i}`));
    expect(seen.slice(22)).toEqual(['b', 'c']);
    expect(s.now).toBe(30);
    expect(s.executed).toBe(24);
  });

  it('delays are relative to now; negative delays run now', () => {
    const s = new Scheduler();
    const times: number[] = [];
    s.at(5, () => {
      times.push(s.now);
      s.at(-3, () => times.push(s.now));
      s.at(5, () => times.push(s.now));
    });
    s.run({ maxTime: 100, maxTasks: 100 });
    expect(times).toEqual([5, 5, 10]);
  });

  it('cancelled tasks never run and are not pending', () => {
    const s = new Scheduler();
    let ran = false;
    const h = s.at(1, () => (ran = true));
    s.at(2, () => {});
    h.cancel();
    expect(s.pending).toBe(1);
    s.run({ maxTime: 100, maxTasks: 100 });
    expect(ran).toBe(false);
  });

  it('stops at maxTime with the clock at maxTime and the task kept', () => {
    const s = new Scheduler();
    let ran = 0;
    s.at(50, () => ran++);
    expect(s.run({ maxTime: 10, maxTasks: 100 })).toBe('time');
    expect(s.now).toBe(10);
    expect(s.pending).toBe(1);
    expect(s.run({ maxTime: 100, maxTasks: 100 })).toBe('idle');
    expect(ran).toBe(1);
  });

  it('stops after maxTasks (the loop guard), even for a task that reschedules itself forever', () => {
    const s = new Scheduler();
    const loop = (): void => void s.at(1, loop);
    s.at(0, loop);
    expect(s.run({ maxTime: Infinity, maxTasks: 1000 })).toBe('tasks');
    expect(s.executed).toBe(1000);
  });

  it('stops when until() holds', () => {
    const s = new Scheduler();
    let n = 0;
    for (let i = 0; i < 10; i++) s.at(i, () => n++);
    expect(s.run({ maxTime: 100, maxTasks: 100, until: () => n === 3 })).toBe('done');
    expect(n).toBe(3);
  });
});
