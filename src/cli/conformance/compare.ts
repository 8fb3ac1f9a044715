/**
 * Frame-by-frame comparison of what the kernel sent with what the Trace predicted, on
 * the fields the kernel makes deterministic. IP ids, ICMP echo ids, TCP sequence numbers
 * and ephemeral ports are chosen at random by the kernel (see the lab's README), so they
 * are not compared; everything else is.
 */
import type { Layer } from '../../engine/net/layers';

/** Ports the kernel picks at random (ip_local_port_range and the VXLAN source-port hash). */
const EPHEMERAL_MIN = 32768;

function port(p: number): number | 'ephemeral' {
  return p >= EPHEMERAL_MIN ? 'ephemeral' : p;
}

/** The comparable view of one layer. */
export function signature(l: Layer): Record<string, unknown> {
  switch (l.proto) {
    case 'eth':
      return { proto: 'eth', src: l.src, dst: l.dst, type: l.type };
    case 'arp':
      return { proto: 'arp', op: l.op, sha: l.sha, spa: l.spa, tha: l.tha, tpa: l.tpa };
    case 'ipv4':
      return {
        proto: 'ipv4',
        src: l.src,
        dst: l.dst,
        ttl: l.ttl,
        protocol: l.protocol,
        df: l.df,
        tos: l.tos,
      };
    case 'icmp':
      return {
        proto: 'icmp',
        type: l.type,
        code: l.code,
        ...(l.seq !== undefined ? { seq: l.seq } : {}),
        ...(l.mtu !== undefined ? { mtu: l.mtu } : {}),
        ...(l.gateway !== undefined ? { gateway: l.gateway } : {}),
      };
    case 'udp':
      return { proto: 'udp', sport: port(l.sport), dport: port(l.dport) };
    case 'tcp':
      return { proto: 'tcp', sport: port(l.sport), dport: port(l.dport), flags: l.flags };
    case 'vxlan':
      return { proto: 'vxlan', vni: l.vni };
    case 'gre':
      return { proto: 'gre', protocol: l.protocol, key: l.key };
    case 'dns':
      // The transaction id is random (glibc's res_mkquery); the rest is determined.
      return {
        proto: 'dns',
        qr: l.qr,
        aa: l.aa,
        rd: l.rd,
        ra: l.ra,
        rcode: l.rcode,
        question: l.question,
        answer: l.answer,
        authority: l.authority.map((r) => (r.type === 'SOA' ? { ...r, data: { ...r.data, serial: 0 } } : r)),
        ad: l.ad === true,
        // The OPT record's fields; an option's data (dig's cookie) is random, its code and size are not.
        opt: l.opt && {
          ...l.opt,
          options: l.opt.options.map((o) => ({ code: o.code, bytes: o.data.length / 2 })),
        },
      };
    case 'ipv6':
      // The flow label's value is a hash the kernel seeds at random (auto_flowlabels): only
      // whether there is one (every socket's and the kernel's ICMPv6) or not (NDP) is compared.
      return {
        proto: 'ipv6',
        src: l.src,
        dst: l.dst,
        hlim: l.hlim,
        next: l.next,
        tc: l.tc,
        flow: l.flow === 0 ? 0 : 'auto',
      };
    case 'icmpv6': {
      const { id: _id, ...rest } = l;
      return rest;
    }
  }
}

export interface FrameDiff {
  index: number;
  text: string;
}

/** The first field that differs between two frames, as "layer.field: kernel X, trace Y". */
/**
 * Ports NAT chose at random in the trace (MASQUERADE --random-fully, a clash-driven PAT):
 * the kernel draws its own, anywhere in 1024-65535, so those match any such kernel port.
 */
function natPortsMatch(
  ks: Record<string, unknown>,
  es: Record<string, unknown>,
  raw: Layer,
  randomPorts: Set<number>,
): void {
  if (raw.proto !== 'tcp' && raw.proto !== 'udp') return;
  for (const f of ['sport', 'dport'] as const) {
    const kp = ks[f];
    if (randomPorts.has(raw[f]) && (kp === 'ephemeral' || (typeof kp === 'number' && kp >= 1024)))
      ks[f] = es[f];
  }
}

export function diffFrames(
  kernel: Layer[],
  engine: Layer[],
  randomPorts: Set<number> = new Set(),
): string | undefined {
  const n = Math.max(kernel.length, engine.length);
  for (let i = 0; i < n; i++) {
    const k = kernel[i];
    const e = engine[i];
    if (!k || !e) return `layer ${i}: kernel ${k ? k.proto : 'none'}, trace ${e ? e.proto : 'none'}`;
    const ks = signature(k);
    const es = signature(e);
    natPortsMatch(ks, es, e, randomPorts);
    for (const f of new Set([...Object.keys(ks), ...Object.keys(es)])) {
      if (JSON.stringify(ks[f]) !== JSON.stringify(es[f])) {
        return `${k.proto}.${f}: kernel ${JSON.stringify(ks[f])}, trace ${JSON.stringify(es[f])}`;
      }
    }
  }
  return undefined;
}

/** Frames that are the kernel's background chatter, not part of any flow, and why the model leaves them out. */
export function noise(layers: Layer[]): string | undefined {
  const why6 = ipv6Noise(layers);
  if (why6) return why6;
  // Outer or carried in a tunnel: a bridge with a VXLAN port sends its reports through it too.
  if (layers.some((l) => l.proto === 'ipv4' && l.protocol === 2))
    return 'IGMP membership reports (a bridge with an address sends them; multicast is not modelled)';
  const eth = layers[0];
  if (eth?.proto === 'eth' && eth.dst.startsWith('01:80:c2'))
    return 'link-local control frames (STP/LLDP; not modelled)';
  return undefined;
}

/**
 * A TCP segment that only acknowledges (no data, no SYN/FIN/RST). When the kernel sends
 * one depends on delayed-ACK timers and on how fast the application answers; the model
 * ACKs at once. Both sides' pure ACKs are left out of the comparison.
 */
export function pureAck(layers: Layer[], payload: number): string | undefined {
  const tcp = layers.find((l) => l.proto === 'tcp');
  if (tcp && tcp.proto === 'tcp' && tcp.flags === '.' && payload === 0 && layers[layers.length - 1] === tcp) {
    return 'pure TCP ACKs (their timing follows delayed-ACK timers; the model acknowledges at once)';
  }
  return undefined;
}

/** A frame in a few words, for a difference's text: its layers, ICMP type/code, TCP flags. */
export function brief(layers: Layer[]): string {
  return layers
    .map((l) =>
      l.proto === 'icmp' || l.proto === 'icmpv6'
        ? `${l.proto} ${l.type}/${l.code}`
        : l.proto === 'tcp'
          ? `tcp ${l.flags}`
          : l.proto === 'arp'
            ? `arp ${l.op === 1 ? 'request' : 'reply'}`
            : l.proto,
    )
    .join('/');
}

/**
 * IPv6's own background traffic, which starts when a device comes up and is not modelled:
 * MLD reports (behind a hop-by-hop header) and router solicitations from hosts.
 */
function ipv6Noise(layers: Layer[]): string | undefined {
  const ip6 = layers.find((l) => l.proto === 'ipv6');
  if (!ip6 || ip6.proto !== 'ipv6') return undefined;
  if (ip6.next === 0) return 'MLD reports (IPv6 multicast listener reports; multicast is not modelled)';
  const icmp6 = layers.find((l) => l.proto === 'icmpv6');
  if (icmp6?.proto === 'icmpv6' && icmp6.type === 133)
    return 'router solicitations (hosts ask for routers at start-up; router discovery is not modelled)';
  return undefined;
}
