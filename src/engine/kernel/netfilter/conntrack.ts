/**
 * Connection tracking (nf_conntrack) for one namespace: entries keyed by their original
 * and reply tuples, the state a packet gets (NEW, ESTABLISHED, RELATED), NAT bindings
 * set up on a connection's first packet, and `conntrack -L` rows.
 */
import { formatIp } from '../../net/ipv4';
import { formatIp6, parseIp6 } from '../../net/ipv6';
import {
  IPPROTO_ICMP,
  IPPROTO_ICMPV6,
  type Icmpv6Layer,
  type Ipv6Layer,
  IPPROTO_TCP,
  IPPROTO_UDP,
  type IcmpLayer,
  type Ipv4Layer,
  type Layer,
  type TcpLayer,
  type UdpLayer,
} from '../../net/layers';
import { ipOf } from '../addr';

export interface Tuple {
  src: number;
  dst: number;
  proto: number;
  /** TCP/UDP source port, or the ICMP echo id. */
  sport: number;
  /** TCP/UDP destination port, or the ICMP type (8 for echo request, 0 for reply). */
  dport: number;
  /**
   * An IPv6 tuple's addresses (nf_conntrack_tuple's u3 holds either family); src and dst
   * are then 0. ICMPv6 echo ids go in sport, the type (128 request, 129 reply) in dport.
   */
  v6?: { src: bigint; dst: bigint };
}

export type Dir = 'orig' | 'reply';

export interface CtEntry {
  id: number;
  orig: Tuple;
  reply: Tuple;
  confirmed: boolean;
  seenReply: boolean;
  assured: boolean;
  /** NAT bindings made on the first packet (IPS_SRC_NAT / IPS_DST_NAT). */
  srcNat: boolean;
  dstNat: boolean;
  natDone: { src: boolean; dst: boolean };
  tcpState?: 'SYN_SENT' | 'SYN_RECV' | 'ESTABLISHED' | 'FIN_WAIT' | 'LAST_ACK' | 'CLOSE' | 'TIME_WAIT';
  /** Direction of the first FIN seen, for the close handshake. */
  finDir?: Dir;
  mark: number;
}

export type CtInfo = 'NEW' | 'ESTABLISHED' | 'RELATED';

export const key = (t: Tuple): string =>
  t.v6
    ? `${t.proto}/[${t.v6.src}]:${t.sport}>[${t.v6.dst}]:${t.dport}`
    : `${t.proto}/${t.src >>> 0}:${t.sport}>${t.dst >>> 0}:${t.dport}`;

/** icmpv6_invert_tuple's invmap: echo request and reply, node information query and reply. */
const ICMPV6_INVMAP: Record<number, number> = { 128: 129, 129: 128, 139: 140, 140: 139 };

export function invert(t: Tuple): Tuple {
  if (t.v6) {
    const v6 = { src: t.v6.dst, dst: t.v6.src };
    if (t.proto === IPPROTO_ICMPV6)
      return { src: 0, dst: 0, proto: t.proto, sport: t.sport, dport: ICMPV6_INVMAP[t.dport] ?? t.dport, v6 };
    return { src: 0, dst: 0, proto: t.proto, sport: t.dport, dport: t.sport, v6 };
  }
  if (t.proto === IPPROTO_ICMP)
    return {
      src: t.dst,
      dst: t.src,
      proto: t.proto,
      sport: t.sport,
      dport: t.dport === 8 ? 0 : t.dport === 0 ? 8 : t.dport,
    };
  return { src: t.dst, dst: t.src, proto: t.proto, sport: t.dport, dport: t.sport };
}

/** The tuple of a packet whose layers start at its IPv4 header, if conntrack can track it. */
export function tupleOf(layers: Layer[]): Tuple | undefined {
  if (layers[0]?.proto === 'ipv6') return tupleOf6(layers);
  const ip = layers[0] as Ipv4Layer | undefined;
  if (!ip || ip.proto !== 'ipv4') return undefined;
  const l4 = layers[1];
  // Literals, not spreads of a shared base: V8 copies a spread that adds properties slowly.
  const src = ipOf(ip.src);
  const dst = ipOf(ip.dst);
  const proto = ip.protocol;
  if (l4?.proto === 'tcp' || l4?.proto === 'udp') {
    const sport = (l4 as TcpLayer | UdpLayer).sport;
    return { src, dst, proto, sport, dport: (l4 as TcpLayer | UdpLayer).dport };
  }
  if (l4?.proto === 'icmp') {
    const icmp = l4 as IcmpLayer;
    if (icmp.type === 8 || icmp.type === 0) return { src, dst, proto, sport: icmp.id ?? 0, dport: icmp.type };
    return undefined;
  }
  return { src, dst, proto, sport: 0, dport: 0 };
}

/**
 * icmpv6_pkt_to_tuple and nf_conntrack_icmpv6_packet: only an echo request (or a node
 * information query) may start a connection; a reply finds its request's entry. TCP and UDP
 * as for IPv4.
 */
function tupleOf6(layers: Layer[]): Tuple | undefined {
  const ip = layers[0] as Ipv6Layer;
  const v6 = { src: parseIp6(ip.src) ?? 0n, dst: parseIp6(ip.dst) ?? 0n };
  const l4 = layers[1];
  const proto = ip.next;
  if (l4?.proto === 'tcp' || l4?.proto === 'udp') {
    const p = l4 as TcpLayer | UdpLayer;
    return { src: 0, dst: 0, proto, sport: p.sport, dport: p.dport, v6 };
  }
  if (l4?.proto === 'icmpv6') {
    const m = l4 as Icmpv6Layer;
    if (ICMPV6_INVMAP[m.type] !== undefined)
      return { src: 0, dst: 0, proto, sport: m.id ?? 0, dport: m.type, v6 };
    return undefined;
  }
  return { src: 0, dst: 0, proto, sport: 0, dport: 0, v6 };
}

/**
 * noct_valid_new in nf_conntrack_proto_icmpv6.c: MLD, router and neighbour discovery
 * (types 130-136 and 143) are never tracked; nf_conntrack_icmpv6_error marks them
 * IP_CT_UNTRACKED, which `--ctstate UNTRACKED` and nft's `ct state untracked` see.
 */
export function isUntracked6(layers: Layer[]): boolean {
  const m = layers[0]?.proto === 'ipv6' ? layers[1] : undefined;
  return m?.proto === 'icmpv6' && ((m.type >= 130 && m.type <= 136) || m.type === 143);
}

export function isIcmpError(layers: Layer[]): boolean {
  const l4 = layers[1];
  // ICMPv6 errors are the types below 128 (icmpv6_error_message).
  if (l4?.proto === 'icmpv6') return l4.type < 128;
  return l4?.proto === 'icmp' && [3, 4, 5, 11, 12].includes((l4 as IcmpLayer).type);
}

/** nf_conntrack's default timeouts, in seconds. */
const TCP_TIMEOUTS: Record<NonNullable<CtEntry['tcpState']>, number> = {
  SYN_SENT: 120,
  SYN_RECV: 60,
  ESTABLISHED: 432000,
  FIN_WAIT: 120,
  LAST_ACK: 30,
  TIME_WAIT: 120,
  CLOSE: 10,
};
const TIMEOUTS = { udp: 30, udpStream: 120, icmp: 30, generic: 600 };

export class Conntrack {
  private byKey = new Map<string, { e: CtEntry; dir: Dir }>();
  readonly entries: CtEntry[] = [];
  private seq = 0;

  find(t: Tuple): { e: CtEntry; dir: Dir } | undefined {
    return this.byKey.get(key(t));
  }

  /** A new, unconfirmed entry for a packet no entry knows. */
  create(t: Tuple): CtEntry {
    return {
      id: ++this.seq,
      orig: t,
      reply: invert(t),
      confirmed: false,
      seenReply: false,
      assured: false,
      srcNat: false,
      dstNat: false,
      natDone: { src: false, dst: false },
      mark: 0,
    };
  }

  /** Is this tuple already used by a confirmed connection (nf_nat_used_tuple)? */
  inUse(t: Tuple, except?: CtEntry): boolean {
    const hit = this.byKey.get(key(t));
    return hit !== undefined && hit.e !== except;
  }

  /** __nf_conntrack_confirm: the entry joins the table once its first packet leaves the hooks. */
  confirm(e: CtEntry): void {
    if (e.confirmed) return;
    e.confirmed = true;
    this.entries.push(e);
    this.byKey.set(key(e.orig), { e, dir: 'orig' });
    this.byKey.set(key(e.reply), { e, dir: 'reply' });
  }

  /**
   * `conntrack -F` (nf_ct_iterate_cleanup_net over every entry): the entries leave the table;
   * a packet in flight keeps the entry it holds, as a dying conntrack stays with its skb.
   */
  flush(): void {
    this.entries.length = 0;
    this.byKey.clear();
  }

  /** Rows as `conntrack -L` prints them. */
  rows(): string[] {
    return this.entries.map(formatEntry);
  }
}

function protoName(p: number): string {
  if (p === IPPROTO_ICMPV6) return 'icmpv6';
  return p === IPPROTO_TCP ? 'tcp' : p === IPPROTO_UDP ? 'udp' : p === IPPROTO_ICMP ? 'icmp' : 'unknown';
}

function tupleText(t: Tuple): string {
  const a = t.v6
    ? `src=${formatIp6(t.v6.src)} dst=${formatIp6(t.v6.dst)}`
    : `src=${formatIp(t.src)} dst=${formatIp(t.dst)}`;
  if (t.proto === IPPROTO_ICMP || t.proto === IPPROTO_ICMPV6)
    return `${a} type=${t.dport} code=0 id=${t.sport}`;
  if (t.proto === IPPROTO_TCP || t.proto === IPPROTO_UDP) return `${a} sport=${t.sport} dport=${t.dport}`;
  return a;
}

export function formatEntry(e: CtEntry): string {
  const p = e.orig.proto;
  let timeout = TIMEOUTS.generic;
  let state = '';
  if (p === IPPROTO_TCP) {
    state = ` ${e.tcpState ?? 'SYN_SENT'}`;
    timeout = TCP_TIMEOUTS[e.tcpState ?? 'SYN_SENT'];
  } else if (p === IPPROTO_UDP) timeout = e.assured ? TIMEOUTS.udpStream : TIMEOUTS.udp;
  else if (p === IPPROTO_ICMP || p === IPPROTO_ICMPV6) timeout = TIMEOUTS.icmp;
  const unreplied = e.seenReply ? '' : ' [UNREPLIED]';
  const assured = e.assured ? ' [ASSURED]' : '';
  return `${protoName(p).padEnd(8)} ${p} ${timeout}${state} ${tupleText(e.orig)}${unreplied} ${tupleText(e.reply)}${assured} mark=${e.mark} use=1`;
}
