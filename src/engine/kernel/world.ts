/**
 * The world: machines, their namespaces, the L2 segments between them, one clock.
 */
import { macFromSeed } from '../net/mac';
import { Scheduler } from '../sim/scheduler';
import { CommandError } from './errors';
import type { KernelObserver } from './observer';
import { Netns } from './netns';
import { Segment } from './segment';
import { Loopback } from './devices/loopback';

export interface Machine {
  name: string;
  role?: string;
  title?: string;
  root: Netns;
}

export class World {
  readonly sched = new Scheduler();
  readonly observers: KernelObserver[] = [];
  readonly machines = new Map<string, Machine>();
  /** Every netns by its scenario-wide name (a machine's root netns has the machine's name). */
  readonly netns = new Map<string, Netns>();
  readonly segments = new Map<string, Segment>();
  /** Pinned outcomes of `-m statistic --mode random` rules, by rule row (a flow may choose the branch). */
  randomPins?: Map<string, boolean>;
  private packetSeq = 0;
  private macSeq = 0;

  constructor(readonly seed: string) {}

  nextPacketId(): number {
    return ++this.packetSeq;
  }

  /** A deterministic MAC: the same scenario builds the same MACs, run after run. */
  allocMac(hint: string): string {
    return macFromSeed(`${this.seed}/${hint}/${this.macSeq++}`);
  }

  addMachine(name: string, opts: { role?: string; title?: string } = {}): Machine {
    if (this.machines.has(name) || this.netns.has(name))
      throw new CommandError(`machine "${name}" already exists`);
    const root = this.createNetns(name, name, true);
    const m: Machine = { name, root, ...opts };
    this.machines.set(name, m);
    return m;
  }

  /** A new namespace starts with only lo, which is down (as `ip netns add` leaves it). */
  createNetns(name: string, machine: string, root: boolean): Netns {
    if (this.netns.has(name))
      throw new CommandError(`Cannot create namespace file "/var/run/netns/${name}": File exists`, 1);
    const ns = new Netns(this, name, machine, root);
    const lo = new Loopback(ns, 'lo', ns.allocIfindex(), '00:00:00:00:00:00', 65536);
    lo.origin = 'kernel';
    ns.attach(lo);
    if (root) ns.setUp(lo);
    this.netns.set(name, ns);
    return ns;
  }

  deleteNetns(ns: Netns): void {
    for (const dev of ns.devicesInOrder()) ns.removeDevice(dev);
    this.netns.delete(ns.name);
  }

  segment(name: string, title?: string): Segment {
    let s = this.segments.get(name);
    if (!s) {
      s = new Segment(this, name, title);
      this.segments.set(name, s);
    }
    return s;
  }
}
