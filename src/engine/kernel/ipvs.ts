/**
 * IPVS (net/netfilter/ipvs), the in-kernel load balancer kube-proxy's IPVS mode uses:
 * virtual services (VIP:port and a scheduler) with real servers, and the connections made
 * through them (ip_vs_ctl.c's tables, which ipvsadm writes). The packet path that uses
 * them (ip_vs_in, ip_vs_out) is stack/ipvs.ts: the namespace holds these tables, so they sit
 * in the kernel core below the stack.
 */
import { formatIp } from '../net/ipv4';

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
  /**
   * Bumped whenever a service, its scheduler or its real servers change (add, remove, clear,
   * and every ipvsadm call through edited): a snapshot of the services stays valid while it holds.
   */
  serial = 0;

  /** The services were changed in place (ipvsadm -E, -a, -e, -d). */
  edited(): void {
    this.serial++;
  }

  find(proto: string, vip: number, port: number): VirtualService | undefined {
    return this.index.get(`${proto} ${vip} ${port}`);
  }

  add(vs: VirtualService): void {
    this.services.push(vs);
    this.serial++;
    this.index.set(`${vs.proto} ${vs.vip} ${vs.port}`, vs);
  }

  remove(vs: VirtualService): void {
    const i = this.services.indexOf(vs);
    if (i >= 0) this.services.splice(i, 1);
    this.serial++;
    this.index.delete(`${vs.proto} ${vs.vip} ${vs.port}`);
  }

  clear(): void {
    this.services.splice(0);
    this.serial++;
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
