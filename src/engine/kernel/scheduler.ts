/**
 * A deterministic discrete-event scheduler. Time is in simulated microseconds; events
 * at the same time run in the order they were scheduled, so the same input always
 * yields the same run.
 */
import { wheelDelayUs, wheelLevel } from './timing';

export type Task = () => void;

interface Entry {
  time: number;
  seq: number;
  task: Task;
  cancelled: boolean;
  /** The run of work it belongs to (see `work`). */
  work: number;
}

export interface TimerHandle {
  cancel(): void;
}

export class Scheduler {
  now = 0;
  /**
   * The run of work the running task belongs to. A timer or a process starts a run of its
   * own; a frame handed to the next device (`deliver`) stays in the run that sent it, as the
   * kernel's softirq carries a packet through every veth hop and back before the
   * local_bh_enable() that started it returns. A socket call that sent a packet is still
   * holding its socket for everything in its run (tcp_v6_err's sock_owned_by_user).
   */
  work = 0;
  private works = 0;
  private seq = 0;
  /** Wheel timers armed so far: their order among timers due in one tick. */
  private wheelSeq = 0;
  private heap: Entry[] = [];
  /** Number of tasks run, for the loop guard. */
  executed = 0;

  at(delayUs: number, task: Task): TimerHandle {
    return this.add(delayUs, task, ++this.works);
  }

  /**
   * A timer-wheel timer (a timer_list armed with mod_timer) due `delayUs` from now: it fires
   * at its bucket's boundary (wheelDelayUs). Timers due in the same tick run before anything
   * else then, higher wheel levels first (__run_timers collects the levels, expire_timers runs
   * them from the top), and within a level the one armed last first: enqueue_timer adds a
   * timer at the head of its bucket's list and expire_timers takes them from the head.
   */
  wheel(delayUs: number, task: Task): TimerHandle {
    const at = wheelDelayUs(this.now, delayUs);
    const order = -(wheelLevel(delayUs) * 2 ** 40 + ++this.wheelSeq);
    return this.add(at, task, ++this.works, order);
  }

  /** A system call from a process: what it sends starts a run of work of its own. */
  begin(): number {
    this.work = ++this.works;
    return this.work;
  }

  /** A frame's arrival at the next device: it stays in the sender's run of work. */
  deliver(delayUs: number, task: Task): TimerHandle {
    return this.add(delayUs, task, this.work);
  }

  private add(delayUs: number, task: Task, work: number, order?: number): TimerHandle {
    const entry: Entry = {
      time: this.now + Math.max(0, delayUs),
      seq: order ?? this.seq++,
      task,
      cancelled: false,
      work,
    };
    this.push(entry);
    // A method, not an arrow property: keepNames transpilers (tsx) would name every handle.
    return {
      cancel() {
        entry.cancelled = true;
      },
    };
  }

  get pending(): number {
    return this.heap.filter((e) => !e.cancelled).length;
  }

  /**
   * Runs tasks in time order until the queue is empty, `until()` says stop, `maxTime`
   * is reached or `maxTasks` have run. Returns why it stopped.
   */
  run(opts: {
    maxTime: number;
    maxTasks: number;
    until?: () => boolean;
  }): 'idle' | 'done' | 'time' | 'tasks' {
    for (;;) {
      if (opts.until?.()) return 'done';
      const next = this.pop();
      if (!next) return 'idle';
      if (next.time > opts.maxTime) {
        this.push(next);
        this.now = opts.maxTime;
        return 'time';
      }
      if (this.executed >= opts.maxTasks) {
        this.push(next);
        return 'tasks';
      }
      this.now = next.time;
      this.work = next.work;
      this.executed++;
      next.task();
    }
  }

  private less(a: Entry, b: Entry): boolean {
    return a.time < b.time || (a.time === b.time && a.seq < b.seq);
  }

  private push(e: Entry): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  private pop(): Entry | undefined {
    const h = this.heap;
    for (;;) {
      if (h.length === 0) return undefined;
      const top = h[0]!;
      const last = h.pop()!;
      if (h.length > 0) {
        h[0] = last;
        let i = 0;
        for (;;) {
          const l = 2 * i + 1;
          const r = l + 1;
          let m = i;
          if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
          if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
          if (m === i) break;
          [h[i], h[m]] = [h[m]!, h[i]!];
          i = m;
        }
      }
      if (!top.cancelled) return top;
    }
  }
}
