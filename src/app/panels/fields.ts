/** Wireshark-like names and values for header fields. */
import type { Layer } from '../types';

export const LAYER_NAMES: Record<Layer['proto'], string> = {
  eth: 'Ethernet II',
  arp: 'Address Resolution Protocol',
  ipv4: 'Internet Protocol Version 4',
  ipv6: 'Internet Protocol Version 6',
  icmp: 'Internet Control Message Protocol',
  icmpv6: 'Internet Control Message Protocol v6',
  udp: 'User Datagram Protocol',
  tcp: 'Transmission Control Protocol',
  vxlan: 'Virtual eXtensible Local Area Network',
  gre: 'Generic Routing Encapsulation',
  dns: 'Domain Name System',
};

const FIELD_NAMES: Record<string, string> = {
  src: 'Source',
  dst: 'Destination',
  type: 'Type',
  op: 'Opcode',
  sha: 'Sender MAC address',
  spa: 'Sender IP address',
  tha: 'Target MAC address',
  tpa: 'Target IP address',
  ttl: 'Time to live',
  protocol: 'Protocol',
  id: 'Identification',
  df: "Don't fragment",
  tos: 'Type of service',
  code: 'Code',
  seq: 'Sequence number',
  ack: 'Acknowledgment number',
  mtu: 'Next-hop MTU',
  gateway: 'Gateway',
  sport: 'Source port',
  dport: 'Destination port',
  flags: 'Flags',
  window: 'Window',
  vni: 'VXLAN network identifier (VNI)',
  key: 'Key',
  zeroChecksum: 'Checksum',
  hlim: 'Hop limit',
  next: 'Next header',
  tc: 'Traffic class',
  flow: 'Flow label',
  target: 'Target address',
  lladdr: 'Link-layer address option',
};

const ETHERTYPES: Record<number, string> = { 0x0800: 'IPv4', 0x0806: 'ARP', 0x86dd: 'IPv6' };
const IP_PROTOS: Record<number, string> = {
  1: 'ICMP',
  4: 'IPIP',
  6: 'TCP',
  17: 'UDP',
  47: 'GRE',
  58: 'ICMPv6',
};
const ICMPV6_TYPES: Record<number, string> = {
  1: 'Destination unreachable',
  2: 'Packet too big',
  3: 'Time exceeded',
  128: 'Echo request',
  129: 'Echo reply',
  133: 'Router solicitation',
  135: 'Neighbor solicitation',
  136: 'Neighbor advertisement',
};
const ICMP_TYPES: Record<number, string> = {
  0: 'Echo reply',
  3: 'Destination unreachable',
  5: 'Redirect',
  8: 'Echo request',
  11: 'Time exceeded',
};

export function fieldName(key: string): string {
  return FIELD_NAMES[key] ?? key;
}

/** Wireshark's names for the DNS header and sections (tc, id and flags mean other things elsewhere). */
const DNS_FIELD_NAMES: Record<string, string> = {
  id: 'Transaction ID',
  qr: 'Response',
  aa: 'Authoritative',
  tc: 'Truncated',
  rd: 'Recursion desired',
  ra: 'Recursion available',
  ad: 'AD bit',
  cd: 'Non-authenticated data',
  rcode: 'Reply code',
  question: 'Queries',
  answer: 'Answers',
  authority: 'Authoritative nameservers',
  additional: 'Additional records',
  opt: 'EDNS (OPT)',
};

/** The i18n key of a field: DNS's own names first, as they differ from the same letters elsewhere. */
export function fieldKey(layer: Layer, key: string): string {
  return layer.proto === 'dns' && key in DNS_FIELD_NAMES ? `field.dns.${key}` : `field.${key}`;
}

export function layerFieldName(layer: Layer, key: string): string {
  return (layer.proto === 'dns' ? DNS_FIELD_NAMES[key] : undefined) ?? fieldName(key);
}

const RCODES = ['No error', 'Format error', 'Server failure', 'No such name', 'Not implemented', 'Refused'];

type DnsRec = Extract<Layer, { proto: 'dns' }>['answer'][number];

/** A record as dig prints it: name, TTL, class, type, data. */
export function dnsRecordText(r: DnsRec): string {
  const data =
    r.type === 'SOA'
      ? `${r.data.mname} ${r.data.rname} ${r.data.serial} ${r.data.refresh} ${r.data.retry} ${r.data.expire} ${r.data.minimum}`
      : r.data;
  return `${r.name} ${r.ttl} IN ${r.type} ${data}`;
}

const EDNS_OPTIONS: Record<number, string> = {
  3: 'NSID',
  9: 'EXPIRE',
  10: 'COOKIE',
  11: 'TCP-KEEPALIVE',
  12: 'PADDING',
};

type Opt = NonNullable<Extract<Layer, { proto: 'dns' }>['opt']>;

/** The OPT record as Wireshark's tree reads it: UDP payload size, version, DO, the options. */
function ednsText(o: Opt): string {
  const opts = o.options.map((x) => `${EDNS_OPTIONS[x.code] ?? `option ${x.code}`} ${x.data}`);
  return [
    `UDP payload size ${o.udpSize}`,
    `version ${o.version}`,
    `DO ${o.flags & 0x8000 ? 'set' : 'not set'}`,
    ...opts,
  ].join('; ');
}

function dnsSummary(l: Extract<Layer, { proto: 'dns' }>): string {
  const q = l.question.map((x) => `${x.type} ${x.name}`).join(', ');
  // tshark ends the line with " OPT" when the message carries an OPT record.
  const opt = l.opt ? ' OPT' : '';
  if (!l.qr) return `Standard query 0x${l.id.toString(16).padStart(4, '0')} ${q}${opt}`;
  const rc = l.rcode === 0 ? '' : ` ${RCODES[l.rcode] ?? `rcode ${l.rcode}`}`;
  return `Standard query response 0x${l.id.toString(16).padStart(4, '0')}${rc} ${q}${opt}`;
}

export function fieldValue(layer: Layer, key: string, value: unknown): string {
  if (layer.proto === 'dns') {
    if (key === 'question' && Array.isArray(value))
      return (
        (value as { name: string; type: string }[]).map((q) => `${q.name} IN ${q.type}`).join('; ') ||
        '(none)'
      );
    if (Array.isArray(value)) return (value as DnsRec[]).map(dnsRecordText).join('; ') || '(none)';
    if (key === 'rcode' && typeof value === 'number') return `${RCODES[value] ?? 'other'} (${value})`;
    if (key === 'id' && typeof value === 'number') return `0x${value.toString(16).padStart(4, '0')}`;
    if (key === 'opt' && layer.opt) return ednsText(layer.opt);
  }
  // Only present when a vxlan device with noudpcsum sent it: otherwise the checksum is computed.
  if (key === 'zeroChecksum') return '0x0000 (none: the sender has noudpcsum)';
  if (typeof value === 'boolean') return value ? 'set' : 'not set';
  if (typeof value !== 'number') return String(value);
  if ((layer.proto === 'eth' && key === 'type') || (layer.proto === 'gre' && key === 'protocol'))
    return `${ETHERTYPES[value] ?? 'unknown'} (0x${value.toString(16).padStart(4, '0')})`;
  if (layer.proto === 'ipv4' && key === 'protocol') return `${IP_PROTOS[value] ?? 'unknown'} (${value})`;
  if (layer.proto === 'gre' && key === 'key') return `0x${value.toString(16).padStart(8, '0')} (${value})`;
  if (layer.proto === 'ipv4' && key === 'id') return `0x${value.toString(16).padStart(4, '0')} (${value})`;
  if (layer.proto === 'icmp' && key === 'type') return `${value} (${ICMP_TYPES[value] ?? 'other'})`;
  if (layer.proto === 'ipv6' && key === 'next') return `${IP_PROTOS[value] ?? 'unknown'} (${value})`;
  if (layer.proto === 'icmpv6' && key === 'type') return `${value} (${ICMPV6_TYPES[value] ?? 'other'})`;
  if (layer.proto === 'icmpv6' && key === 'flags') return na6Flags(value);
  if (layer.proto === 'arp' && key === 'op')
    return value === 1 ? 'request (1)' : value === 2 ? 'reply (2)' : String(value);
  return String(value);
}

/** One-line summary of a layer, like Wireshark's tree headers. */
export function layerSummary(layer: Layer): string {
  switch (layer.proto) {
    case 'eth':
      return `Src: ${layer.src}, Dst: ${layer.dst}`;
    case 'arp':
      return layer.op === 1 ? `Who has ${layer.tpa}? Tell ${layer.spa}` : `${layer.spa} is at ${layer.sha}`;
    case 'ipv4':
      return `Src: ${layer.src}, Dst: ${layer.dst}, TTL ${layer.ttl}`;
    case 'icmp':
      return ICMP_TYPES[layer.type] ?? `type ${layer.type} code ${layer.code}`;
    case 'ipv6':
      return `Src: ${layer.src}, Dst: ${layer.dst}, Hop limit ${layer.hlim}`;
    case 'icmpv6':
      return ICMPV6_TYPES[layer.type] ?? `type ${layer.type} code ${layer.code}`;
    case 'udp':
      return `Src Port: ${layer.sport}, Dst Port: ${layer.dport}`;
    case 'tcp':
      return `${layer.sport} → ${layer.dport} [${layer.flags}]`;
    case 'vxlan':
      return `VNI: ${layer.vni}`;
    case 'dns':
      return dnsSummary(layer);
    case 'gre':
      return `Flags: 0x${layer.key !== undefined ? '2000' : '0000'}, Protocol Type: ${ETHERTYPES[layer.protocol] ?? 'unknown'} (0x${layer.protocol.toString(16).padStart(4, '0')})`;
  }
}

export function layerFields(layer: Layer): [string, unknown][] {
  return Object.entries(layer).filter(([k]) => k !== 'proto');
}

/** A neighbour advertisement's flags as Wireshark names them. */
function na6Flags(v: number): string {
  const names = [
    [0x80, 'Router'],
    [0x40, 'Solicited'],
    [0x20, 'Override'],
  ] as const;
  const set = names.filter(([bit]) => (v & bit) !== 0).map(([, n]) => n);
  return `0x${v.toString(16).padStart(2, '0')}${set.length ? ` (${set.join(', ')})` : ''}`;
}
