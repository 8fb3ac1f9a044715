/**
 * BIRD as calico-node runs it: one iBGP speaker per node (AS 64512 by default) that
 * originates the node's IPAM blocks, peers with every other node (the node-to-node mesh)
 * or only with route reflectors, and exports what it learns to the kernel as
 * `proto bird` routes: `via NODE dev eth0`, or `via NODE dev tunl0 onlink` where IPIP is
 * needed (mode Always, or CrossSubnet when NODE is outside this node's subnet). Its own
 * blocks become `blackhole` routes, so an unassigned address in them goes nowhere.
 *
 * BGP messages are control-plane events between the nodes' root namespaces; the TCP
 * session on port 179 itself is not simulated packet by packet.
 */
import { formatIp, inPrefix } from '../../net/ipv4';
import type { Netns } from '../../kernel/netns';
import { emit as emitEvent, type Emit } from '../../kernel/stack/emit';
import { TABLE_MAIN } from '../../kernel/routes';
import type { World } from '../../kernel/world';
import { cidrText, type Cidr, type IpipMode } from './ipam';
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
export function useTunnel(mode: IpipMode, self: Cidr, nextHop: number): boolean {
  if (mode === 'Always') return true;
  if (mode === 'CrossSubnet') return !inPrefix(nextHop, self.addr, self.len);
  return false;
}

interface RibEntry {
  prefix: Cidr;
  nextHop: number;
  /** The node that originated it, and the peer it was learned from. */
  originator: string;
  from: string;
}

/** All speakers of a world, the sessions between them and the clock of a flow in progress. */
export class BgpFabric {
  readonly speakers = new Map<string, Bird>();
  mesh = true;
  peers: BgpPeerSpec[] = [];
  /** During a flow, messages take time; while building the world they arrive at once. */
  live = false;
  pending = 0;
  readonly established = new Set<string>();

  constructor(readonly world: World) {}

  static of(world: World): BgpFabric {
    let f = fabrics.get(world);
    if (!f) fabrics.set(world, (f = new BgpFabric(world)));
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
  peersOf(name: string): Bird[] {
    const nodes = [...this.speakers.values()].map((s) => s.info);
    return bgpSessions(nodes, this.mesh, this.peers)
      .filter(([a, b]) => a === name || b === name)
      .map(([a, b]) => this.speakers.get(a === name ? b : a)!)
      .filter((s) => s !== undefined);
  }
}

const fabrics = new WeakMap<World, BgpFabric>();

export interface BirdOptions {
  node: string;
  ns: Netns;
  iface: string;
  /** The node's address and the prefix of its subnet (what CrossSubnet compares against). */
  addr: Cidr;
  asn: number;
  ipipMode: IpipMode;
  labels: Labels;
  routeReflector: boolean;
  blocks: Cidr[];
}

export class Bird {
  running = false;
  readonly rib = new Map<string, RibEntry>();
  readonly who: string;

  constructor(
    private readonly fabric: BgpFabric,
    readonly o: BirdOptions,
    private readonly exec: CalicoExec,
  ) {
    this.who = `BIRD on ${o.node}`;
    fabric.speakers.set(o.node, this);
  }

  get info(): BgpNodeInfo {
    return { name: this.o.node, labels: this.o.labels, routeReflector: this.o.routeReflector };
  }

  private get ip(): string {
    return formatIp(this.o.addr.addr);
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
      blocks: this.o.blocks.map(cidrText).join(', '),
    });
    for (const b of this.o.blocks) {
      const row = this.o.ns.routes.findSame({ table: TABLE_MAIN, dst: b.addr, len: b.len, metric: 0 });
      if (!row)
        this.exec(
          `ip route add blackhole ${cidrText(b)} proto bird`,
          `${this.who}, for its own block ${cidrText(b)}`,
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

  private connect(p: Bird): void {
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
  private isClient(p: Bird): boolean {
    return this.o.routeReflector && !p.o.routeReflector;
  }

  /** What this speaker tells `p`: its own blocks, and (as a reflector) what it may reflect. */
  private sendTable(p: Bird): void {
    for (const b of this.o.blocks)
      this.update(p, { prefix: b, nextHop: this.o.addr.addr, originator: this.o.node, from: this.o.node });
    if (!this.o.routeReflector) return;
    for (const r of this.rib.values()) if (this.mayReflect(r, p)) this.update(p, r);
  }

  private mayReflect(r: RibEntry, to: Bird): boolean {
    if (r.from === to.o.node || r.originator === to.o.node) return false;
    const from = this.fabric.speakers.get(r.from);
    // RFC 4456: routes from a client go to every peer; from a non-client, only to clients.
    return (from !== undefined && this.isClient(from)) || this.isClient(to);
  }

  private update(p: Bird, r: RibEntry): void {
    const reflected = r.originator !== this.o.node;
    this.ev(reflected ? 'bgp.reflect' : 'bgp.update-send', {
      peer: p.o.node,
      peerIp: p.ip,
      prefix: cidrText(r.prefix),
      nexthop: formatIp(r.nextHop),
      originator: r.originator,
    });
    this.fabric.after(BGP_HOP_US, () => p.receive(this, r));
  }

  private receive(from: Bird, r: RibEntry): void {
    if (!this.running) return;
    const key = cidrText(r.prefix);
    this.ev('bgp.update-recv', {
      peer: from.o.node,
      peerIp: from.ip,
      prefix: key,
      nexthop: formatIp(r.nextHop),
      originator: r.originator,
    });
    if (r.originator === this.o.node) return;
    const entry: RibEntry = Object.assign({}, r, { from: from.o.node });
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
  private program(r: RibEntry, from: Bird): void {
    const tunnel = useTunnel(this.o.ipipMode, this.o.addr, r.nextHop);
    const nh = formatIp(r.nextHop);
    // `gateway recursive`: a next hop off this node's subnet is reached through the kernel
    // route to it (learned by `protocol kernel { learn; }`), so the route goes via that gateway.
    const gw = tunnel ? r.nextHop : this.recursiveGateway(r.nextHop);
    const spec = tunnel
      ? `via ${nh} dev tunl0 proto bird onlink`
      : `via ${formatIp(gw)} dev ${this.o.iface} proto bird`;
    const origin =
      `${this.who}, after the UPDATE from ${from.o.node} for ${cidrText(r.prefix)}` +
      (r.originator !== from.o.node ? ` (reflected, originated by ${r.originator})` : '');
    const row = this.o.ns.routes.findSame({
      table: TABLE_MAIN,
      dst: r.prefix.addr,
      len: r.prefix.len,
      metric: 0,
    });
    const same =
      row &&
      row.proto === 'bird' &&
      row.gateway === gw &&
      row.dev?.name === (tunnel ? 'tunl0' : this.o.iface);
    this.ev(tunnel ? 'bird.export-tunnel' : gw !== r.nextHop ? 'bird.export-recursive' : 'bird.export', {
      prefix: cidrText(r.prefix),
      nexthop: nh,
      gateway: formatIp(gw),
      dev: tunnel ? 'tunl0' : this.o.iface,
      mode: this.o.ipipMode,
      subnet: cidrText({ addr: this.o.addr.addr & ~(2 ** (32 - this.o.addr.len) - 1), len: this.o.addr.len }),
      present: same ? 1 : 0,
    });
    if (same) return;
    this.exec(`ip route ${row ? 'replace' : 'add'} ${cidrText(r.prefix)} ${spec}`, origin, 'bird');
  }

  /** The gateway of the kernel's route to `nextHop`, or `nextHop` itself when it is on a connected subnet. */
  private recursiveGateway(nextHop: number): number {
    if (inPrefix(nextHop, this.o.addr.addr, this.o.addr.len)) return nextHop;
    const via = this.o.ns.routes.lookup(nextHop);
    return via?.type === 'unicast' && via.gateway !== undefined && via.proto !== 'bird'
      ? via.gateway
      : nextHop;
  }

  /** A peer closed the session: forget (and unprogram) what it told us, and withdraw what we reflected. */
  private sessionDown(peer: Bird): void {
    if (!this.running) return;
    this.ev('bgp.notification-recv', { peer: peer.o.node, peerIp: peer.ip });
    for (const [key, r] of [...this.rib.entries()]) {
      if (r.from !== peer.o.node) continue;
      this.withdraw(key, r, `${this.who}, after ${peer.o.node} closed the BGP session`);
    }
  }

  private withdraw(key: string, r: RibEntry, origin: string): void {
    this.rib.delete(key);
    this.ev('bird.withdraw', { prefix: key, nexthop: formatIp(r.nextHop) });
    this.exec(`ip route del ${key} proto bird`, origin, 'bird');
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
