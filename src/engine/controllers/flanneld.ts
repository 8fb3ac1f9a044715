/**
 * flanneld as a controller: it reads the network config from the store, leases a subnet
 * for its node, sets up its backend, and on every lease it sees (now or later, through a
 * watch) programs the kernel with the same commands a learner could type. Every row it
 * writes says so ("flanneld on A, after the lease for 10.1.16.0/24").
 */
import { formatIp, inPrefix, maskOf, parseCidr } from '../net/ipv4';
import { formatIp6 } from '../net/ipv6';
import type { Device } from '../kernel/device';
import { IPPROTO_UDP, type Ipv4Layer } from '../net/layers';
import { ipOf } from '../kernel/addr';
import { Tun } from '../kernel/devices/tun';
import type { Netns } from '../kernel/netns';
import { skbWith, type Skb } from '../kernel/skb';
import { emit as emitEvent, type Emit } from '../kernel/emit';
import { netifReceive } from '../kernel/receive';
import { sendL4 } from '../kernel/stack/transport';
import { LINK_DELAY_US } from '../kernel/timing';
import type { Machine, World } from '../kernel/world';
import { UserError } from '../util/errors';
import type { Store, WatchEvent } from './store';
import { annotateNode, KUBE_NET_CONF, KUBE_NODES, nodeEvent, nodeLeases, podCidrLease } from './flannel-kube';
import {
  chooseSubnet6,
  parseLease6,
  parseNetwork6Config,
  programPeer6,
  publicIp6,
  setupVxlan6,
  subnet6KeyPart,
  subnet6Text,
  unprogramPeer6,
  type Lease6,
  type Network6Config,
} from './flannel-v6';

/** The codes this module reports (kernel/message-codes.ts). */
const emit: Emit<'flanneld' | 'tun'> = emitEvent;

export const FLANNEL_CONFIG_KEY = '/coreos.com/network/config';
export const FLANNEL_SUBNETS = '/coreos.com/network/subnets/';
/** flannel's lease TTL (24 hours); it renews an hour before the end. */
export const LEASE_TTL_S = 24 * 3600;
export const UDP_PORT = 8285;

export interface FlanneldOptions {
  iface: string;
  /** Pin the lease (flannel would reuse the one in /run/flannel/subnet.env). */
  subnet?: string;
  /** Pin the IPv6 lease (subnet.env's FLANNEL_IPV6_SUBNET) when the config has EnableIPv6. */
  subnet6?: string;
  /** Add the FORWARD ACCEPT rules for the pod network (flannel >= 0.10). */
  forwardRules: boolean;
  /** --ip-masq: masquerade pod traffic leaving the pod network. */
  ipMasq: boolean;
  /** The VTEP MAC of flannel.N (flannel keeps it across restarts); generated when absent. */
  vtepMac?: string;
  /** The same for flannel-v6.N. */
  vtepMac6?: string;
  /** --kube-subnet-mgr: config, leases and peers from the Kubernetes API (flannel-kube.ts), not etcd. */
  kubeSubnetMgr?: boolean;
}

export interface NetworkConfig {
  network: { addr: number; len: number };
  subnetLen: number;
  subnetMin: number;
  subnetMax: number;
  backend: 'udp' | 'vxlan' | 'host-gw';
  vni: number;
  port?: number;
  directRouting: boolean;
  /** EnableIPv6: the IPv6Network and its lease range (dual-stack). */
  ipv6?: Network6Config;
  /** Which values flannel filled in itself (shown in the trace). */
  defaults: { subnetLen: boolean; range: boolean; backend: boolean };
}

/** Runs a command line as the controller on its machine; returns whether it succeeded. */
export type Exec = (line: string, origin: string) => { ok: boolean; output: string };

/** flanneld's configuration cannot work: it logs this and exits, as flanneld does. */
export class ConfigError extends UserError {
  constructor(message: string) {
    super('scenario', message);
    this.name = 'ConfigError';
  }
}

/**
 * flannel's ParseConfig + CheckNetworkConfig (pkg/subnet/config.go): SubnetLen defaults to
 * 24 when the network is a /22 or larger, else to the network's prefix + 2 (four subnets);
 * SubnetMin skips the first subnet (its address is the network's own), SubnetMax is the
 * last; a missing Backend means udp. `defaults` records which values flannel filled in.
 */
export function parseNetworkConfig(text: string): NetworkConfig {
  let j: Record<string, unknown>;
  try {
    j = JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    throw new ConfigError(`failed to parse network config: ${(e as Error).message}`);
  }
  const net = typeof j.Network === 'string' ? parseCidr(j.Network) : null;
  if (!net) throw new ConfigError('please define a correct Network parameter in the flannel config');
  const network = { addr: (net.addr & maskOf(net.len)) >>> 0, len: net.len };
  const subnetLen = configSubnetLen(j.SubnetLen, network.len);
  const step = 2 ** (32 - subnetLen);
  const parse = (k: string): number | undefined => {
    const v = j[k];
    if (v === undefined) return undefined;
    const ip = typeof v === 'string' ? parseCidr(v.includes('/') ? v : `${v}/32`) : null;
    if (!ip) throw new ConfigError(`${k} is not a valid address`);
    if (!inPrefix(ip.addr, network.addr, network.len))
      throw new ConfigError(`${k} is not in the range of the Network`);
    if ((ip.addr & maskOf(subnetLen)) >>> 0 !== ip.addr >>> 0)
      throw new ConfigError(`${k} is not on a SubnetLen boundary: ${formatIp(ip.addr)}`);
    return ip.addr >>> 0;
  };
  const last = (network.addr + 2 ** (32 - network.len) - step) >>> 0;
  const min = parse('SubnetMin');
  const max = parse('SubnetMax');
  const b = j.Backend === undefined ? undefined : ((j.Backend ?? {}) as Record<string, unknown>);
  const type = b === undefined ? 'udp' : typeof b.Type === 'string' ? b.Type : '';
  if (type !== 'udp' && type !== 'vxlan' && type !== 'host-gw')
    throw new ConfigError(`failed to create backend: unknown backend type: ${type}`);
  return {
    network,
    subnetLen,
    subnetMin: min ?? (network.addr + step) >>> 0,
    subnetMax: max ?? last,
    backend: type,
    vni: typeof b?.VNI === 'number' ? b.VNI : 1,
    ...(typeof b?.Port === 'number' ? { port: b.Port } : {}),
    directRouting: b?.DirectRouting === true,
    ...withIpv6(parseNetwork6Config(j)),
    defaults: {
      subnetLen: j.SubnetLen === undefined,
      range: min === undefined && max === undefined,
      backend: b === undefined,
    },
  };
}

const withIpv6 = (v6: Network6Config | undefined): { ipv6?: Network6Config } => (v6 ? { ipv6: v6 } : {});

function configSubnetLen(v: unknown, netLen: number): number {
  if (v === undefined || v === 0) {
    if (netLen > 28) throw new ConfigError('network is too small. Minimum useful network prefix is /28');
    return netLen <= 22 ? 24 : netLen + 2;
  }
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new ConfigError('SubnetLen is not a number');
  if (v > 30) throw new ConfigError('SubnetLen must be less than /31');
  if (v < netLen + 2) throw new ConfigError('network must be able to accommodate at least four subnets');
  return v;
}

/** flannel collects at most this many free subnets and picks one of them at random. */
const PICK_WINDOW = 100;

/**
 * A deterministic stand-in for flannel's time-seeded math/rand: FNV-1a of a seed string,
 * then one xorshift round. The same scenario always picks the same subnet.
 */
export function seededIndex(seed: string, n: number): number {
  let h = 2166136261;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 16777619) >>> 0;
  h ^= h << 13;
  h ^= h >>> 17;
  h ^= h << 5;
  return (h >>> 0) % n;
}

interface Lease {
  subnet: { addr: number; len: number };
  publicIp: number;
  backend: string;
  vtepMac?: string;
  /** The IPv6 half of a dual-stack lease. */
  v6?: Lease6;
}

/** MakeSubnetKey: `10.244.1.0-24`, with `&fd00:10:244:1::-64` appended for a dual-stack lease. */
const subnetKey = (s: { addr: number; len: number }, v6?: Lease6): string =>
  `${FLANNEL_SUBNETS}${formatIp(s.addr)}-${s.len}${v6 ? `&${subnet6KeyPart(v6.subnet)}` : ''}`;
const subnetText = (s: { addr: number; len: number }): string => `${formatIp(s.addr)}/${s.len}`;

function parseLease(key: string, value: string): Lease | undefined {
  const m = /subnets\/(\d+\.\d+\.\d+\.\d+)-(\d+)(?:&([a-f\d:]+-\d+))?$/.exec(key);
  if (!m) return undefined;
  const c = parseCidr(`${m[1]}/${m[2]}`);
  if (!c) return undefined;
  try {
    const j = JSON.parse(value) as {
      PublicIP?: string;
      BackendType?: string;
      BackendData?: { VtepMAC?: string };
    };
    const pub = j.PublicIP ? parseCidr(`${j.PublicIP}/32`) : null;
    if (!pub) return undefined;
    const v6 = parseLease6(m[3], j as Record<string, unknown>);
    return {
      subnet: c,
      publicIp: pub.addr,
      backend: j.BackendType ?? 'udp',
      ...(j.BackendData?.VtepMAC ? { vtepMac: j.BackendData.VtepMAC } : {}),
      ...(v6 ? { v6 } : {}),
    };
  } catch {
    return undefined;
  }
}

export class Flanneld {
  private lease?: Lease;
  private cfg?: NetworkConfig;
  private renewal?: { cancel(): void };
  /** The open watch on the leases; a stopped flanneld has none, so it hears nothing. */
  private watching?: { cancel(): void };
  /** The subnet flanneld wrote to /run/flannel/subnet.env last time (its "previous subnet"). */
  private previous?: { addr: number; len: number };
  /** FLANNEL_IPV6_SUBNET from the last run's subnet.env. */
  private previous6?: string;
  private readonly ns: Netns;
  private readonly who: string;
  /** Leases of other nodes this flanneld has programmed, by store key. */
  private readonly known = new Map<string, Lease>();
  running = false;
  /** Set once the first start has created the device, the rules and the watch (a restart keeps them). */
  private configured = false;

  constructor(
    private readonly world: World,
    private readonly machine: Machine,
    private readonly store: Store,
    private readonly opts: FlanneldOptions,
    private readonly exec: Exec,
  ) {
    this.ns = machine.root;
    this.who = `flanneld on ${machine.name}`;
  }

  get subnet(): string | undefined {
    return this.lease ? subnetText(this.lease.subnet) : undefined;
  }

  /** Start: config, lease, backend, existing leases, then watch. Throws ConfigError as flanneld would exit. */
  start(): void {
    if (this.running) return;
    emit(this.ns, { kind: 'control', code: 'flanneld.start', args: { who: this.who } });
    const kube = this.opts.kubeSubnetMgr === true;
    const cfg = this.readConfig(kube);
    const dev = this.ns.device(this.opts.iface);
    const pub = dev?.addrs.find((a) => !a.secondary)?.addr;
    if (!dev || pub === undefined)
      throw new ConfigError(`failed to find interface ${this.opts.iface} with an IPv4 address`);
    const subnet = this.chooseSubnet(cfg, pub);
    const own = `${this.who}, for its own lease ${subnetText(subnet)}`;
    const vtepMac = this.setupBackend(cfg, dev, pub, subnet, own);
    const v6 = this.startV6(cfg, dev, subnet, own);
    const lease: Lease = {
      subnet,
      publicIp: pub,
      backend: cfg.backend,
      ...(vtepMac ? { vtepMac } : {}),
      ...(v6 ? { v6 } : {}),
    };
    this.lease = lease;
    this.previous = subnet;
    this.writeLease();
    // The host rules are added once per process; a restart finds them already there.
    if (this.opts.forwardRules && !this.configured) this.addForwardRules(cfg, own);
    if (this.opts.ipMasq && !this.configured) this.addMasqRules(cfg, own);
    this.running = true;
    for (const e of this.leaseEntries()) this.onLease({ action: 'set', key: e.key, value: e.value });
    this.watchLeases(kube);
    this.configured = true;
  }

  /** The network config from the store (net-conf.json under kube, else the etcd key); a missing one is fatal. */
  private readConfig(kube: boolean): NetworkConfig {
    const cfgEntry = this.store.get(kube ? KUBE_NET_CONF : FLANNEL_CONFIG_KEY, this.ns, this.who);
    if (!cfgEntry)
      throw new ConfigError(
        kube
          ? 'failed to read net conf: open /etc/kube-flannel/net-conf.json: no such file or directory'
          : `failed to retrieve network config: 100: Key not found (${FLANNEL_CONFIG_KEY})`,
      );
    const cfg = parseNetworkConfig(cfgEntry.value);
    this.cfg = cfg;
    this.explainConfig(cfg);
    return cfg;
  }

  /** The backend's device (flannel.VNI for vxlan, flannel0 for udp); returns the VTEP MAC for vxlan. */
  private setupBackend(
    cfg: NetworkConfig,
    dev: Device,
    pub: number,
    subnet: { addr: number; len: number },
    own: string,
  ): string | undefined {
    const restart =
      cfg.backend === 'vxlan' ? this.ns.device(`flannel.${cfg.vni}`) : this.ns.device('flannel0');
    if (restart) {
      // A restarted flanneld finds its device still there and keeps it (and its VTEP MAC).
      return cfg.backend === 'vxlan' ? restart.mac : undefined;
    }
    if (cfg.backend === 'vxlan') {
      const port = cfg.port !== undefined ? ` dstport ${cfg.port}` : ' dstport 8472';
      const addr = this.opts.vtepMac ? ` address ${this.opts.vtepMac}` : '';
      this.run(
        `ip link add flannel.${cfg.vni}${addr} type vxlan id ${cfg.vni} local ${formatIp(pub)} dev ${this.opts.iface} nolearning${port}`,
        own,
      );
      this.run(`ip addr add ${formatIp(subnet.addr)}/32 dev flannel.${cfg.vni}`, own);
      this.run(`ip link set flannel.${cfg.vni} up`, own);
      return this.ns.device(`flannel.${cfg.vni}`)?.mac;
    }
    if (cfg.backend === 'udp') {
      this.run('ip tuntap add dev flannel0 mode tun', own);
      this.run(`ip addr add ${formatIp(subnet.addr)}/${cfg.network.len} dev flannel0`, own);
      this.run(`ip link set flannel0 mtu ${dev.mtu - 28}`, own);
      this.startUdpDatapath(pub);
      this.run('ip link set flannel0 up', own);
    }
    return undefined;
  }

  /** --iptables-forward-rules: ACCEPT the flannel network both ways in FORWARD. */
  private addForwardRules(cfg: NetworkConfig, own: string): void {
    const n = subnetText(cfg.network);
    this.run(`iptables -A FORWARD -s ${n} -m comment --comment "flanneld forward" -j ACCEPT`, own);
    this.run(`iptables -A FORWARD -d ${n} -m comment --comment "flanneld forward" -j ACCEPT`, own);
    if (cfg.ipv6) {
      // SetupAndEnsureForwardRules does the same for the IPv6Network with ip6tables.
      const n6 = subnet6Text(cfg.ipv6.network);
      this.run(`ip6tables -A FORWARD -s ${n6} -m comment --comment "flanneld forward" -j ACCEPT`, own);
      this.run(`ip6tables -A FORWARD -d ${n6} -m comment --comment "flanneld forward" -j ACCEPT`, own);
    }
  }

  /** --ip-masq: no NAT inside the flannel network, MASQUERADE out of it (multicast excepted). */
  private addMasqRules(cfg: NetworkConfig, own: string): void {
    const n = subnetText(cfg.network);
    this.run(
      `iptables -t nat -A POSTROUTING -s ${n} -d ${n} -m comment --comment "flanneld masq" -j RETURN`,
      own,
    );
    this.run(
      `iptables -t nat -A POSTROUTING -s ${n} ! -d 224.0.0.0/4 -m comment --comment "flanneld masq" -j MASQUERADE --random-fully`,
      own,
    );
  }

  /** Watches the leases: the Node objects under kube, else the etcd subnets prefix. */
  private watchLeases(kube: boolean): void {
    this.watching = kube
      ? this.store.watch(KUBE_NODES, this.ns, this.who, (e) => {
          const lease = nodeEvent(e, FLANNEL_SUBNETS);
          if (lease) this.onLease(lease);
        })
      : this.store.watch(FLANNEL_SUBNETS, this.ns, this.who, (e) => this.onLease(e));
  }

  /**
   * EnableIPv6: the IPv6 lease (the one this node already holds, else subnet.env's, else a free
   * one) and, for vxlan, flannel-v6.N; a restarted flanneld keeps the device and its MAC.
   */
  private startV6(
    cfg: NetworkConfig,
    dev: Device,
    subnet: { addr: number; len: number },
    own: string,
  ): Lease6 | undefined {
    if (!cfg.ipv6) return undefined;
    if (this.opts.kubeSubnetMgr)
      throw new ConfigError('EnableIPv6 with --kube-subnet-mgr (Node.spec.podCIDRs) is not modelled');
    const pub = publicIp6(dev);
    const leases = this.leaseEntries().flatMap((e) => parseLease(e.key, e.value) ?? []);
    const held = leases.find((l) => l.subnet.addr === subnet.addr)?.v6;
    const others = leases.filter((l) => l.subnet.addr !== subnet.addr).flatMap((l) => l.v6?.subnet ?? []);
    const pinned = this.previous6 ?? this.opts.subnet6;
    const sub6 =
      held?.subnet ??
      chooseSubnet6(cfg.ipv6, others, pinned, (n) =>
        seededIndex(`${this.world.seed}/${this.machine.name}/v6`, n),
      );
    this.previous6 = subnet6Text(sub6);
    const args = { who: this.who, subnet: subnet6Text(sub6), ip: formatIp6(pub) };
    emit(this.ns, { kind: 'control', code: 'flanneld.lease6', args });
    if (cfg.backend !== 'vxlan') return { subnet: sub6, publicIp: pub };
    const name = `flannel-v6.${cfg.vni}`;
    const existing = this.ns.device(name);
    if (!existing) {
      const run = (line: string): boolean => this.run(line, own);
      const o = { vni: cfg.vni, port: cfg.port ?? 8472, iface: dev, pub, subnet: sub6 };
      setupVxlan6(run, this.opts.vtepMac6 ? { ...o, mac: this.opts.vtepMac6 } : o);
    }
    const mac = this.ns.device(name)?.mac;
    return { subnet: sub6, publicIp: pub, ...(mac ? { vtepMac: mac } : {}) };
  }

  /** Stop renewing (flanneld stopped): the lease will expire on its own. */
  stop(): void {
    this.running = false;
    this.renewal?.cancel();
    this.watching?.cancel();
    this.watching = undefined;
    emit(this.ns, {
      kind: 'control',
      code: 'flanneld.stop',
      args: { who: this.who, subnet: this.subnet ?? '' },
    });
  }

  /**
   * When a stop has fully played out: the simulated time (µs) at which the lease this
   * flanneld no longer renews expires, or undefined when it holds none.
   */
  settleAt(): number | undefined {
    if (!this.lease || this.opts.kubeSubnetMgr) return undefined;
    const key = subnetKey(this.lease.subnet, this.lease.v6);
    return this.store.list(key).find((e) => e.key === key)?.expires;
  }

  /** What flannel filled in for itself, as events: SubnetLen, the lease range, the backend. */
  private explainConfig(cfg: NetworkConfig): void {
    const who = this.who;
    const network = subnetText(cfg.network);
    const len = cfg.subnetLen;
    const lenCode = !cfg.defaults.subnetLen
      ? 'flanneld.cfg-len'
      : cfg.network.len <= 22
        ? 'flanneld.cfg-len-default'
        : 'flanneld.cfg-len-small';
    emit(this.ns, { kind: 'control', code: lenCode, args: { who, network, len } });
    emit(this.ns, {
      kind: 'control',
      code: cfg.defaults.range ? 'flanneld.cfg-range-default' : 'flanneld.cfg-range',
      args: { who, min: formatIp(cfg.subnetMin), max: formatIp(cfg.subnetMax), len },
    });
    emit(this.ns, {
      kind: 'control',
      code: cfg.defaults.backend ? 'flanneld.cfg-backend-default' : 'flanneld.cfg-backend',
      args: { who, type: cfg.backend },
    });
  }

  /**
   * flannel's tryAcquireLease: the lease already held for this node's public IP; else the
   * previous subnet from /run/flannel/subnet.env if nobody holds it; else one picked at
   * random among the first 100 free subnets from SubnetMin to SubnetMax (allocateSubnet).
   */
  private chooseSubnet(cfg: NetworkConfig, pub: number): { addr: number; len: number } {
    if (this.opts.kubeSubnetMgr) {
      const r = podCidrLease(this.store, this.machine.name, cfg.network, this.ns, this.who);
      if (!r.ok) throw new ConfigError(r.error);
      const args = { who: this.who, subnet: subnetText(r.subnet), node: this.machine.name };
      emit(this.ns, { kind: 'control', code: 'flanneld.lease-podcidr', args });
      return r.subnet;
    }
    const taken = new Map<number, Lease>();
    for (const e of this.leaseEntries()) {
      const l = parseLease(e.key, e.value);
      if (l) taken.set(l.subnet.addr >>> 0, l);
    }
    const who = this.who;
    const fits = (c: { addr: number; len: number }): boolean =>
      c.len === cfg.subnetLen && inPrefix(c.addr, cfg.network.addr, cfg.network.len);
    for (const l of taken.values())
      if (l.publicIp === pub && fits(l.subnet)) {
        const args = { who, subnet: subnetText(l.subnet), ip: formatIp(pub) };
        emit(this.ns, { kind: 'control', code: 'flanneld.lease-reuse', args });
        return l.subnet;
      }
    const prev = this.previousSubnet(cfg);
    if (prev) {
      const held = taken.get(prev.addr >>> 0);
      const args = { who, subnet: subnetText(prev), holder: held ? formatIp(held.publicIp) : '' };
      emit(this.ns, {
        kind: 'control',
        code: held ? 'flanneld.lease-previous-taken' : 'flanneld.lease-previous',
        args,
      });
      if (!held) return prev;
    }
    const free: number[] = [];
    const step = 2 ** (32 - cfg.subnetLen);
    for (let a = cfg.subnetMin; a <= cfg.subnetMax && free.length < PICK_WINDOW; a += step)
      if (!taken.has(a >>> 0)) free.push(a >>> 0);
    if (free.length === 0) throw new ConfigError('failed to acquire lease: out of subnets');
    const addr = free[seededIndex(`${this.world.seed}/${this.machine.name}/${formatIp(pub)}`, free.length)]!;
    const subnet = { addr, len: cfg.subnetLen };
    emit(this.ns, {
      kind: 'control',
      code: 'flanneld.lease-pick',
      args: {
        who,
        min: formatIp(cfg.subnetMin),
        max: formatIp(cfg.subnetMax),
        free: free.length,
        subnet: subnetText(subnet),
      },
    });
    return subnet;
  }

  /** subnet.env's FLANNEL_SUBNET from the last run, or the scenario's pinned one on the first. */
  private previousSubnet(cfg: NetworkConfig): { addr: number; len: number } | undefined {
    if (this.previous) return this.previous;
    if (!this.opts.subnet) return undefined;
    const c = parseCidr(this.opts.subnet);
    if (!c || c.len !== cfg.subnetLen || !inPrefix(c.addr, cfg.network.addr, cfg.network.len))
      throw new ConfigError(
        `subnet ${this.opts.subnet} is not a /${cfg.subnetLen} of ${subnetText(cfg.network)}`,
      );
    return { addr: c.addr >>> 0, len: c.len };
  }

  /** The leases as (key, value): etcd's subnets, or the annotated Nodes in kube mode. */
  private leaseEntries(): { key: string; value: string }[] {
    return this.opts.kubeSubnetMgr
      ? nodeLeases(this.store, FLANNEL_SUBNETS)
      : this.store.list(FLANNEL_SUBNETS);
  }

  private writeLease(): void {
    const l = this.lease!;
    if (this.opts.kubeSubnetMgr) {
      const backendData = l.vtepMac ? `{"VNI":${this.cfg!.vni},"VtepMAC":"${l.vtepMac}"}` : undefined;
      annotateNode(
        this.store,
        this.machine.name,
        { publicIp: l.publicIp, backend: l.backend, ...(backendData ? { backendData } : {}) },
        this.ns,
        this.who,
      );
      return;
    }
    const data = l.vtepMac ? `,"BackendData":{"VNI":${this.cfg!.vni},"VtepMAC":"${l.vtepMac}"}` : '';
    // LeaseAttrs in field order: PublicIP, PublicIPv6, BackendType, BackendData, BackendV6Data.
    const pub6 = l.v6 ? `,"PublicIPv6":"${formatIp6(l.v6.publicIp)}"` : '';
    const data6 = l.v6?.vtepMac
      ? `,"BackendV6Data":{"VNI":${this.cfg!.vni},"VtepMAC":"${l.v6.vtepMac}"}`
      : '';
    const value = `{"PublicIP":"${formatIp(l.publicIp)}"${pub6},"BackendType":"${l.backend}"${data}${data6}}`;
    this.store.put(subnetKey(l.subnet, l.v6), value, { ttlS: LEASE_TTL_S, ns: this.ns, who: this.who });
    this.renewal?.cancel();
    this.renewal = this.world.sched.at((LEASE_TTL_S - 3600) * 1_000_000, () => {
      if (!this.running) return;
      emit(this.ns, {
        kind: 'control',
        code: 'flanneld.renew',
        args: { who: this.who, subnet: this.subnet ?? '' },
      });
      this.writeLease();
    });
  }

  private run(line: string, origin: string): boolean {
    const r = this.exec(line, origin);
    if (!r.ok)
      emit(this.ns, {
        kind: 'control',
        code: 'flanneld.error',
        args: { who: this.who, line, error: r.output },
      });
    return r.ok;
  }

  /**
   * flannel's ip.DirectRouting: the peer is reachable without a gateway when the route to its public
   * IP (a RouteGet, not the interface flanneld started with, which may be gone by now) has none.
   */
  private directRouting(ip: number): boolean {
    const rt = this.ns.routes.lookup(ip);
    if (!rt || rt.type !== 'unicast') {
      emit(this.ns, {
        kind: 'control',
        code: 'flanneld.error',
        args: {
          who: this.who,
          line: `ip route get ${formatIp(ip)}`,
          error: `couldn't lookup route to ${formatIp(ip)}: network is unreachable`,
        },
      });
      return false;
    }
    return rt.gateway === undefined;
  }

  /** A lease appeared, changed or went away: program or unprogram the route to it. */
  private onLease(e: WatchEvent): void {
    const cfg = this.cfg!;
    const own = this.lease!;
    if (e.action === 'set') {
      const l = parseLease(e.key, e.value ?? '');
      if (!l || l.subnet.addr === own.subnet.addr) return;
      this.known.set(e.key, l);
      const origin = `${this.who}, after the lease for ${subnetText(l.subnet)}`;
      const direct = cfg.backend === 'vxlan' && cfg.directRouting && this.directRouting(l.publicIp);
      if (cfg.backend === 'host-gw' || direct) {
        this.run(
          `ip route replace ${subnetText(l.subnet)} via ${formatIp(l.publicIp)} dev ${this.opts.iface}`,
          origin,
        );
      } else if (cfg.backend === 'vxlan' && l.vtepMac) {
        const v = `flannel.${cfg.vni}`;
        this.run(
          `ip route replace ${subnetText(l.subnet)} via ${formatIp(l.subnet.addr)} dev ${v} onlink`,
          origin,
        );
        this.run(
          `ip neigh replace ${formatIp(l.subnet.addr)} lladdr ${l.vtepMac} dev ${v} nud permanent`,
          origin,
        );
        // flannel's AddFDB is netlink.NeighSet (NLM_F_CREATE|NLM_F_REPLACE): `bridge fdb replace`, so a
        // restarted flanneld re-programs the leases it already had without an EEXIST.
        this.run(`bridge fdb replace ${l.vtepMac} dev ${v} dst ${formatIp(l.publicIp)}`, origin);
      }
      this.onLease6(l, origin, 'set');
      return;
    }
    const l = this.known.get(e.key) ?? parseLease(e.key, e.prev ?? '');
    if (!l || l.subnet.addr === own.subnet.addr) return;
    this.known.delete(e.key);
    const origin = `${this.who}, after the lease for ${subnetText(l.subnet)} ${e.action === 'expire' ? 'expired' : 'was deleted'}`;
    if (cfg.backend === 'udp') return;
    this.onLease6(l, origin, 'del');
    this.run(`ip route del ${subnetText(l.subnet)}`, origin);
    if (
      cfg.backend === 'vxlan' &&
      l.vtepMac &&
      this.ns.routes.lookup(l.subnet.addr)?.dev?.name !== this.opts.iface
    ) {
      const v = `flannel.${cfg.vni}`;
      this.run(`ip neigh del ${formatIp(l.subnet.addr)} dev ${v}`, origin);
      this.run(`bridge fdb del ${l.vtepMac} dev ${v} dst ${formatIp(l.publicIp)}`, origin);
    }
  }

  /**
   * The IPv6 half of a peer's lease, when both sides run dual-stack (handleSubnetEvents checks
   * event.Lease.EnableIPv6 and its own v6 device): host-gw, or vxlan with DirectRouting to a
   * peer whose PublicIPv6 is reachable without a gateway, route via that address.
   */
  private onLease6(l: Lease, origin: string, action: 'set' | 'del'): void {
    const cfg = this.cfg!;
    if (!l.v6 || !this.lease?.v6 || cfg.backend === 'udp') return;
    const run = (line: string): boolean => this.run(line, origin);
    const direct = cfg.backend === 'host-gw' || (cfg.directRouting && this.directRouting6(l.v6.publicIp));
    if (action === 'set') programPeer6(run, l.v6, { direct, iface: this.opts.iface, vni: cfg.vni });
    else unprogramPeer6(run, l.v6, { direct, vni: cfg.vni });
  }

  /** ip.DirectRouting for the PublicIPv6: the route to it has no gateway. */
  private directRouting6(ip: bigint): boolean {
    const rt = this.ns.routes6.lookup(ip);
    return rt?.type === 'unicast' && rt.gateway === undefined;
  }

  /**
   * The UDP backend's data path lives in flanneld itself: it reads each packet routed into
   * flannel0, finds the lease its destination falls in, and sends it as the payload of a
   * UDP datagram (port 8285) to that node's flanneld, which writes it back into its own
   * flannel0. Every packet crosses between kernel and user space twice on each node.
   */
  private startUdpDatapath(pub: number): void {
    const tun = this.ns.device('flannel0');
    if (!(tun instanceof Tun)) return;
    const ns = this.ns;
    tun.reader = {
      process: 'flanneld',
      read: (skb: Skb) => {
        const ip = skb.layers[0] as Ipv4Layer;
        const dst = ipOf(ip.dst);
        let hit: Lease | undefined;
        for (const e of this.leaseEntries()) {
          const l = parseLease(e.key, e.value);
          if (l && inPrefix(dst, l.subnet.addr, l.subnet.len)) hit = l;
        }
        if (!hit || hit.publicIp === pub) {
          emit(ns, {
            kind: 'drop',
            skb,
            reason: 'FLANNEL_NO_LEASE',
            code: 'flanneld.no-lease',
            args: { who: this.who, dst: ip.dst },
          });
          return;
        }
        emit(ns, {
          kind: 'userspace',
          skb,
          code: 'flanneld.udp-send',
          args: {
            who: this.who,
            dst: ip.dst,
            subnet: subnetText(hit.subnet),
            node: formatIp(hit.publicIp),
            port: UDP_PORT,
          },
        });
        sendL4(
          ns,
          { local: pub, lport: UDP_PORT, remote: hit.publicIp, rport: UDP_PORT },
          { proto: 'udp', sport: UDP_PORT, dport: UDP_PORT },
          skb.payload,
          'flanneld',
          skb.layers,
        );
      },
    };
    ns.sockets.listen({
      proto: 'udp',
      addr: 0,
      port: UDP_PORT,
      process: 'flanneld',
      reply: 0,
      onDatagram: (skb: Skb) => {
        const inner = skbWith(skb, {
          layers: skb.layers.slice(2),
          ct: undefined,
          brnf: undefined,
          physIn: undefined,
        });
        if (inner.layers[0]?.proto !== 'ipv4' || (skb.layers[0] as Ipv4Layer).protocol !== IPPROTO_UDP)
          return;
        emit(ns, {
          kind: 'userspace',
          skb: inner,
          code: 'flanneld.udp-recv',
          args: { who: this.who, from: (skb.layers[0] as Ipv4Layer).src },
        });
        emit(ns, {
          kind: 'userspace',
          dev: tun,
          skb: inner,
          code: 'tun.write',
          args: { process: 'flanneld', dev: tun.name },
        });
        this.world.sched.at(LINK_DELAY_US, () => netifReceive(tun, inner));
      },
    });
  }
}
