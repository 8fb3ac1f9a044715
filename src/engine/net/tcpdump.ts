/**
 * One-line rendering of a packet the way `tcpdump -nn -e` (4.99) prints it, minus the
 * timestamp and interface prefix, so the simulator's capture view reads like a real
 * terminal. Wording follows tcpdump's print-ether/arp/ip/icmp/udp/tcp/vxlan/otv.c.
 *
 * Deliberate differences, because the formatter is stateless and sees no app data:
 *  - TCP sequence numbers are absolute (like `-S`), never relative to the handshake.
 *  - UDP to well-known ports prints `UDP, length N` instead of decoding them; DNS, which the
 *    model carries as a layer of its own, prints as domain_print does.
 *
 * As in tcpdump, `-e` is a global switch: with link info shown, IPv4 headers lose
 * their "IP " prefix at every level (IPIP and VXLAN inner headers included).
 */
import type {
  ArpLayer,
  EthLayer,
  GreLayer,
  IcmpLayer,
  Ipv4Layer,
  Layer,
  Packet,
  TcpLayer,
  UdpLayer,
} from './layers';
import type { Icmpv6Layer, Ipv6Layer } from './layers';
import { ipLength } from './encode';
import { fqdn, tcpdumpDns } from './dns';
import { ZERO_MAC } from './mac';
import { flagsToBits, flagsToString, TH_ACK, TH_FIN, TH_RST, TH_SYN, TH_URG } from './tcpflags';

export interface TcpdumpOptions {
  /** Print the Ethernet header like `-e` (default true; ignored for frames without Ethernet). */
  link?: boolean;
}

/** tcpdump's port constants: VXLAN_PORT 4789 prints as VXLAN, OTV_PORT 8472 as OTV. */
const VXLAN_PORT = 4789;
const OTV_PORT = 8472;

const ETHERTYPE_NAMES: Record<number, string> = {
  0x0800: 'IPv4',
  0x0806: 'ARP',
  0x86dd: 'IPv6',
  0x8100: '802.1Q',
};

const UNREACH: Record<number, string> = {
  0: 'net %s unreachable',
  1: 'host %s unreachable',
  5: '%s unreachable - source route failed',
  6: 'net %s unreachable - unknown',
  7: 'host %s unreachable - unknown',
  8: '%s unreachable - source host isolated',
  9: 'net %s unreachable - admin prohibited',
  10: 'host %s unreachable - admin prohibited',
  11: 'net %s unreachable - tos prohibited',
  12: 'host %s unreachable - tos prohibited',
  13: 'host %s unreachable - admin prohibited filter',
  14: 'host %s unreachable - host precedence violation',
  15: 'host %s unreachable - precedence cutoff',
};

const REDIRECT: Record<number, string> = {
  0: 'redirect %s to net %s',
  1: 'redirect %s to host %s',
  2: 'redirect-tos %s to net %s',
  3: 'redirect-tos %s to host %s',
};

const ICMP_NAMES: Record<number, string> = {
  0: 'echo reply',
  4: 'source quench',
  8: 'echo request',
  10: 'router solicitation',
  13: 'time stamp request',
  14: 'time stamp reply',
  15: 'information request',
  16: 'information reply',
  17: 'address mask request',
};

/** Fill %s placeholders in order, like the printf formats above. */
function fmt(template: string, ...args: string[]): string {
  let k = 0;
  return template.replace(/%s/g, () => args[k++] ?? '');
}

const hex4 = (n: number): string => `0x${n.toString(16).padStart(4, '0')}`;

class Printer {
  constructor(
    private readonly pkt: Packet,
    private readonly eflag: boolean,
  ) {}

  private at(i: number): Layer | undefined {
    return this.pkt.layers[i];
  }

  /** Bytes from layer i onward: frame length for eth, total length for ipv4, etc. */
  private len(i: number): number {
    return ipLength(this.pkt, i);
  }

  from(i: number): string {
    const l = this.at(i);
    if (l === undefined) return '';
    if (l.proto === 'eth') return this.eth(l, i);
    if (l.proto === 'ipv4') return this.ip(l, i);
    if (l.proto === 'arp') return this.arp(l, i);
    if (l.proto === 'ipv6') return this.ip6(l, i);
    return `[|${l.proto}]`;
  }

  private eth(l: EthLayer, i: number): string {
    const name = ETHERTYPE_NAMES[l.type] ?? 'Unknown';
    const link = this.eflag
      ? `${l.src} > ${l.dst}, ethertype ${name} (${hex4(l.type)}), length ${this.len(i)}: `
      : '';
    const next = this.at(i + 1);
    if (next?.proto === 'ipv4') return link + this.ip(next, i + 1);
    if (next?.proto === 'arp') return link + this.arp(next, i + 1);
    if (next?.proto === 'ipv6') return link + this.ip6(next, i + 1);
    return link + (this.eflag ? '' : `ethertype ${name} (${hex4(l.type)}), length ${this.len(i)}`);
  }

  private arp(l: ArpLayer, i: number): string {
    const prefix = this.eflag ? '' : 'ARP, ';
    const body =
      l.op === 1
        ? `Request who-has ${l.tpa}${l.tha !== ZERO_MAC ? ` (${l.tha})` : ''} tell ${l.spa}`
        : `Reply ${l.spa} is-at ${l.sha}`;
    return `${prefix}${body}, length ${this.len(i)}`;
  }

  private ip(l: Ipv4Layer, i: number): string {
    const prefix = this.eflag ? '' : 'IP ';
    const next = this.at(i + 1);
    switch (next?.proto) {
      case 'tcp':
      case 'udp':
        return `${prefix}${this.ports(l, next, i + 1)}`;
      case 'icmp':
        return `${prefix}${l.src} > ${l.dst}: ${this.icmp(next, i + 1)}`;
      case 'ipv4':
        return `${prefix}${l.src} > ${l.dst}: ${this.ip(next, i + 1)}`;
      case 'gre':
        return `${prefix}${l.src} > ${l.dst}: ${this.gre(next, i + 1)}`;
      default:
        return `${prefix}${l.src} > ${l.dst}: ip-proto-${l.protocol} ${this.len(i) - 20}`;
    }
  }

  /** print-ip.c and print-ip6.c alike: the ports joined to the addresses with a dot, then the segment. */
  private ports(ip: { src: string; dst: string }, l: TcpLayer | UdpLayer, i: number): string {
    const body = l.proto === 'tcp' ? this.tcp(l, i) : this.udp(l, i);
    return `${ip.src}.${l.sport} > ${ip.dst}.${l.dport}: ${body}`;
  }

  /** print-gre.c, version 0 without -v: the key if any, then the GRE length (header included). */
  private gre(l: GreLayer, i: number): string {
    const key = l.key !== undefined ? `, key=0x${l.key.toString(16)}` : '';
    const head = `GREv0${key}, length ${this.len(i)}: `;
    const next = this.at(i + 1);
    if (l.protocol === 0x0800 && next?.proto === 'ipv4') return head + this.ip(next, i + 1);
    return `${head}gre-proto-0x${l.protocol.toString(16)}`;
  }

  /** print-ip6.c: "IP6 " unless -e; transport ports joined to the addresses with a dot. */
  private ip6(l: Ipv6Layer, i: number): string {
    const prefix = this.eflag ? '' : 'IP6 ';
    const next = this.at(i + 1);
    switch (next?.proto) {
      case 'tcp':
      case 'udp':
        return `${prefix}${this.ports(l, next, i + 1)}`;
      case 'icmpv6':
        return `${prefix}${l.src} > ${l.dst}: ICMP6, ${this.icmp6(next, i + 1)}, length ${this.len(i + 1)}`;
      default:
        return `${prefix}${l.src} > ${l.dst}: ip-proto-${l.next} ${this.len(i) - 40}`;
    }
  }

  /** print-icmp6.c's wording for the messages the model sends. */
  private icmp6(l: Icmpv6Layer, i: number): string {
    const q = this.at(i + 1);
    const qdst = q?.proto === 'ipv6' ? q.dst : '::';
    switch (l.type) {
      case 128:
      case 129:
        return `${l.type === 128 ? 'echo request' : 'echo reply'}, id ${l.id ?? 0}, seq ${l.seq ?? 0}`;
      case 135:
        return `neighbor solicitation, who has ${l.target ?? '::'}`;
      case 136:
        return `neighbor advertisement, tgt is ${l.target ?? '::'}`;
      case 133:
        return 'router solicitation';
      case 2:
        return `packet too big, mtu ${l.mtu ?? 0}`;
      case 3:
        return l.code === 0
          ? `time exceeded in-transit for ${qdst}`
          : `time exceeded: unknown code (${l.code})`;
      case 1:
        return `destination unreachable, ${this.unreach6(l, qdst, i)}`;
      default:
        return `icmp6: type-#${l.type}`;
    }
  }

  private unreach6(l: Icmpv6Layer, qdst: string, i: number): string {
    switch (l.code) {
      case 0:
        return `unreachable route ${qdst}`;
      case 1:
        return `unreachable prohibited ${qdst}`;
      case 3:
        return `unreachable address ${qdst}`;
      case 4: {
        const t = this.at(i + 2);
        const name = t?.proto === 'tcp' ? 'tcp' : 'udp';
        const dport = t?.proto === 'udp' || t?.proto === 'tcp' ? t.dport : 0;
        return `unreachable port, ${qdst} ${name} port ${dport}`;
      }
      default:
        return `unknown unreach code (${l.code})`;
    }
  }

  private udp(l: UdpLayer, i: number): string {
    const next = this.at(i + 1);
    if (next?.proto === 'vxlan') {
      const isPort = (p: number): boolean => l.sport === p || l.dport === p;
      if (isPort(VXLAN_PORT)) return `VXLAN, flags [I] (0x08), vni ${next.vni}\n${this.from(i + 2)}`;
      // The VXLAN reserved bytes read as OTV's overlay id (0) and the VNI as its instance id.
      if (isPort(OTV_PORT))
        return `OTV, flags [I] (0x08), overlay 0, instance ${next.vni}\n${this.from(i + 2)}`;
    }
    if (next?.proto === 'dns') return tcpdumpDns(next, this.len(i + 1));
    return `UDP, length ${this.len(i) - 8}`;
  }

  private tcp(l: TcpLayer, i: number): string {
    const bits = flagsToBits(l.flags);
    const data = this.len(i) - 20;
    let s = `Flags [${flagsToString(bits) || 'none'}]`;
    if (data > 0 || bits & (TH_SYN | TH_FIN | TH_RST)) {
      s += `, seq ${l.seq >>> 0}`;
      if (data > 0) s += `:${(l.seq + data) >>> 0}`;
    }
    if (bits & TH_ACK) s += `, ack ${l.ack >>> 0}`;
    s += `, win ${l.window}`;
    if (bits & TH_URG) s += ', urg 0';
    return `${s}, length ${data}`;
  }

  private icmp(l: IcmpLayer, i: number): string {
    const quoted = this.at(i + 1);
    const q = quoted?.proto === 'ipv4' ? quoted : undefined;
    const qdst = q?.dst ?? '0.0.0.0';
    let str: string;
    switch (l.type) {
      case 0:
      case 8:
        str = `${l.type === 8 ? 'echo request' : 'echo reply'}, id ${l.id ?? 0}, seq ${l.seq ?? 0}`;
        break;
      case 3:
        str = this.unreach(l, qdst, q, i);
        break;
      case 5:
        str = fmt(REDIRECT[l.code] ?? `redirect-#${l.code} %s to net %s`, qdst, l.gateway ?? '0.0.0.0');
        break;
      case 11:
        str =
          l.code === 0
            ? 'time exceeded in-transit'
            : l.code === 1
              ? 'ip reassembly time exceeded'
              : `time exceeded-#${l.code}`;
        break;
      case 12:
        // The pointer octet is not modelled; Linux rarely sends this type.
        str = l.code !== 0 ? `parameter problem - code ${l.code}` : 'parameter problem - octet 0';
        break;
      default:
        str = ICMP_NAMES[l.type] ?? `type-#${l.type}`;
    }
    return `ICMP ${str}, length ${this.len(i)}`;
  }

  private unreach(l: IcmpLayer, qdst: string, q: Ipv4Layer | undefined, i: number): string {
    switch (l.code) {
      case 2:
        return `${qdst} protocol ${q?.protocol ?? 0} unreachable`;
      case 3: {
        const t = this.at(i + 2);
        // print-icmp.c reads bytes 2-3 after the quoted IP header as the port whatever the
        // protocol: for GRE that is the protocol type (0x0800 reads as 2048).
        const dport =
          t?.proto === 'udp' || t?.proto === 'tcp' ? t.dport : t?.proto === 'gre' ? t.protocol : 0;
        if (q?.protocol === 6) return `${qdst} tcp port ${dport} unreachable`;
        if (q?.protocol === 17) return `${qdst} udp port ${dport} unreachable`;
        return `${qdst} protocol ${q?.protocol ?? 0} port ${dport} unreachable`;
      }
      case 4:
        return l.mtu
          ? `${qdst} unreachable - need to frag (mtu ${l.mtu})`
          : `${qdst} unreachable - need to frag`;
      default:
        return fmt(UNREACH[l.code] ?? `#${l.code} %s unreachable`, qdst);
    }
  }
}

export function formatTcpdump(pkt: Packet, opts?: TcpdumpOptions): string {
  const eflag = (opts?.link ?? true) && pkt.layers[0]?.proto === 'eth';
  return new Printer(pkt, eflag).from(0);
}

function icmpShortName(l: IcmpLayer): string {
  switch (l.type) {
    case 0:
      return 'echo reply';
    case 8:
      return 'echo request';
    case 3:
      if (l.code === 4) return `frag needed mtu ${l.mtu ?? 0}`;
      return (
        { 0: 'net unreachable', 1: 'host unreachable', 2: 'protocol unreachable', 3: 'port unreachable' }[
          l.code
        ] ?? `unreachable code ${l.code}`
      );
    case 5:
      return `redirect to ${l.gateway ?? '0.0.0.0'}`;
    case 11:
      return l.code === 0 ? 'time exceeded' : 'reassembly time exceeded';
    default:
      return ICMP_NAMES[l.type] ?? `type ${l.type}`;
  }
}

/**
 * Compact label for UI badges, e.g. "ICMP echo request 10.1.15.2 > 10.1.16.2 ttl 64".
 * Tunnels are named as a prefix and the innermost conversation is described.
 */
export function formatSummary(pkt: Packet): string {
  const { layers } = pkt;
  let prefix = '';
  for (let i = 0; i < layers.length; i++) {
    const l = layers[i] as Layer;
    const next = layers[i + 1];
    if (l.proto === 'arp') {
      return (
        prefix + (l.op === 1 ? `ARP who-has ${l.tpa} tell ${l.spa}` : `ARP reply ${l.spa} is-at ${l.sha}`)
      );
    }
    if (l.proto === 'eth') {
      if (next === undefined || (next.proto !== 'ipv4' && next.proto !== 'arp' && next.proto !== 'ipv6')) {
        return `${prefix}ETH ${l.src} > ${l.dst} type ${hex4(l.type)}`;
      }
      continue;
    }
    if (l.proto === 'ipv6') return prefix + summary6(pkt, l, i);
    if (l.proto !== 'ipv4') continue;
    const ends = `${l.src} > ${l.dst}`;
    if (next?.proto === 'ipv4') {
      prefix += `IPIP ${ends}: `;
    } else if (next?.proto === 'gre') {
      prefix += `GRE${next.key !== undefined ? ` key ${next.key}` : ''} ${ends}: `;
      i += 1;
    } else if (next?.proto === 'icmp') {
      return `${prefix}ICMP ${icmpShortName(next)} ${ends} ttl ${l.ttl}`;
    } else if (next?.proto === 'tcp') {
      const data = ipLength(pkt, i + 2);
      return `${prefix}TCP ${l.src}:${next.sport} > ${l.dst}:${next.dport} [${next.flags || 'none'}]${data > 0 ? ` len ${data}` : ''}`;
    } else if (next?.proto === 'udp') {
      const after = layers[i + 2];
      if (after?.proto === 'vxlan') {
        prefix += `VXLAN vni ${after.vni} ${ends}: `;
        i += 2;
        continue;
      }
      if (after?.proto === 'dns') {
        const q = after.question[0];
        const ends2 = `${l.src}:${next.sport} > ${l.dst}:${next.dport}`;
        if (!after.qr) return `${prefix}DNS query ${q ? `${q.type}? ${fqdn(q.name)} ` : ''}${ends2}`;
        const rc =
          ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED'][after.rcode] ??
          `rcode ${after.rcode}`;
        const an = after.answer.map((r) => `${r.type} ${typeof r.data === 'string' ? r.data : ''}`.trim());
        return `${prefix}DNS answer ${q ? `${q.type} ` : ''}${rc}${an.length ? ` ${an.join(', ')}` : ''} ${ends2}`;
      }
      return `${prefix}UDP ${l.src}:${next.sport} > ${l.dst}:${next.dport} len ${ipLength(pkt, i + 2)}`;
    } else {
      return `${prefix}IP ${ends} proto ${l.protocol}`;
    }
  }
  return prefix === '' ? 'empty packet' : prefix.replace(/: $/, '');
}

/** The IPv6 part of formatSummary: NDP in its own words, ICMPv6 with the hop limit. */
function summary6(pkt: Packet, l: Ipv6Layer, i: number): string {
  const next = pkt.layers[i + 1];
  const ends = `${l.src} > ${l.dst}`;
  if (next?.proto === 'icmpv6') {
    if (next.type === 135) return `NDP who-has ${next.target ?? '::'} tell ${l.src}`;
    if (next.type === 136) return `NDP ${next.target ?? '::'} is-at ${next.lladdr ?? '?'}`;
    const name: Record<number, string> = {
      1: 'destination unreachable',
      2: `packet too big mtu ${next.mtu ?? 0}`,
      3: 'time exceeded',
      128: 'echo request',
      129: 'echo reply',
    };
    return `ICMP6 ${name[next.type] ?? `type ${next.type}`} ${ends} hlim ${l.hlim}`;
  }
  if (next?.proto === 'tcp')
    return `TCP [${l.src}]:${next.sport} > [${l.dst}]:${next.dport} [${next.flags || 'none'}]`;
  if (next?.proto === 'udp')
    return `UDP [${l.src}]:${next.sport} > [${l.dst}]:${next.dport} len ${ipLength(pkt, i + 2)}`;
  return `IP6 ${ends} next ${l.next}`;
}
