/**
 * IPVS (net/netfilter/ipvs), the in-kernel load balancer kube-proxy's IPVS mode uses:
 * virtual services (VIP:port and a scheduler) with real servers. A packet delivered
 * locally to a VIP is given to a real server (NAT: the destination is rewritten) and sent
 * on; the server's replies, forwarded back through this node, get the VIP as their source.
 */
import { formatIp } from '../net/ipv4';
import type { Ipv4Layer, TcpLayer, UdpLayer } from '../net/layers';
import { ipOf } from './addr';
import type { Device } from './device';
import type { Netns } from './netns';
import { patchLayer, type Skb } from './skb';
import { emit as emitEvent, type Emit } from './stack/emit';
import { ipOutput, routeOutput } from './stack/output';

/** The codes this module reports (kernel/message-codes.ts). */
const emit: Emit<'ipvs' | 'route'> = emitEvent;

export interface RealServer {
  ip: number;
  port: number;
  weight: number;
  method: 'masq' | 'route' | 'tunnel';
}

export interface VirtualService {
  proto: 'tcp' | 'udp';
  vip: number;
  port: number;
  scheduler: string;
  reals: RealServer[];
  /** Round-robin position. */
  next: number;
  origin: string;
}

interface Conn {
  proto: 'tcp' | 'udp';
  client: { ip: number; port: number };
  vs: VirtualService;
  real: RealServer;
}

/** The three lines `ipvsadm -Ln` starts with. */
export const IPVS_HEADER: readonly string[] = [
  'IP Virtual Server version 1.2.1 (size=4096)',
  'Prot LocalAddress:Port Scheduler Flags',
  '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn',
];

/** A virtual service's line in `ipvsadm -Ln` (also the row an IPVS decision names). */
export function serviceRow(vs: VirtualService, scheduler = vs.scheduler): string {
  return `${vs.proto.toUpperCase()}  ${formatIp(vs.vip)}:${vs.port} ${scheduler}`;
}

/** A real server's line in `ipvsadm -Ln`, with its active connections. */
export function realRow(r: RealServer, active: number): string {
  const fwd = r.method === 'masq' ? 'Masq' : r.method === 'route' ? 'Route' : 'Tunnel';
  return `  -> ${`${formatIp(r.ip)}:${r.port}`.padEnd(28)}${fwd.padEnd(8)}${String(r.weight).padEnd(7)}${String(active).padEnd(11)}0`;
}

export class Ipvs {
  /** In the order added; change it through add, remove and clear (they keep the index). */
  readonly services: VirtualService[] = [];
  readonly conns: Conn[] = [];
  /** A flow may pin which real server the scheduler picks (by its address). */
  pin?: string;
  /**
   * The services by proto, VIP and port, as ip_vs_ctl.c hashes them (ip_vs_svc_table): a
   * packet or an ipvsadm call finds its service without walking 10,000 of them.
   */
  private readonly index = new Map<string, VirtualService>();

  find(proto: string, vip: number, port: number): VirtualService | undefined {
    return this.index.get(`${proto} ${vip} ${port}`);
  }

  add(vs: VirtualService): void {
    this.services.push(vs);
    this.index.set(`${vs.proto} ${vs.vip} ${vs.port}`, vs);
  }

  remove(vs: VirtualService): void {
    const i = this.services.indexOf(vs);
    if (i >= 0) this.services.splice(i, 1);
    this.index.delete(`${vs.proto} ${vs.vip} ${vs.port}`);
  }

  clear(): void {
    this.services.splice(0);
    this.index.clear();
  }

  /** `ipvsadm -Ln` */
  rows(): string[] {
    const out = IPVS_HEADER.slice();
    for (const s of this.services) {
      out.push(serviceRow(s));
      for (const r of s.reals)
        out.push(realRow(r, this.conns.filter((c) => c.vs === s && c.real === r).length));
    }
    return out;
  }

  /** The scheduler's choice (rr and wrr with equal weights behave alike; others fall back to rr). */
  schedule(vs: VirtualService): RealServer | undefined {
    const live = vs.reals.filter((r) => r.weight > 0);
    if (live.length === 0) return undefined;
    if (this.pin) {
      const p = live.find((r) => formatIp(r.ip) === this.pin);
      if (p) return p;
    }
    const r = live[vs.next % live.length]!;
    vs.next = (vs.next + 1) % live.length;
    return r;
  }
}

function l4Ports(skb: Skb): { proto: 'tcp' | 'udp'; sport: number; dport: number } | undefined {
  const l4 = skb.layers[1];
  if (l4?.proto === 'tcp' || l4?.proto === 'udp')
    return {
      proto: l4.proto,
      sport: (l4 as TcpLayer | UdpLayer).sport,
      dport: (l4 as TcpLayer | UdpLayer).dport,
    };
  return undefined;
}

/** ip_vs_in at LOCAL_IN: a packet for a virtual service goes to a real server. Returns true when IPVS took it. */
export function ipvsIn(dev: Device, skb: Skb): boolean {
  const ns = dev.netns;
  const ipvs = ns.ipvs;
  if (!ipvs) return false;
  const ip = skb.layers[0] as Ipv4Layer;
  const p = l4Ports(skb);
  if (!p) return false;
  const vs = ipvs.find(p.proto, ipOf(ip.dst), p.dport);
  if (!vs) return false;
  const client = { ip: ipOf(ip.src), port: p.sport };
  let conn = ipvs.conns.find(
    (c) => c.proto === p.proto && c.client.ip === client.ip && c.client.port === client.port && c.vs === vs,
  );
  const odds = vs.reals.length > 0 ? Math.round(100 / vs.reals.length) : 0;
  if (!conn) {
    ipvs.pin = ns.world.pinEndpoint;
    const real = ipvs.schedule(vs);
    if (!real) {
      emit(ns, {
        kind: 'drop',
        dev,
        skb,
        reason: 'NETFILTER_DROP',
        code: 'drop.ipvs-no-real',
        args: { vip: `${ip.dst}:${p.dport}` },
      });
      return true;
    }
    conn = { proto: p.proto, client, vs, real };
    ipvs.conns.push(conn);
    ns.changed('ipvs');
    emit(ns, {
      kind: 'netfilter',
      dev,
      skb,
      decidedBy: {
        table: 'ipvs',
        row: serviceRow(vs),
      },
      code: 'ipvs.schedule',
      args: {
        vip: `${ip.dst}:${p.dport}`,
        real: `${formatIp(real.ip)}:${real.port}`,
        scheduler: vs.scheduler,
        odds,
        n: vs.reals.length,
      },
    });
  }
  const real = conn.real;
  let out = patchLayer<Ipv4Layer>(skb, 0, { dst: formatIp(real.ip) });
  out = patchLayer<TcpLayer>(out, 1, { dport: real.port });
  emit(ns, {
    kind: 'nat',
    dev,
    skb: out,
    code: 'ipvs.dnat',
    args: { from: `${ip.dst}:${p.dport}`, to: `${formatIp(real.ip)}:${real.port}` },
  });
  const res = routeOutput(ns, real.ip, {});
  if (!res.ok) {
    emit(ns, {
      kind: 'drop',
      dev,
      skb: out,
      reason: 'IP_OUTNOROUTES',
      code: 'drop.no-route-output',
      args: { dst: formatIp(real.ip) },
    });
    return true;
  }
  ipOutput(ns, out, res.dev, res.nexthop, 'forward');
  return true;
}

/** ip_vs_out on the forward path: a real server's reply gets the virtual service as its source again. */
export function ipvsOut(ns: Netns, skb: Skb): Skb {
  const ipvs = ns.ipvs;
  if (!ipvs || ipvs.conns.length === 0) return skb;
  const ip = skb.layers[0] as Ipv4Layer;
  const p = l4Ports(skb);
  if (!p) return skb;
  const src = ipOf(ip.src);
  const dst = ipOf(ip.dst);
  const conn = ipvs.conns.find(
    (c) =>
      c.proto === p.proto &&
      c.real.ip === src &&
      c.real.port === p.sport &&
      c.client.ip === dst &&
      c.client.port === p.dport,
  );
  if (!conn) return skb;
  let out = patchLayer<Ipv4Layer>(skb, 0, { src: formatIp(conn.vs.vip) });
  out = patchLayer<TcpLayer>(out, 1, { sport: conn.vs.port });
  emit(ns, {
    kind: 'nat',
    skb: out,
    code: 'ipvs.unnat',
    args: { from: `${ip.src}:${p.sport}`, to: `${formatIp(conn.vs.vip)}:${conn.vs.port}` },
  });
  return out;
}
