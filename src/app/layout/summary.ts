/**
 * A one-line header summary for the phone's journey, outermost first, in tcpdump's brief style:
 * "10.10.10.216 > 10.10.10.217 UDP 8472 · VXLAN 1 · 10.244.1.2 > 10.244.2.3 ICMP echo request".
 * Ethernet is left out: the line names what decides where the packet goes.
 */
import type { Layer } from '../types';

const ICMP: Record<number, string> = {
  0: 'echo reply',
  3: 'unreachable',
  8: 'echo request',
  11: 'time exceeded',
};

/** ICMPv6's numbers, as tcpdump names them. */
const ICMP6: Record<number, string> = {
  1: 'destination unreachable',
  2: 'packet too big',
  3: 'time exceeded',
  128: 'echo request',
  129: 'echo reply',
  137: 'redirect',
};

function one(l: Layer): string | null {
  switch (l.proto) {
    case 'eth':
      return null;
    case 'arp':
      return l.op === 1 ? `ARP who-has ${l.tpa} tell ${l.spa}` : `ARP ${l.spa} is-at ${l.sha}`;
    case 'ipv4':
      return `${l.src} > ${l.dst}`;
    case 'icmp':
      return `ICMP ${ICMP[l.type] ?? `type ${l.type}`}`;
    case 'ipv6':
      return `${l.src} > ${l.dst}`;
    case 'icmpv6':
      if (l.type === 135) return `NDP who-has ${l.target ?? '?'}`;
      if (l.type === 136) return `NDP ${l.target ?? '?'} is-at ${l.lladdr ?? '?'}`;
      return `ICMP6 ${ICMP6[l.type] ?? `type ${l.type}`}`;
    case 'udp':
      return `UDP ${l.sport} > ${l.dport}`;
    case 'tcp':
      return `TCP ${l.sport} > ${l.dport} [${l.flags}]`;
    case 'vxlan':
      return `VXLAN ${l.vni}`;
    case 'gre':
      return l.key !== undefined ? `GRE key ${l.key}` : 'GRE';
    default:
      return (l as { proto: string }).proto.toUpperCase();
  }
}

export function packetSummary(layers: readonly Layer[] | undefined): string {
  if (!layers) return '';
  return layers
    .map(one)
    .filter((s): s is string => s !== null)
    .join(' · ');
}
