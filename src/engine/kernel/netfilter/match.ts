/** Rule matching (ipt_do_table's per-rule checks and the xt match modules). */
import { inPrefix, isMulticastIp } from '../../net/ipv4';
import { inPrefix6, isMulticast6, parseIp6 } from '../../net/ipv6';
import type { IcmpLayer, Ipv4Layer, Ipv6Layer, Layer, TcpLayer, UdpLayer } from '../../net/layers';
import { ipOf } from '../addr';
import type { Device } from '../device';
import type { Netns } from '../netns';
import { isUntracked6, type CtEntry, type CtInfo } from './conntrack';
import { protoNumber } from './tables';
import type { AddrMatch, AddrType, IfaceMatch, Match, PortRange, Rule } from './types';

export interface PacketView {
  ns: Netns;
  /** Layers starting at the IPv4 header. */
  layers: Layer[];
  bytes: number;
  in?: Device;
  out?: Device;
  mark: number;
  ct?: { e: CtEntry; info: CtInfo; dir: 'orig' | 'reply' };
  /** br_netfilter saw the packet (nf_bridge_info_exists), and the bridge ports it knows. */
  bridged?: boolean;
  physIn?: Device;
  physOut?: Device;
  /** Decides -m statistic --mode random: the probability and the rule it belongs to. */
  random: (p: number, rule: Rule) => boolean;
  /** Packet count so far for -m statistic --mode nth. */
  nth: (rule: Rule) => number;
  ipsetHas: (name: string, flags: ('src' | 'dst')[]) => boolean;
  /** -m recent against this namespace's xt_recent lists. */
  recent?: (m: Extract<Match, { module: 'recent' }>) => boolean;
  /** Draws nft's `numgen random mod N`, knowing the chain each value leads to (for pins). */
  numgen?: (mod: number, candidates: string[]) => number;
}

export function ifaceMatches(m: IfaceMatch, dev: Device | undefined): boolean {
  if (!dev) return m.neg;
  const hit = m.name.endsWith('+') ? dev.name.startsWith(m.name.slice(0, -1)) : dev.name === m.name;
  return hit !== m.neg;
}

function inRange(p: number, r: PortRange): boolean {
  return p >= r.from && p <= r.to;
}

export function addrType(ns: Netns, addr: number): AddrType {
  if (addr === 0) return 'UNSPEC';
  if (isMulticastIp(addr)) return 'MULTICAST';
  if (addr === 0xffffffff) return 'BROADCAST';
  const rt = ns.routes.lookup(addr);
  if (!rt) return 'UNICAST';
  switch (rt.type) {
    case 'local':
      return 'LOCAL';
    case 'broadcast':
      return 'BROADCAST';
    case 'blackhole':
      return 'BLACKHOLE';
    case 'unreachable':
      return 'UNREACHABLE';
    case 'prohibit':
      return 'PROHIBIT';
    default:
      return 'UNICAST';
  }
}

/**
 * xt_addrtype's match_type6 for one --src-type/--dst-type list: MULTICAST, UNICAST and UNSPEC
 * are tests on the address itself, each one required; LOCAL, ANYCAST and UNREACHABLE come from
 * a route lookup (match_lookup_rt6: RTF_LOCAL, RTF_REJECT or no route), any one enough.
 */
function addrTypeMatches6(ns: Netns, text: string, types: readonly AddrType[]): boolean {
  const a = parseIp6(text);
  if (a === null) return false;
  const multicast = isMulticast6(a);
  if (types.includes('MULTICAST') && !multicast) return false;
  if (types.includes('UNICAST') && (multicast || a === 0n)) return false;
  if (types.includes('UNSPEC') && a !== 0n) return false;
  const routed = types.filter((t) => t === 'LOCAL' || t === 'ANYCAST' || t === 'UNREACHABLE');
  if (routed.length === 0) return true;
  const rt = ns.routes6.lookup(a);
  const got: AddrType[] = [];
  if (!rt || rt.type === 'unreachable' || rt.type === 'prohibit' || rt.type === 'blackhole')
    got.push('UNREACHABLE');
  if (rt?.type === 'local') got.push('LOCAL');
  return routed.some((t) => got.includes(t));
}

function ports(l4: Layer | undefined): { sport: number; dport: number } | undefined {
  if (l4?.proto === 'tcp' || l4?.proto === 'udp')
    return { sport: (l4 as TcpLayer | UdpLayer).sport, dport: (l4 as TcpLayer | UdpLayer).dport };
  return undefined;
}

function ctStates(v: PacketView): string[] {
  if (!v.ct) return [isUntracked6(v.layers) ? 'UNTRACKED' : 'INVALID'];
  const s: string[] = [v.ct.info];
  if (v.ct.e.srcNat) s.push('SNAT');
  if (v.ct.e.dstNat) s.push('DNAT');
  return s;
}

type MatchOf<K extends Match['module']> = Extract<Match, { module: K }>;

/** xt_tcpudp's tcp_mt / udp_mt: the protocol, port ranges, and for tcp --syn and --tcp-flags. */
function tcpUdpMatches(m: MatchOf<'tcp' | 'udp'>, l4: Layer | undefined): boolean {
  if (l4?.proto !== m.module) return false;
  const p = ports(l4)!;
  if (m.sport && inRange(p.sport, m.sport) === m.sport.neg) return false;
  if (m.dport && inRange(p.dport, m.dport) === m.dport.neg) return false;
  if (m.module === 'tcp' && (m.syn || m.tcpFlags)) {
    const flags = (l4 as TcpLayer).flags;
    const has = (f: string): boolean => (f === 'ACK' ? flags.includes('.') : flags.includes(f[0]!));
    if (m.syn) {
      const isSyn = has('SYN') && !has('ACK') && !has('RST') && !has('FIN');
      if (isSyn === m.syn.neg) return false;
    }
    if (m.tcpFlags) {
      const ok = m.tcpFlags.mask.every((f) => has(f) === m.tcpFlags!.comp.includes(f));
      if (ok === m.tcpFlags.neg) return false;
    }
  }
  return true;
}

/** icmp_match and icmp6_match: the protocol, then a type (and code, when one was named) compare. */
function icmpMatches(m: MatchOf<'icmp' | 'icmp6'>, l4: Layer | undefined): boolean {
  if (l4?.proto !== (m.module === 'icmp' ? 'icmp' : 'icmpv6')) return false;
  const t = m.icmpType;
  if (!t) return true;
  const icmp = l4 as IcmpLayer;
  return (icmp.type === t.type && (t.code === undefined || icmp.code === t.code)) !== t.neg;
}

/** xt_multiport: any of the listed ports or ranges, as destination, source, or either. */
function multiportMatches(m: MatchOf<'multiport'>, l4: Layer | undefined): boolean {
  const p = ports(l4);
  if (!p) return false;
  const any = (rs: PortRange[] | undefined, x: number): boolean => (rs ?? []).some((r) => inRange(x, r));
  const hit = m.dports
    ? any(m.dports, p.dport)
    : m.sports
      ? any(m.sports, p.sport)
      : any(m.ports, p.sport) || any(m.ports, p.dport);
  return hit !== m.neg;
}

/** xt_addrtype: the route types of the source and destination addresses in this namespace. */
function addrtypeMatches(m: MatchOf<'addrtype'>, v: PacketView): boolean {
  const ip = v.layers[0] as Ipv4Layer | Ipv6Layer;
  if (ip.proto === 'ipv6') {
    if (m.srcType && addrTypeMatches6(v.ns, ip.src, m.srcType.types) === m.srcType.neg) return false;
    if (m.dstType && addrTypeMatches6(v.ns, ip.dst, m.dstType.types) === m.dstType.neg) return false;
    return true;
  }
  if (m.srcType) {
    const hit = m.srcType.types.includes(addrType(v.ns, ipOf(ip.src)));
    if (hit === m.srcType.neg) return false;
  }
  if (m.dstType) {
    const hit = m.dstType.types.includes(addrType(v.ns, ipOf(ip.dst)));
    if (hit === m.dstType.neg) return false;
  }
  return true;
}

/** xt_conntrack: --ctstate, and the original destination and port of the connection. */
function conntrackMatches(m: MatchOf<'conntrack'>, v: PacketView): boolean {
  const ip = v.layers[0] as Ipv4Layer;
  if (m.ctstate) {
    const hit = ctStates(v).some((s) => m.ctstate!.states.includes(s as never));
    if (hit === m.ctstate.neg) return false;
  }
  if (m.ctorigdst) {
    const od = v.ct ? v.ct.e.orig.dst : ipOf(ip.dst);
    if (inPrefix(od, m.ctorigdst.addr, m.ctorigdst.len) === m.ctorigdst.neg) return false;
  }
  if (m.ctorigdstport) {
    const op = v.ct ? v.ct.e.orig.dport : (ports(v.layers[1])?.dport ?? 0);
    if ((op === m.ctorigdstport.port) === m.ctorigdstport.neg) return false;
  }
  return true;
}

/** One -m module of a rule: each xt match's own test. */
function matchModule(m: Match, v: PacketView, rule: Rule): boolean {
  const l4 = v.layers[1];
  switch (m.module) {
    case 'tcp':
    case 'udp':
      return tcpUdpMatches(m, l4);
    case 'icmp6':
    case 'icmp':
      return icmpMatches(m, l4);
    case 'multiport':
      return multiportMatches(m, l4);
    case 'addrtype':
      return addrtypeMatches(m, v);
    case 'conntrack':
      return conntrackMatches(m, v);
    case 'state':
      return ctStates(v).some((s) => m.states.includes(s as never)) !== m.neg;
    case 'comment':
      return true;
    case 'mark':
      return ((v.mark & m.mask) >>> 0 === m.mark >>> 0) !== m.neg;
    case 'connmark':
      // connmark_mt: without a conntrack entry nothing matches, inverted or not.
      if (!v.ct) return false;
      return ((v.ct.e.mark & m.mask) >>> 0 === m.mark >>> 0) !== m.neg;
    case 'statistic':
      if (m.mode === 'random') return v.random(m.probability, rule) !== m.neg;
      return (v.nth(rule) % m.every === m.packet) !== m.neg;
    case 'set':
      return v.ipsetHas(m.name, m.flags) !== m.neg;
    case 'recent':
      return v.recent ? v.recent(m) : m.neg;
    case 'physdev':
      return physdevMatches(m, v);
  }
}

/**
 * xt_physdev's physdev_mt. A packet br_netfilter never saw (no nf_bridge info) matches only
 * if every option given is inverted. Otherwise is-bridged asks for a bridge output port,
 * is-in / is-out for either port; --physdev-in is not checked while the input port is
 * unknown, but --physdev-out, with or without `!`, fails while the output port is unknown.
 */
function physdevMatches(m: Extract<Match, { module: 'physdev' }>, v: PacketView): boolean {
  if (!v.bridged) {
    return [m.isBridged, m.isIn, m.isOut, m.physdevIn, m.physdevOut].every((o) => !o || o.neg);
  }
  const { physIn, physOut } = v;
  if (m.isBridged && (physOut !== undefined) === m.isBridged.neg) return false;
  if (m.isIn && (physIn !== undefined) === m.isIn.neg) return false;
  if (m.isOut && (physOut !== undefined) === m.isOut.neg) return false;
  if (m.physdevIn && physIn && !ifaceMatches(m.physdevIn, physIn)) return false;
  if (!m.physdevOut) return true;
  return physOut !== undefined && ifaceMatches(m.physdevOut, physOut);
}

/** -s/-d: ip_packet_match's masked compare, or ip6_packet_match's for an IPv6 header. */
function addrMatches(a: AddrMatch, text: string, v4: boolean): boolean {
  if (v4 === (a.addr6 !== undefined)) return a.neg;
  const hit = v4
    ? inPrefix(ipOf(text), a.addr, a.len)
    : inPrefix6(parseIp6(text) ?? 0n, a.addr6 ?? 0n, a.len);
  return hit !== a.neg;
}

export function ruleMatches(r: Rule, v: PacketView): boolean {
  const ip = v.layers[0] as Ipv4Layer | Ipv6Layer;
  const v4 = ip.proto === 'ipv4';
  if (r.src && !addrMatches(r.src, ip.src, v4)) return false;
  if (r.dst && !addrMatches(r.dst, ip.dst, v4)) return false;
  if (r.in && !ifaceMatches(r.in, v.in)) return false;
  if (r.out && !ifaceMatches(r.out, v.out)) return false;
  if (r.proto) {
    const want = r.proto.name === 'all' ? 0 : protoNumber(r.proto.name);
    // ip6_packet_match compares the upper-layer protocol (extension headers are not modelled).
    const hit = want === 0 || (v4 ? ip.protocol : ip.next) === want;
    if (hit === r.proto.neg) return false;
  }
  return r.matches.every((m) => matchModule(m, v, r));
}
