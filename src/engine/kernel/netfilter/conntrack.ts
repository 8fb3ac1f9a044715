/**
 * Connection tracking (nf_conntrack) for one namespace: entries keyed by their original
 * and reply tuples, the state a packet gets (NEW, ESTABLISHED, RELATED), NAT bindings
 * set up on a connection's first packet, and `conntrack -L` rows.
 */
import { formatIp } from '../../net/ipv4';
import {
  IPPROTO_ICMP,
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

export const key = (t: Tuple): string => `${t.proto}/${t.src >>> 0}:${t.sport}>${t.dst >>> 0}:${t.dport}`;

export function invert(t: Tuple): Tuple {
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

export function isIcmpError(layers: Layer[]): boolean {
  const l4 = layers[1];
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

  /** Rows as `conntrack -L` prints them. */
  rows(): string[] {
    return this.entries.map(formatEntry);
  }
}

function protoName(p: number): string {
  return p === IPPROTO_TCP ? 'tcp' : p === IPPROTO_UDP ? 'udp' : p === IPPROTO_ICMP ? 'icmp' : 'unknown';
}

function tupleText(t: Tuple): string {
  const a = `src=${formatIp(t.src)} dst=${formatIp(t.dst)}`;
  if (t.proto === IPPROTO_ICMP) return `${a} type=${t.dport} code=0 id=${t.sport}`;
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
  else if (p === IPPROTO_ICMP) timeout = TIMEOUTS.icmp;
  const unreplied = e.seenReply ? '' : ' [UNREPLIED]';
  const assured = e.assured ? ' [ASSURED]' : '';
  return `${protoName(p).padEnd(8)} ${p} ${timeout}${state} ${tupleText(e.orig)}${unreplied} ${tupleText(e.reply)}${assured} mark=${e.mark} use=1`;
}
