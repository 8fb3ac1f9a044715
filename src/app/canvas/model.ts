/**
 * Pure state logic of the canvas: what the packet marker shows at a given step.
 * No DOM, no D3: everything here is derived from the Trace and unit-tested in Node.
 * The canvas never computes a hop: positions come from the events of the Trace.
 */
import type { Layer } from '../../engine/net/layers';
import { renderExplain } from '../../engine/sim/messages';
import type { Trace, TraceEvent } from '../../engine/kernel/trace';
import { currentLang } from '../i18n';
import type { UiKey } from '../i18n/ui-en';
import { ownLayers } from './ownLayers';
import { wording, type Wording } from './words';

/** The page's current language (the default of every labelling function below). */
const current = (): Wording => wording(currentLang());

export type MarkerKind = 'arp-request' | 'arp-reply' | 'icmp' | 'tcp' | 'udp' | 'ip' | 'frame' | 'none';
export type EnvelopeKind = 'vxlan' | 'ipip' | 'gre' | 'udp';

export interface Envelope {
  kind: EnvelopeKind;
  /** Compact label: "VXLAN 1", "IPIP", "UDP 8285". */
  label: string;
}

export interface MarkerState {
  step: number;
  netns: string;
  interface: string | null;
  kind: MarkerKind;
  /** The outer envelope the packet travels in at this step (null when not encapsulated). */
  envelope: Envelope | null;
  /** 'encap' when this step added an outer header, 'decap' when it removed one. */
  transition: 'encap' | 'decap' | null;
  /** Compact header-stack label, e.g. "ICMP echo request · TTL 63" (in the page's language). */
  label: string;
  dropped: boolean;
  /** The reason text of a drop (event.explanation). */
  reason: string | null;
  /** The address rewrite a 'nat' event made, e.g. "SNAT 172.17.0.2 → 192.168.145.128" (null otherwise). */
  rewrite: string | null;
  /** Which NAT a 'nat' event did ("SNAT", "DNAT", "SNAT undone"), null otherwise. */
  nat: string | null;
  /** Index of the TCP/UDP conversation (distinct 4-tuples, NAT-merged), in order of appearance. */
  connectionIndex: number | null;
  packetId: number | null;
}

const ICMP_NAMES: Record<number, UiKey> = {
  0: 'canvas.icmp.echoReply',
  3: 'canvas.icmp.unreachable',
  5: 'canvas.icmp.redirect',
  8: 'canvas.icmp.echoRequest',
  11: 'canvas.icmp.timeExceeded',
};

/** ICMPv6's own numbers (RFC 4443, RFC 4861), not ICMP's. */
const ICMPV6_NAMES: Record<number, UiKey> = {
  1: 'canvas.icmp.unreachable',
  2: 'canvas.icmp6.tooBig',
  3: 'canvas.icmp.timeExceeded',
  128: 'canvas.icmp.echoRequest',
  129: 'canvas.icmp.echoReply',
  137: 'canvas.icmp.redirect',
};

type IpLayer = Layer & { proto: 'ipv4' | 'ipv6' };

/** Neighbour discovery's solicitation or advertisement, which plays ARP's part on an IPv6 link. */
function ndpOf(layers: readonly Layer[]): (Layer & { proto: 'icmpv6' }) | undefined {
  const l = layers.find((x) => x.proto === 'icmpv6' && (x.type === 135 || x.type === 136));
  return l?.proto === 'icmpv6' ? l : undefined;
}

function ipv4Count(layers: readonly Layer[] | undefined): number {
  if (!layers) return 0;
  let n = 0;
  for (const l of ownLayers(layers)) if (l.proto === 'ipv4') n++;
  return n;
}

/** The outer envelope of an encapsulated packet: layers before the inner IPv4 header. */
export function envelopeOf(all: readonly Layer[] | undefined): Envelope | null {
  if (!all) return null;
  const layers = ownLayers(all);
  const firstIp = layers.findIndex((l) => l.proto === 'ipv4');
  if (firstIp < 0) return null;
  const outer = layers[firstIp];
  if (outer?.proto !== 'ipv4') return null;
  const next = layers[firstIp + 1];
  if (next?.proto === 'ipv4' || outer.protocol === 4) return { kind: 'ipip', label: 'IPIP' };
  if (next?.proto === 'gre')
    return { kind: 'gre', label: next.key !== undefined ? `GRE key ${next.key}` : 'GRE' };
  if (next?.proto === 'udp') {
    const after = layers[firstIp + 2];
    if (after?.proto === 'vxlan') return { kind: 'vxlan', label: `VXLAN ${after.vni}` };
    // Any further IPv4 header inside UDP (flannel's udp backend) is an envelope.
    if (layers.slice(firstIp + 2).some((l) => l.proto === 'ipv4')) {
      return { kind: 'udp', label: `UDP ${next.dport}` };
    }
  }
  return null;
}

/** The innermost IP header of the packet itself (not one an ICMP error quotes) and what follows it. */
function innermostOwn(layers: readonly Layer[]): { ip?: IpLayer; l4?: Layer } {
  return innermost(ownLayers(layers));
}

/** The innermost IPv4 or IPv6 header and what follows it. */
function innermost(layers: readonly Layer[]): { ip?: IpLayer; l4?: Layer } {
  for (let i = layers.length - 1; i >= 0; i--) {
    const l = layers[i];
    if (l?.proto === 'ipv4' || l?.proto === 'ipv6') return { ip: l, l4: layers[i + 1] };
  }
  return {};
}

export function markerKindOf(layers: readonly Layer[] | undefined): MarkerKind {
  if (!layers || layers.length === 0) return 'none';
  const arp = layers.find((l) => l.proto === 'arp');
  if (arp?.proto === 'arp') return arp.op === 2 ? 'arp-reply' : 'arp-request';
  const nd = ndpOf(layers);
  if (nd) return nd.type === 136 ? 'arp-reply' : 'arp-request';
  const { ip, l4 } = innermostOwn(layers);
  if (!ip) return 'frame';
  if (l4?.proto === 'icmp' || l4?.proto === 'icmpv6') return 'icmp';
  if (l4?.proto === 'tcp') return 'tcp';
  if (l4?.proto === 'udp') return 'udp';
  return 'ip';
}

const TCP_FLAG_NAMES: Record<string, string> = {
  S: 'SYN',
  'S.': 'SYN-ACK',
  '.': 'ACK',
  'P.': 'PSH-ACK',
  'F.': 'FIN-ACK',
  R: 'RST',
  'R.': 'RST-ACK',
};

/**
 * A compact, human label for the header stack (the envelope is labelled separately). Protocol
 * names, flags, ports and addresses stay as the tools print them; the words around them are `w`'s.
 */
export function packetLabel(layers: readonly Layer[] | undefined, w: Wording = current()): string {
  if (!layers || layers.length === 0) return '';
  const arp = layers.find((l) => l.proto === 'arp');
  if (arp?.proto === 'arp') {
    return arp.op === 2
      ? w.t('canvas.arpReply', { ip: arp.spa, mac: arp.sha })
      : w.t('canvas.arpRequest', { ip: arp.tpa });
  }
  const nd = ndpOf(layers);
  if (nd) {
    const target = nd.target ?? '?';
    return nd.type === 136
      ? w.t('canvas.ndpAdvert', { ip: target, mac: nd.lladdr ?? '?' })
      : w.t('canvas.ndpSolicit', { ip: target });
  }
  const { ip, l4 } = innermostOwn(layers);
  if (!ip) {
    const eth = layers[0];
    return eth?.proto === 'eth' ? `Ethernet 0x${eth.type.toString(16).padStart(4, '0')}` : layers[0]!.proto;
  }
  // IPv6 has a hop limit where IPv4 has a TTL: the same countdown, another name.
  const ttl = ip.proto === 'ipv4' ? `TTL ${ip.ttl}` : w.t('canvas.hopLimit', { hlim: ip.hlim });
  if (l4?.proto === 'icmp') {
    const key = ICMP_NAMES[l4.type];
    return `ICMP ${key ? w.t(key) : w.t('canvas.icmp.type', { type: l4.type })} · ${ttl}`;
  }
  if (l4?.proto === 'icmpv6') {
    const key = ICMPV6_NAMES[l4.type];
    return `ICMPv6 ${key ? w.t(key) : w.t('canvas.icmp.type', { type: l4.type })} · ${ttl}`;
  }
  if (l4?.proto === 'tcp') {
    const flags = TCP_FLAG_NAMES[l4.flags] ?? `[${l4.flags}]`;
    return `TCP ${flags} ${l4.sport}→${l4.dport} · ${ttl}`;
  }
  if (l4?.proto === 'udp') return `UDP ${l4.sport}→${l4.dport} · ${ttl}`;
  if (ip.proto === 'ipv6') return `${w.t('canvas.ip6Next', { next: ip.next })} · ${ttl}`;
  return `${w.t('canvas.ipProto', { proto: ip.protocol })} · ${ttl}`;
}

/** An ICMP type's name in `w`'s language ("echo request"). */
export function icmpName(type: number, w: Wording = current()): string {
  const key = ICMP_NAMES[type];
  return key ? w.t(key) : w.t('canvas.icmp.type', { type });
}

/** An ICMPv6 type's name in `w`'s language; neighbour discovery's by what it does. */
export function icmp6Name(type: number, w: Wording = current()): string {
  if (type === 135) return w.t('canvas.ndp.ns');
  if (type === 136) return w.t('canvas.ndp.na');
  const key = ICMPV6_NAMES[type];
  return key ? w.t(key) : w.t('canvas.icmp.type', { type });
}

/**
 * Normalised (direction-free) 4-tuple of the innermost TCP/UDP header, or null. An ICMP error
 * counts by the datagram it quotes, so it joins that conversation as conntrack relates it.
 */
export function conversationKey(layers: readonly Layer[] | undefined): string | null {
  if (!layers) return null;
  const { ip, l4 } = innermost(layers);
  if (!ip || ip.proto !== 'ipv4' || !l4 || (l4.proto !== 'tcp' && l4.proto !== 'udp')) return null;
  const a = `${ip.src}:${l4.sport}`;
  const b = `${ip.dst}:${l4.dport}`;
  return `${l4.proto} ${a < b ? `${a} ${b}` : `${b} ${a}`}`;
}

/**
 * Number the conversations of a trace. Two 4-tuples belong to the same conversation when the
 * same packet (packetId) carried both, i.e. NAT rewrote it; a proxy's second connection is made
 * of new packets and so gets its own index. Returns, per event index, the index or null.
 */
export function connectionIndices(trace: Pick<Trace, 'events'>): (number | null)[] {
  const parent = new Map<string, string>();
  const find = (k: string): string => {
    let r = k;
    while (parent.get(r) !== r) r = parent.get(r)!;
    parent.set(k, r);
    return r;
  };
  const add = (k: string) => {
    if (!parent.has(k)) parent.set(k, k);
  };
  const keys = trace.events.map((e) => conversationKey(e.packet));
  const byPacket = new Map<number, string>();
  trace.events.forEach((e, i) => {
    const k = keys[i];
    if (!k) return;
    add(k);
    if (e.packetId === undefined) return;
    const prev = byPacket.get(e.packetId);
    if (prev === undefined) byPacket.set(e.packetId, k);
    else {
      const ra = find(prev);
      const rb = find(k);
      if (ra !== rb) {
        // Keep the root that appeared first so numbering follows first appearance.
        parent.set(rb, ra);
      }
    }
  });
  const order = new Map<string, number>();
  return keys.map((k) => {
    if (!k) return null;
    const root = find(k);
    let idx = order.get(root);
    if (idx === undefined) {
      idx = order.size;
      order.set(root, idx);
    }
    return idx;
  });
}

export function previousWithPacket(events: readonly TraceEvent[], step: number): TraceEvent | undefined {
  const cur = events[step];
  for (let i = step - 1; i >= 0; i--) {
    const e = events[i]!;
    if (!e.packet) continue;
    if (cur?.packetId === undefined || e.packetId === undefined || e.packetId === cur.packetId) return e;
  }
  return undefined;
}

/** The NAT badge's name: SNAT and DNAT are what iptables calls them; "undone" is a word. */
function natName(code: string, w: Wording): string {
  if (code === 'nat.snat') return 'SNAT';
  if (code === 'nat.dnat') return 'DNAT';
  if (code === 'nat.undo-snat') return w.t('canvas.nat.undoSnat');
  if (code === 'nat.undo-dnat') return w.t('canvas.nat.undoDnat');
  return 'NAT';
}

/** "a:p → b:p" without the ports when NAT kept the port. */
function rewritePair(from: string, to: string): string {
  const a = /^(.*):(\d+)$/.exec(from);
  const b = /^(.*):(\d+)$/.exec(to);
  if (a && b && a[2] === b[2]) return `${a[1]} → ${b[1]}`;
  return `${from} → ${to}`;
}

/** The short badge of a 'nat' event: which NAT, and the address it rewrote. */
export function natRewrite(
  ev: TraceEvent,
  prev: TraceEvent | undefined,
  w: Wording = current(),
): string | null {
  if (ev.kind !== 'nat') return null;
  const name = natName(ev.explain.code, w);
  const { from, to } = ev.explain.args;
  if (typeof from === 'string' && typeof to === 'string') return `${name} ${rewritePair(from, to)}`;
  // No values in the explanation: compare the IPv4 headers before and after.
  const before = prev?.packet ? innermostOwn(prev.packet).ip : undefined;
  const after = ev.packet ? innermostOwn(ev.packet).ip : undefined;
  if (before?.proto === 'ipv4' && after?.proto === 'ipv4') {
    if (before.src !== after.src) return `${name} ${before.src} → ${after.src}`;
    if (before.dst !== after.dst) return `${name} ${before.dst} → ${after.dst}`;
  }
  return name;
}

/**
 * The reason shown at a drop: the deciding iptables or nft rule when netfilter dropped it (as the
 * tool prints it), else the event's explanation in `w`'s language.
 */
export function dropReason(ev: TraceEvent, w: Wording = current()): string {
  const d = ev.decidedBy;
  if (d?.table === 'iptables' || d?.table === 'nftables') {
    const t = ev.traversed?.find((x) => x.row === d.row);
    const tool = d.table === 'iptables' ? 'iptables' : 'nft';
    return `${tool}${t ? ` ${t.table} ${t.chain}` : ''}: ${d.row.trim()}`;
  }
  // The Trace carries the English explanation; other languages render it from their own template.
  if (w.lang !== 'en' && w.explain[ev.explain.code]) return renderExplain(ev.explain, w.explain);
  return ev.explanation || ev.reason || w.t('canvas.dropped');
}

/** The packet marker at `step` (null when the step is out of range). */
export function markerStateAt(
  trace: Pick<Trace, 'events'>,
  step: number,
  connections: (number | null)[] = connectionIndices(trace),
  w: Wording = current(),
): MarkerState | null {
  const ev = trace.events[step];
  if (!ev) return null;
  const prev = previousWithPacket(trace.events, step);
  let transition: MarkerState['transition'] = null;
  if (ev.packet && prev?.packet) {
    const now = ipv4Count(ev.packet);
    const before = ipv4Count(prev.packet);
    if (now > before && before > 0) transition = 'encap';
    else if (now < before && now > 0) transition = 'decap';
  }
  const dropped = ev.kind === 'drop';
  return {
    step,
    netns: ev.netns,
    interface: ev.interface ?? null,
    kind: markerKindOf(ev.packet),
    envelope: envelopeOf(ev.packet),
    transition,
    label: packetLabel(ev.packet, w),
    dropped,
    reason: dropped ? dropReason(ev, w) : null,
    rewrite: natRewrite(ev, prev, w),
    nat: ev.kind === 'nat' ? natName(ev.explain.code, w) : null,
    connectionIndex: connections[step] ?? null,
    packetId: ev.packetId ?? null,
  };
}

/** Where something happened: "eth0 in pod1", or the namespace alone. */
export function placeName(netns: string, iface: string | null, w: Wording = current()): string {
  return iface ? w.t('canvas.place', { iface, netns }) : netns;
}

/** A one-line description of the marker for assistive technology. */
export function describeMarker(m: MarkerState | null, w: Wording = current()): string {
  if (!m) return w.t('canvas.desc.none');
  let what = m.label || w.t('canvas.desc.noPacket');
  if (m.envelope) what = w.t('canvas.desc.inside', { what, envelope: m.envelope.label });
  let text = w.t('canvas.desc.step', { n: m.step + 1, what, place: placeName(m.netns, m.interface, w) });
  if (m.rewrite) text = w.t('canvas.desc.nat', { text, rewrite: m.rewrite });
  if (m.dropped) text = w.t('canvas.desc.dropped', { text, reason: m.reason ?? '' });
  return text;
}

/**
 * Where the packet of `step` was last seen before it (the previous event of the same packet, or
 * the previous event when packets are not numbered): the start of the hop animated into `step`.
 */
export function previousPlace(
  trace: Pick<Trace, 'events'>,
  step: number,
): { netns: string; interface: string | null } | null {
  const ev = trace.events[step];
  if (!ev || step <= 0) return null;
  for (let i = step - 1; i >= 0; i--) {
    const e = trace.events[i]!;
    if (ev.packetId === undefined || e.packetId === ev.packetId)
      return { netns: e.netns, interface: e.interface ?? null };
  }
  // A packet's first event: it starts where the previous event happened (e.g. an ARP reply).
  const e = trace.events[step - 1]!;
  return { netns: e.netns, interface: e.interface ?? null };
}
