/**
 * A packet is a header stack, outermost first (ns-3 style), plus the length of the
 * opaque payload that follows the innermost header. Layers are plain JSON objects so
 * the same values flow into the Trace, the CLI and the UI without conversion.
 *
 * Addresses are kept as their printed form (dotted quad, lower-case colon MAC) because
 * that is how every consumer shows them; byte encoding lives in ./encode.ts.
 */

import type { DnsLayer } from './dns';

export const ETH_P_IP = 0x0800;
export const ETH_P_ARP = 0x0806;
export const ETH_P_IPV6 = 0x86dd;
export const IPPROTO_ICMP = 1;
export const IPPROTO_IPIP = 4;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const IPPROTO_GRE = 47;
export const IPPROTO_ICMPV6 = 58;

export interface EthLayer {
  proto: 'eth';
  src: string;
  dst: string;
  /** EtherType, e.g. 0x0800 IPv4, 0x0806 ARP. */
  type: number;
}

export interface ArpLayer {
  proto: 'arp';
  /** 1 = request, 2 = reply. */
  op: 1 | 2;
  sha: string;
  spa: string;
  tha: string;
  tpa: string;
}

export interface Ipv4Layer {
  proto: 'ipv4';
  src: string;
  dst: string;
  ttl: number;
  /** IP protocol number: 1 ICMP, 4 IPIP, 6 TCP, 17 UDP, 47 GRE. */
  protocol: number;
  id: number;
  /** Don't Fragment flag. */
  df: boolean;
  tos: number;
}

export interface Ipv6Layer {
  proto: 'ipv6';
  /** Canonical RFC 5952 text, as tcpdump and iproute2 print it. */
  src: string;
  dst: string;
  /** Hop limit. */
  hlim: number;
  /** Next header: 58 ICMPv6, 6 TCP, 17 UDP. */
  next: number;
  /** Traffic class. */
  tc: number;
  /** Flow label (Linux picks one per socket from a hash: auto_flowlabels). */
  flow: number;
}

/**
 * ICMPv6 (RFC 4443) with the neighbour discovery messages (RFC 4861). Echo carries id/seq;
 * packet too big carries mtu; NS/NA carry the target and the one link-layer address option
 * Linux sends (source for NS, target for NA); NA carries its R/S/O flags.
 */
export interface Icmpv6Layer {
  proto: 'icmpv6';
  type: number;
  code: number;
  id?: number;
  seq?: number;
  mtu?: number;
  target?: string;
  lladdr?: string;
  /** NA flags byte: 0x80 router, 0x40 solicited, 0x20 override. */
  flags?: number;
}

export interface IcmpLayer {
  proto: 'icmp';
  type: number;
  code: number;
  /** Echo request/reply identifier and sequence number. */
  id?: number;
  seq?: number;
  /** Next-hop MTU of a "fragmentation needed" (type 3 code 4). */
  mtu?: number;
  /** Gateway of a redirect (type 5). */
  gateway?: string;
}

export interface UdpLayer {
  proto: 'udp';
  sport: number;
  dport: number;
  /** Sent with checksum 0 ("no checksum", RFC 768), as a vxlan device with `noudpcsum` does. */
  zeroChecksum?: true;
}

/** TCP flags in tcpdump's letters: S, F, R, P, . (ACK) — e.g. "S", "S.", ".", "P.", "F.", "R.". */
export interface TcpLayer {
  proto: 'tcp';
  sport: number;
  dport: number;
  flags: string;
  seq: number;
  ack: number;
  window: number;
}

export interface VxlanLayer {
  proto: 'vxlan';
  vni: number;
}

/**
 * GRE (RFC 2784, with RFC 2890's key): version 0, no checksum, no sequence numbers, as Linux's
 * ip_gre sends unless told `ocsum`/`oseq`. The protocol type is the carried packet's EtherType.
 */
export interface GreLayer {
  proto: 'gre';
  /** EtherType of the payload: 0x0800 for IPv4. */
  protocol: number;
  /** The key (K bit set) of a tunnel made with `key`/`okey`. */
  key?: number;
}

export type { DnsLayer } from './dns';

export type Layer =
  | DnsLayer
  | EthLayer
  | ArpLayer
  | Ipv4Layer
  | Ipv6Layer
  | IcmpLayer
  | Icmpv6Layer
  | UdpLayer
  | TcpLayer
  | VxlanLayer
  | GreLayer;
export type Proto = Layer['proto'];

/**
 * Header stack plus payload. For ICMP errors the layers after the ICMP header are the
 * quoted original datagram and `payload` is that original's payload: encode.ts encodes
 * the original whole, then cuts the ICMP body so the error datagram is at most 576 bytes,
 * as Linux's icmp_send() does (decode.ts recovers `payload` from the quoted total length).
 */
export interface Packet {
  layers: Layer[];
  /** Bytes of application data after the innermost header. */
  payload: number;
}
