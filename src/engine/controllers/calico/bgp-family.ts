/**
 * What BIRD needs to know about an address family to export routes to the kernel: how to
 * print addresses, which `ip` command writes the family's routes, and what the kernel's
 * tables already hold. calico-node runs BIRD for IPv4 and a second daemon, bird6, for IPv6;
 * both speak the same BGP, but an IPv6 route's next hop is the peer's IPv6 address and it is
 * never put into tunl0 (IPIP carries IPv4 only).
 */
import { formatIp, inPrefix, maskOf } from '../../net/ipv4';
import { formatIp6, inPrefix6, networkOf6 } from '../../net/ipv6';
import type { Netns } from '../../kernel/netns';
import { TABLE_MAIN } from '../../kernel/routes';
import { RT6_TABLE_MAIN } from '../../kernel/route6';

export interface Prefix<A> {
  addr: A;
  len: number;
}

/** The part of a kernel route BIRD compares with what it would write. */
export interface KernelRoute<A> {
  proto: string;
  gateway?: A;
  dev?: string;
}

export interface BgpFamily<A> {
  /** The daemon's name in events (`bird`, `bird6`). */
  readonly daemon: string;
  /** The command that writes this family's routes (`ip route`, `ip -6 route`). */
  readonly ipRoute: string;
  /** Whether routes may go into tunl0 (IPIP is IPv4 only). */
  readonly tunnels: boolean;
  format(a: A): string;
  inPrefix(a: A, net: A, len: number): boolean;
  network(a: A, len: number): A;
  /** The main table's route to exactly this prefix, whoever wrote it. */
  route(ns: Netns, p: Prefix<A>): KernelRoute<A> | undefined;
  /** The route the kernel would take to `a`: its type, gateway and protocol. */
  lookup(ns: Netns, a: A): { type: string; gateway?: A; proto: string } | undefined;
}

export const cidrOf = <A>(f: BgpFamily<A>, p: Prefix<A>): string => `${f.format(p.addr)}/${p.len}`;

export const IPV4: BgpFamily<number> = {
  daemon: 'bird',
  ipRoute: 'ip route',
  tunnels: true,
  format: formatIp,
  inPrefix,
  network: (a, len) => (a & maskOf(len)) >>> 0,
  route: (ns, p) => {
    const r = ns.routes.findSame({ table: TABLE_MAIN, dst: p.addr, len: p.len, metric: 0 });
    return r && { proto: r.proto, gateway: r.gateway, dev: r.dev?.name };
  },
  lookup: (ns, a) => ns.routes.lookup(a),
};

/** `ip -6 route add` gives a route metric 1024 when none is named (IP6_RT_PRIO_USER), as BIRD's are. */
export const IPV6: BgpFamily<bigint> = {
  daemon: 'bird6',
  ipRoute: 'ip -6 route',
  tunnels: false,
  format: formatIp6,
  inPrefix: inPrefix6,
  network: networkOf6,
  route: (ns, p) => {
    const r = ns.routes6.find(
      (x) => x.table === RT6_TABLE_MAIN && x.dst === p.addr && x.len === p.len && x.metric === 1024,
    );
    return r && { proto: r.proto, gateway: r.gateway, dev: r.dev?.name };
  },
  lookup: (ns, a) => ns.routes6.lookup(a),
};
