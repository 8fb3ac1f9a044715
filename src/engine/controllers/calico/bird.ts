/**
 * BIRD as calico-node runs it: one iBGP speaker per node (AS 64512 by default) that
 * originates the node's IPAM blocks, peers with every other node (the node-to-node mesh)
 * or only with route reflectors, and exports what it learns to the kernel as
 * `proto bird` routes: `via NODE dev eth0`, or `via NODE dev tunl0 onlink` where IPIP is
 * needed (mode Always, or CrossSubnet when NODE is outside this node's subnet). Its own
 * blocks become `blackhole` routes, so an unassigned address in them goes nowhere.
 *
 * BGP messages are control-plane events between the nodes' root namespaces; the TCP
 * session on port 179 itself is not simulated packet by packet. A dual-stack node runs a
 * second speaker, bird6, on a fabric of its own: sessions between the nodes' IPv6 addresses,
 * IPv6 blocks exported `via NODE6 dev eth0 proto bird`, never into a tunnel.
 */
import { inPrefix } from '../../net/ipv4';
import type { Netns } from '../../kernel/netns';
import { emit as emitEvent, type Emit } from '../../kernel/emit';
import type { World } from '../../kernel/world';
import { cidrOf, IPV4, IPV6, type BgpFamily, type Prefix } from './bgp-family';
import type { IpipMode } from './ipam';
import type { CalicoExec } from './cni';
import { parseSelector, type Labels } from './selector';
import type { MessageCode } from '../../kernel/message-codes';

/** The codes this module reports (kernel/message-codes.ts). */
const emit: Emit<'calico'> = emitEvent;

/** BIRD's `connect delay time 2` (µs): how long a starting BIRD waits before it opens sessions. */
export const CONNECT_DELAY_US = 2_000_000;
/** Time for one BGP message to reach its peer over the node network (µs). */
export const BGP_HOP_US = 200;

export interface BgpPeerSpec {
  name: string;
  nodeSelector: string;
  peerSelector: string;
}

export interface BgpNodeInfo {
  name: string;
  labels: Labels;
  routeReflector: boolean;
}

/**
 * Which BGP sessions exist: every pair of nodes with the mesh on (n(n-1)/2 of them);
 * with it off, a pair per BGPPeer whose nodeSelector picks one node and peerSelector the other.
 */
export function bgpSessions(nodes: BgpNodeInfo[], mesh: boolean, peers: BgpPeerSpec[]): [string, string][] {
  const out = new Map<string, [string, string]>();
  const add = (a: string, b: string): void => {
    if (a === b) return;
    const [x, y] = a < b ? [a, b] : [b, a];
    out.set(`${x}|${y}`, [x, y]);
  };
  if (mesh) for (const a of nodes) for (const b of nodes) add(a.name, b.name);
  for (const p of peers) {
    const sel = parseSelector(p.nodeSelector);
    const peerSel = parseSelector(p.peerSelector);
    for (const a of nodes) {
      if (!sel(a.labels)) continue;
      for (const b of nodes) if (peerSel(b.labels)) add(a.name, b.name);
    }
  }
  return [...out.values()].sort((p, q) => (p.join() < q.join() ? -1 : 1));
}

/** Where the kernel route to a peer's block goes: direct, or into tunl0 (IPIP). */
export function useTunnel<A = number>(
  mode: IpipMode,
  self: Prefix<A>,
  nextHop: A,
  within: (a: A, net: A, len: number) => boolean = inPrefix as never,
): boolean {
  if (mode === 'Always') return true;
  if (mode === 'CrossSubnet') return !within(nextHop, self.addr, self.len);
  return false;
}

interface RibEntry<A> {
  prefix: Prefix<A>;
  nextHop: A;
  /** The node that originated it, and the peer it was learned from. */
  originator: string;
  from: string;
}

/** All speakers of a world (of one family), the sessions between them and the clock of a flow in progress. */
export class BgpFabric<A = number> {
  readonly speakers = new Map<string, Bird<A>>();
  mesh = true;
  peers: BgpPeerSpec[] = [];
  /** During a flow, messages take time; while building the world they arrive at once. */
  live = false;
  pending = 0;
  readonly established = new Set<string>();

  constructor(
    readonly world: World,
    readonly family: BgpFamily<A>,
  ) {}

  static of(world: World): BgpFabric {
    let f = fabrics.get(world);
    if (!f) fabrics.set(world, (f = new BgpFabric(world, IPV4)));
    return f;
  }

  /** bird6's fabric: the IPv6 sessions, configured by the same BGPConfiguration and peers. */
  static of6(world: World): BgpFabric<bigint> {
    let f = fabrics6.get(world);
    if (!f) fabrics6.set(world, (f = new BgpFabric(world, IPV6)));
    return f;
  }

  after(us: number, fn: () => void): void {
    if (!this.live) {
      fn();
      return;
    }
    this.pending++;
    this.world.sched.at(us, () => {
      this.pending--;
      fn();
    });
  }

  sessionKey(a: string, b: string): string {
    return a < b ? `${a}|${b}` : `${b}|${a}`;
  }

  /** The peers `name` has a session configured with. */
  peersOf(name: string): Bird<A>[] {
    const nodes = [...this.speakers.values()].map((s) => s.info);
    return bgpSessions(nodes, this.mesh, this.peers)
      .filter(([a, b]) => a === name || b === name)
      .map(([a, b]) => this.speakers.get(a === name ? b : a)!)
      .filter((s) => s !== undefined);
  }
}

const fabrics = new WeakMap<World, BgpFabric>();
const fabrics6 = new WeakMap<World, BgpFabric<bigint>>();

export interface BirdOptions<A = number> {
  node: string;
  ns: Netns;
  iface: string;
  /** The node's address and the prefix of its subnet (what CrossSubnet compares against). */
  addr: Prefix<A>;
  asn: number;
  ipipMode: IpipMode;
  labels: Labels;
  routeReflector: boolean;
  blocks: Prefix<A>[];
}

export class Bird<A = number> {
  running = false;
  readonly rib = new Map<string, RibEntry<A>>();
  readonly who: string;
  private readonly f: BgpFamily<A>;

  constructor(
    private readonly fabric: BgpFabric<A>,
    readonly o: BirdOptions<A>,
    private readonly exec: CalicoExec,
  ) {
    this.f = fabric.family;
    this.who = `${this.f.daemon === 'bird6' ? 'BIRD6' : 'BIRD'} on ${o.node}`;
    fabric.speakers.set(o.node, this);
  }

  get info(): BgpNodeInfo {
    return { name: this.o.node, labels: this.o.labels, routeReflector: this.o.routeReflector };
  }

  private get ip(): string {
    return this.f.format(this.o.addr.addr);
  }

  private cidr(p: Prefix<A>): string {
    return cidrOf(this.f, p);
  }

  private ev(code: MessageCode<'calico'>, args: Record<string, string | number>): void {
    emit(this.o.ns, { kind: 'control', code, args: { who: this.who, ...args } });
  }

  /** Start: blackholes for its own blocks, then (after the connect delay) a session with each running peer. */
  start(): void {
    this.running = true;
    this.ev('bird.start', {
      node: this.o.node,
      asn: this.o.asn,
      blocks: this.o.blocks.map((b) => this.cidr(b)).join(', '),
    });
    for (const b of this.o.blocks) {
      if (!this.f.route(this.o.ns, b))
        this.exec(
          `${this.f.ipRoute} add blackhole ${this.cidr(b)} proto bird`,
          `${this.who}, for its own block ${this.cidr(b)}`,
          'bird',
        );
    }
    this.fabric.after(this.fabric.live ? CONNECT_DELAY_US : 0, () => {
      for (const p of this.fabric.peersOf(this.o.node)) if (p.running) this.connect(p);
    });
  }

  /**
   * Stop (SIGTERM): BIRD closes every session with a NOTIFICATION (Cease, administrative
   * shutdown). A peer that gets a NOTIFICATION does not keep the routes for a graceful
   * restart: it withdraws them at once. This node's own kernel routes stay (`persist`).
   */
  stop(): void {
    this.ev('bird.stop', { node: this.o.node });
    for (const p of this.fabric.peersOf(this.o.node)) {
      const key = this.fabric.sessionKey(this.o.node, p.o.node);
      if (!this.fabric.established.has(key)) continue;
      this.fabric.established.delete(key);
      this.ev('bgp.notification-send', { peer: p.o.node, peerIp: p.ip });
      this.fabric.after(BGP_HOP_US, () => p.sessionDown(this));
    }
    this.rib.clear();
    this.running = false;
  }

  private connect(p: Bird<A>): void {
    const key = this.fabric.sessionKey(this.o.node, p.o.node);
    if (this.fabric.established.has(key) || !p.running) return;
    this.ev('bgp.open-send', { peer: p.o.node, peerIp: p.ip, asn: this.o.asn, ip: this.ip });
    this.fabric.after(BGP_HOP_US, () => {
      p.ev('bgp.open-recv', { peer: this.o.node, peerIp: this.ip, asn: this.o.asn });
      p.ev('bgp.open-send', { peer: this.o.node, peerIp: this.ip, asn: p.o.asn, ip: p.ip });
      this.fabric.after(BGP_HOP_US, () => {
        this.fabric.established.add(key);
        this.ev('bgp.established', { peer: p.o.node, peerIp: p.ip });
        p.ev('bgp.established', { peer: this.o.node, peerIp: this.ip });
        this.sendTable(p);
        p.sendTable(this);
      });
    });
  }

  /** Is `p` a route-reflector client of this node? */
  private isClient(p: Bird<A>): boolean {
    return this.o.routeReflector && !p.o.routeReflector;
  }

  /** What this speaker tells `p`: its own blocks, and (as a reflector) what it may reflect. */
  private sendTable(p: Bird<A>): void {
    for (const b of this.o.blocks)
      this.update(p, { prefix: b, nextHop: this.o.addr.addr, originator: this.o.node, from: this.o.node });
    if (!this.o.routeReflector) return;
    for (const r of this.rib.values()) if (this.mayReflect(r, p)) this.update(p, r);
  }

  private mayReflect(r: RibEntry<A>, to: Bird<A>): boolean {
    if (r.from === to.o.node || r.originator === to.o.node) return false;
    const from = this.fabric.speakers.get(r.from);
    // RFC 4456: routes from a client go to every peer; from a non-client, only to clients.
    return (from !== undefined && this.isClient(from)) || this.isClient(to);
  }

  private update(p: Bird<A>, r: RibEntry<A>): void {
    const reflected = r.originator !== this.o.node;
    this.ev(reflected ? 'bgp.reflect' : 'bgp.update-send', {
      peer: p.o.node,
      peerIp: p.ip,
      prefix: this.cidr(r.prefix),
      nexthop: this.f.format(r.nextHop),
      originator: r.originator,
    });
    this.fabric.after(BGP_HOP_US, () => p.receive(this, r));
  }

  private receive(from: Bird<A>, r: RibEntry<A>): void {
    if (!this.running) return;
    const key = this.cidr(r.prefix);
    this.ev('bgp.update-recv', {
      peer: from.o.node,
      peerIp: from.ip,
      prefix: key,
      nexthop: this.f.format(r.nextHop),
      originator: r.originator,
    });
    if (r.originator === this.o.node) return;
    const entry: RibEntry<A> = Object.assign({}, r, { from: from.o.node });
    this.rib.set(key, entry);
    this.program(entry, from);
    if (this.o.routeReflector) {
      for (const p of this.fabric.peersOf(this.o.node)) {
        if (!p.running || !this.fabric.established.has(this.fabric.sessionKey(this.o.node, p.o.node)))
          continue;
        if (this.mayReflect(entry, p)) this.update(p, entry);
      }
    }
  }

  /** Export to the kernel (calico_kernel_programming): via the node, or into tunl0 with onlink. */
  private program(r: RibEntry<A>, from: Bird<A>): void {
    const tunnel = this.f.tunnels && useTunnel(this.o.ipipMode, this.o.addr, r.nextHop, this.f.inPrefix);
    const nh = this.f.format(r.nextHop);
    // `gateway recursive`: a next hop off this node's subnet is reached through the kernel
    // route to it (learned by `protocol kernel { learn; }`), so the route goes via that gateway.
    const gw = tunnel ? r.nextHop : this.recursiveGateway(r.nextHop);
    const spec = tunnel
      ? `via ${nh} dev tunl0 proto bird onlink`
      : `via ${this.f.format(gw)} dev ${this.o.iface} proto bird`;
    const origin =
      `${this.who}, after the UPDATE from ${from.o.node} for ${this.cidr(r.prefix)}` +
      (r.originator !== from.o.node ? ` (reflected, originated by ${r.originator})` : '');
    const row = this.f.route(this.o.ns, r.prefix);
    const same =
      row && row.proto === 'bird' && row.gateway === gw && row.dev === (tunnel ? 'tunl0' : this.o.iface);
    const subnet = { addr: this.f.network(this.o.addr.addr, this.o.addr.len), len: this.o.addr.len };
    this.ev(tunnel ? 'bird.export-tunnel' : gw !== r.nextHop ? 'bird.export-recursive' : 'bird.export', {
      prefix: this.cidr(r.prefix),
      nexthop: nh,
      gateway: this.f.format(gw),
      dev: tunnel ? 'tunl0' : this.o.iface,
      mode: this.o.ipipMode,
      subnet: this.cidr(subnet),
      present: same ? 1 : 0,
    });
    if (same) return;
    this.exec(`${this.f.ipRoute} ${row ? 'replace' : 'add'} ${this.cidr(r.prefix)} ${spec}`, origin, 'bird');
  }

  /** The gateway of the kernel's route to `nextHop`, or `nextHop` itself when it is on a connected subnet. */
  private recursiveGateway(nextHop: A): A {
    if (this.f.inPrefix(nextHop, this.o.addr.addr, this.o.addr.len)) return nextHop;
    const via = this.f.lookup(this.o.ns, nextHop);
    return via?.type === 'unicast' && via.gateway !== undefined && via.proto !== 'bird'
      ? via.gateway
      : nextHop;
  }

  /** A peer closed the session: forget (and unprogram) what it told us, and withdraw what we reflected. */
  private sessionDown(peer: Bird<A>): void {
    if (!this.running) return;
    this.ev('bgp.notification-recv', { peer: peer.o.node, peerIp: peer.ip });
    for (const [key, r] of [...this.rib.entries()]) {
      if (r.from !== peer.o.node) continue;
      this.withdraw(key, r, `${this.who}, after ${peer.o.node} closed the BGP session`);
    }
  }

  private withdraw(key: string, r: RibEntry<A>, origin: string): void {
    this.rib.delete(key);
    this.ev('bird.withdraw', { prefix: key, nexthop: this.f.format(r.nextHop) });
    this.exec(`${this.f.ipRoute} del ${key} proto bird`, origin, 'bird');
    if (!this.o.routeReflector) return;
    for (const p of this.fabric.peersOf(this.o.node)) {
      if (!p.running || !this.fabric.established.has(this.fabric.sessionKey(this.o.node, p.o.node))) continue;
      if (!this.mayReflect(r, p)) continue;
      this.ev('bgp.withdraw-send', { peer: p.o.node, peerIp: p.ip, prefix: key });
      this.fabric.after(BGP_HOP_US, () => {
        if (p.running && p.rib.get(key)?.originator === r.originator)
          p.withdraw(key, r, `${p.who}, after ${this.o.node} withdrew ${key}`);
      });
    }
  }
}
