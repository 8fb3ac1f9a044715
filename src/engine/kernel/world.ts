/**
 * The world: machines, their namespaces, the L2 segments between them, one clock.
 */
import { macFromSeed } from '../net/mac';
import { Scheduler } from './scheduler';
import { CommandError } from './errors';
import type { KernelObserver } from './observer';
import { Netns } from './netns';
import { Segment } from './segment';
import { Loopback } from './loopback';

export interface Machine {
  name: string;
  role?: string;
  title?: string;
  root: Netns;
  /** Kernel modules loaded on this machine that create devices by themselves (ipip brings tunl0, ip_gre gre0). */
  modules: Set<string>;
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
  /** A flow pinned the endpoint a Service's random or round-robin choice takes (an IP). */
  pinEndpoint?: string;
  /**
   * Picks one of `n` branches wherever netfilter draws at random (`-m statistic --mode random`,
   * nft's `numgen random`): 0 is the match (or the first value). Unset, the draw is the world's
   * seeded one; a checker that wants every branch sets it and walks them all, as kube-proxy's
   * own packet tracer follows every probabilistic jump.
   */
  chooseBranch?: (n: number) => number;
  /** The etcd-like store controllers share, and the controllers by name ("flanneld@A"). Typed loosely: the kernel knows nothing of them. */
  store?: unknown;
  readonly controllers = new Map<
    string,
    { start(): void; stop(): void; running: boolean; settleAt?(): number | undefined }
  >();
  /** Every device ever created, with its name and MAC at creation (the kernel lab recreates them alike). */
  readonly created: { name: string; mac: string; kind: string }[] = [];
  /** Hook for modules that add devices to every new namespace (set by the command layer). */
  onNewNetns?: (ns: Netns) => void;
  /**
   * IPv6 runs in the namespaces (the kernel's default). The catalog's IPv4 worlds are checked
   * against a lab that sets disable_ipv6 in every namespace, and model that unless a scenario
   * says `ipv6: true`.
   */
  ipv6 = false;
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
    const m: Machine = { name, root, modules: new Set(), ...opts };
    this.machines.set(name, m);
    return m;
  }

  /** A new namespace starts with only lo, which is down (as `ip netns add` leaves it). */
  createNetns(name: string, machine: string, root: boolean): Netns {
    if (this.netns.has(name))
      throw new CommandError(`Cannot create namespace file "/var/run/netns/${name}": File exists`, 1);
    const ns = new Netns(this, name, machine, root);
    if (!this.ipv6) {
      ns.sysctl.set('net.ipv6.conf.all.disable_ipv6', 1);
      ns.sysctl.set('net.ipv6.conf.default.disable_ipv6', 1);
    }
    const lo = new Loopback(ns, 'lo', ns.allocIfindex(), '00:00:00:00:00:00', 65536);
    lo.origin = 'kernel';
    ns.loopback = lo;
    ns.attach(lo);
    if (root) ns.setUp(lo);
    this.netns.set(name, ns);
    if ((this.machines.get(machine)?.modules.size ?? 0) > 0) this.onNewNetns?.(ns);
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
