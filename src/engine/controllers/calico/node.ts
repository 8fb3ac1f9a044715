/**
 * calico-node on one machine: register the node, claim an IPAM block, set up tunl0 when
 * the pool uses IPIP, wire each pod with the CNI plugin and Felix, then start BIRD. The
 * datastore is the scenario's etcd-like store, with Calico's own key layout.
 */
import { formatIp, parseCidr } from '../../net/ipv4';
import { formatIp6, parseCidr6, parseIp6 } from '../../net/ipv6';
import type { Process } from '../../apps/process';
import type { Netns } from '../../kernel/netns';
import { emit as emitEvent, type Emit } from '../../kernel/emit';
import type { Machine, World } from '../../kernel/world';
import type { Store } from '../store';
import { BgpFabric, Bird, type BgpPeerSpec } from './bird';
import { calicoCniAdd, type CalicoExec } from './cni';
import { CalicoError, field, parseResource } from './errors';
import {
  assign6,
  blockKey6,
  blockValue6,
  BLOCKS6,
  checkBlock6,
  cidr6Text,
  freeBlock6,
  hostAffinityKey6,
  isPool6,
  parseBlock6,
  parsePool6,
  type Block6,
  type Cidr6,
  type Pool6,
} from './ipam6';
import { Felix, wepKey, wepValue, type Workload } from './felix';
import {
  assign,
  blockKey,
  blockValue,
  BLOCKS,
  checkBlock,
  cidrText,
  freeBlock,
  hostAffinityKey,
  IpamError,
  parseBlock,
  parsePool,
  POOLS,
  type Block,
  type Cidr,
  type Pool,
} from './ipam';
import type { Labels } from './selector';

/** The codes this module reports (kernel/message-codes.ts). */
const emit: Emit<'systemctl'> = emitEvent;

export const NODES = '/calico/resources/v3/projectcalico.org/nodes/';
export const BGP_CONFIG = '/calico/resources/v3/projectcalico.org/bgpconfigurations/default';
export const BGP_PEERS = '/calico/resources/v3/projectcalico.org/bgppeers/';
export const DEFAULT_ASN = 64512;
/** The route reflector cluster id Calico's docs use. */
export const RR_CLUSTER_ID = '244.0.0.1';
/** The MTU Calico gives pod veths when IPIP is on (1500 minus the 20-byte outer header). */
export const IPIP_MTU = 1480;

export interface CalicoPod {
  name: string;
  namespace: string;
  ip?: string;
  /** Pin the pod's IPv6 address (dual-stack). */
  ip6?: string;
  labels: Labels;
}

export interface CalicoNodeOptions {
  /** The interface whose address is the node's BGP address (IP autodetection). */
  iface: string;
  /** Pin the node's block (a block of the pool). */
  block?: string;
  /** Pin the node's IPv6 block (a block of the IPv6 pool). */
  block6?: string;
  routeReflector: boolean;
  labels: Labels;
  pods: CalicoPod[];
  /** CALICO_NETWORKING_BACKEND: bird (BGP) or none (policy only, as in Canal, where flannel routes). */
  networking?: 'bird' | 'none';
}

export class CalicoNode {
  running = false;
  readonly who: string;
  private readonly ns: Netns;
  felix?: Felix;
  bird?: Bird;
  bird6?: Bird<bigint>;
  block?: Block;
  pool?: Pool;
  block6?: Block6;
  pool6?: Pool6;
  tunnelAddr?: number;

  constructor(
    private readonly world: World,
    private readonly machine: Machine,
    private readonly store: Store,
    private readonly opts: CalicoNodeOptions,
    private readonly exec: CalicoExec,
  ) {
    this.ns = machine.root;
    this.who = `calico-node on ${machine.name}`;
  }

  /**
   * calico-node's start-up, in the order the real one runs it: read the IP pools and the BGP
   * configuration, claim this node's blocks (IPAM), start Felix, register the Node resource, wire
   * each pod (the CNI plugin), publish the blocks, then start BIRD (and BIRD6 for an IPv6 pool).
   */
  start(): void {
    const pool = this.readPools();
    const { fabric, asn } = this.readBgpConfiguration();
    const addr = this.bgpAddress();
    const name = this.machine.name;
    const labels = {
      ...this.opts.labels,
      ...(this.opts.routeReflector ? { 'route-reflector': 'true' } : {}),
    };
    const block = this.claimBlock(pool);
    const addr6 = this.pool6 ? this.bgpAddress6() : undefined;
    const block6 = this.pool6 ? this.claimBlock6(this.pool6) : undefined;
    const ipip = pool.ipipMode !== 'Never';
    const felix = this.startFelix(block, block6, ipip);
    this.registerNode(addr, addr6, labels);
    for (const p of this.opts.pods) this.addPod(felix, p, { block, block6, ipip });
    const ipam = `calico-ipam on ${name}`;
    this.store.put(blockKey(block.cidr), blockValue(block), { ns: this.ns, who: ipam });
    if (block6) this.store.put(blockKey6(block6.cidr), blockValue6(block6), { ns: this.ns, who: ipam });
    if (this.opts.networking === 'none') {
      // Canal: Felix enforces policy; another plugin (flannel) carries packets between nodes.
      this.running = true;
      return;
    }

    this.bird = new Bird(
      fabric,
      {
        node: name,
        ns: this.ns,
        iface: this.opts.iface,
        addr,
        asn,
        ipipMode: pool.ipipMode,
        labels,
        routeReflector: this.opts.routeReflector,
        blocks: [block.cidr],
      },
      this.exec,
    );
    this.bird.start();
    if (block6 && addr6) this.startBird6(addr6, block6.cidr, asn, labels);
    this.running = true;
  }

  /** The IPv4 pool (required) and the IPv6 one (optional) from the datastore. */
  private readPools(): Pool {
    const pools = this.store.list(POOLS).map((e) => ({
      name: e.key.slice(POOLS.length),
      value: e.value,
      j: parseResource(e.key, e.value),
    }));
    const poolEntry = pools.find((p) => !isPool6(p.j));
    if (!poolEntry) throw new CalicoError(`no IPv4 IP pool in the datastore (${POOLS}<name>)`);
    const pool = parsePool(poolEntry.name, poolEntry.value);
    this.pool = pool;
    const pool6Entry = pools.find((p) => isPool6(p.j));
    if (pool6Entry) this.pool6 = parsePool6(pool6Entry.name, pool6Entry.j);
    return pool;
  }

  /** BGPConfiguration (the node-to-node mesh, the AS number) and the BGPPeers, onto the fabric. */
  private readBgpConfiguration(): { fabric: BgpFabric; asn: number } {
    const bgp = parseResource(BGP_CONFIG, this.store.list(BGP_CONFIG)[0]?.value ?? '{}');
    const fabric = BgpFabric.of(this.world);
    fabric.mesh = field(BGP_CONFIG, bgp, 'nodeToNodeMeshEnabled', 'boolean') !== false;
    fabric.peers = this.store.list(BGP_PEERS).map((e) => {
      const j = parseResource(e.key, e.value);
      return {
        name: e.key.slice(BGP_PEERS.length),
        nodeSelector: field(e.key, j, 'nodeSelector', 'string') ?? 'all()',
        peerSelector: field(e.key, j, 'peerSelector', 'string') ?? 'all()',
      } satisfies BgpPeerSpec;
    });
    return { fabric, asn: field(BGP_CONFIG, bgp, 'asNumber', 'number') ?? DEFAULT_ASN };
  }

  /** IP autodetection: the primary IPv4 address of the BGP interface. */
  private bgpAddress(): Cidr {
    const dev = this.ns.device(this.opts.iface);
    const a = dev?.addrs.find((x) => !x.secondary);
    if (!dev || !a) throw new CalicoError(`no IPv4 address on ${this.opts.iface} to use as the BGP address`);
    return { addr: a.addr, len: a.len };
  }

  /** IPAM: claim this node's IPv4 block (the one asked for, or the first free one) by affinity. */
  private claimBlock(pool: Pool): Block {
    const name = this.machine.name;
    const blocks = this.store
      .list(BLOCKS)
      .map((e) => parseBlock(e.value))
      .filter((b) => b !== undefined);
    let cidr: Cidr;
    if (this.opts.block) {
      const c = parseCidr(this.opts.block)!;
      cidr = { addr: c.addr >>> 0, len: c.len };
      checkBlock(pool, cidr);
      const held = blocks.find((b) => b.cidr.addr === cidr.addr);
      if (held && held.affinity !== `host:${name}`)
        throw new IpamError(`block ${cidrText(cidr)} is affine to ${held.affinity}`);
    } else {
      cidr = freeBlock(
        pool,
        blocks.map((b) => b.cidr),
      );
    }
    const block: Block = { cidr, affinity: `host:${name}`, allocations: new Map() };
    this.block = block;
    this.store.put(hostAffinityKey(name, cidr), '{"state":"confirmed"}', {
      ns: this.ns,
      who: `calico-ipam on ${name}`,
    });
    return block;
  }

  /** Felix: its host setup, IPv6 forwarding for an IPv6 pool, and the IPIP tunnel's address. */
  private startFelix(block: Block, block6: Block6 | undefined, ipip: boolean): Felix {
    const felix = new Felix(this.machine.name, this.ns, this.store, this.exec);
    this.felix = felix;
    felix.start();
    if (block6) felix.enableIpv6Forwarding();
    if (ipip) {
      this.tunnelAddr = assign(block, `ipip-tunnel-addr-${this.machine.name}`);
      felix.configureTunnel(this.tunnelAddr);
    }
    return felix;
  }

  /** The Node resource: its BGP addresses, the IPIP tunnel address, the route-reflector cluster. */
  private registerNode(addr: Cidr, addr6: Cidr6 | undefined, labels: Record<string, string>): void {
    const name = this.machine.name;
    this.store.put(
      `${NODES}${name}`,
      JSON.stringify({
        bgp: {
          ipv4Address: `${formatIp(addr.addr)}/${addr.len}`,
          ...(addr6 ? { ipv6Address: `${formatIp6(addr6.addr)}/${addr6.len}` } : {}),
          ...(this.tunnelAddr !== undefined ? { ipv4IPIPTunnelAddr: formatIp(this.tunnelAddr) } : {}),
          ...(this.opts.routeReflector ? { routeReflectorClusterID: RR_CLUSTER_ID } : {}),
        },
        labels,
      }),
      { ns: this.ns, who: this.who },
    );
  }

  /** One pod: its addresses from the blocks, the CNI plugin's wiring, its WorkloadEndpoint, Felix. */
  private addPod(
    felix: Felix,
    p: CalicoPod,
    { block, block6, ipip }: { block: Block; block6: Block6 | undefined; ipip: boolean },
  ): void {
    const name = this.machine.name;
    const want = p.ip ? parseCidr(`${p.ip}/32`)!.addr : undefined;
    const ip = assign(block, `${p.namespace}.${p.name}`, want);
    const want6 = p.ip6 !== undefined ? (parseIp6(p.ip6) ?? undefined) : undefined;
    const ip6 = block6 ? assign6(block6, `${p.namespace}.${p.name}`, want6) : undefined;
    const mtu = ipip ? { mtu: IPIP_MTU } : {};
    const v6 = ip6 !== undefined ? { ip6 } : {};
    const iface = calicoCniAdd(name, { name: p.name, namespace: p.namespace, ip, ...v6, ...mtu }, this.exec);
    const w: Workload = {
      node: name,
      pod: p.name,
      namespace: p.namespace,
      ip,
      ...v6,
      iface,
      labels: p.labels,
    };
    this.store.put(wepKey(w), wepValue(w), { ns: this.ns, who: `calico CNI on ${name}` });
    felix.addLocal(w);
  }

  /** IP6 autodetection: the first global IPv6 address of the BGP interface. */
  private bgpAddress6(): Cidr6 {
    const a = this.ns.device(this.opts.iface)?.addrs6.find((x) => x.scope === 'global');
    if (!a)
      throw new CalicoError(
        `no global IPv6 address on ${this.opts.iface} to use as the BGP address (the pool ${this.pool6!.name} is IPv6)`,
      );
    return { addr: a.addr, len: a.len };
  }

  /** IPAM for the IPv6 pool: claim this node's /122 (pinned, or the first free one) by affinity. */
  private claimBlock6(pool: Pool6): Block6 {
    const name = this.machine.name;
    const held = this.store
      .list(BLOCKS6)
      .map((e) => parseBlock6(e.value))
      .filter((b) => b !== undefined);
    let cidr: Cidr6;
    if (this.opts.block6) {
      const c = parseCidr6(this.opts.block6, true);
      if (!c) throw new IpamError(`block6 ${this.opts.block6} is not an IPv6 network`);
      cidr = c;
      checkBlock6(pool, cidr);
      const other = held.find((b) => b.cidr.addr === cidr.addr);
      if (other && other.affinity !== `host:${name}`)
        throw new IpamError(`block ${cidr6Text(cidr)} is affine to ${other.affinity}`);
    } else {
      cidr = freeBlock6(
        pool,
        held.map((b) => b.cidr),
      );
    }
    this.store.put(hostAffinityKey6(name, cidr), '{"state":"confirmed"}', {
      ns: this.ns,
      who: `calico-ipam on ${name}`,
    });
    return (this.block6 = { cidr, affinity: `host:${name}`, allocations: new Map() });
  }

  /** bird6: the same mesh or peers as BIRD, between the nodes' IPv6 addresses, for the IPv6 block. */
  private startBird6(addr: Cidr6, block: Cidr6, asn: number, labels: Labels): void {
    const fabric = BgpFabric.of6(this.world);
    const v4 = BgpFabric.of(this.world);
    fabric.mesh = v4.mesh;
    fabric.peers = v4.peers;
    this.bird6 = new Bird(
      fabric,
      {
        node: this.machine.name,
        ns: this.ns,
        iface: this.opts.iface,
        addr,
        asn,
        ipipMode: 'Never',
        labels,
        routeReflector: this.opts.routeReflector,
        blocks: [block],
      },
      this.exec,
    );
    this.bird6.start();
  }

  stop(): void {
    this.bird?.stop();
    this.bird6?.stop();
    this.running = false;
  }

  /** `systemctl start|stop|restart bird`: BIRD's sessions and advertisements, played out in time. */
  systemctl(verb: 'start' | 'stop' | 'restart', unit: string): Process | undefined {
    if (unit !== 'bird' || !this.bird) return undefined;
    return new BirdUnitRun(BgpFabric.of(this.world), this.bird, this.ns, verb);
  }
}

/** The program a `systemctl ... bird` flow runs: done once every BGP message has arrived. */
class BirdUnitRun implements Process {
  readonly name = 'systemctl';
  readonly output: string[] = [];
  outcome: Process['outcome'];
  private started = false;
  readonly deadlineUs = 30_000_000;

  constructor(
    private readonly fabric: BgpFabric,
    private readonly bird: Bird,
    private readonly ns: Netns,
    private readonly verb: 'start' | 'stop' | 'restart',
  ) {}

  get done(): boolean {
    const d = this.started && this.fabric.pending === 0;
    if (d && !this.outcome) this.outcome = { kind: 'ok' };
    return d;
  }

  start(): void {
    this.fabric.live = true;
    emit(this.ns, {
      kind: 'control',
      code: `systemctl.${this.verb}`,
      args: { unit: 'bird.service', machine: this.ns.machine },
    });
    if (this.verb !== 'start' && this.bird.running) this.bird.stop();
    if (this.verb !== 'stop' && !this.bird.running) this.fabric.after(100_000, () => this.bird.start());
    this.started = true;
  }
}

/** What World.controllers holds for BIRD on a machine; `systemctl` plays the unit out in time. */
export interface BirdUnit {
  start(): void;
  stop(): void;
  readonly running: boolean;
  systemctl(verb: string): Process | undefined;
}

/** Start calico-node on a machine and register its BIRD as the `bird` unit. */
export function startCalicoNode(
  world: World,
  machine: Machine,
  store: Store,
  opts: CalicoNodeOptions,
  exec: CalicoExec,
): CalicoNode {
  const node = new CalicoNode(world, machine, store, opts, exec);
  node.start();
  const unit: BirdUnit = {
    start: () => node.bird?.start(),
    stop: () => node.bird?.stop(),
    get running() {
      return node.bird?.running ?? false;
    },
    systemctl: (verb) =>
      verb === 'start' || verb === 'stop' || verb === 'restart' ? node.systemctl(verb, 'bird') : undefined,
  };
  world.controllers.set(`bird@${machine.name}`, unit);
  return node;
}
