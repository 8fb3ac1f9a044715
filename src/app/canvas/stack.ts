/**
 * The packet as nested envelopes (pure, no DOM): a header stack, outermost first, split into the
 * packets it carries. A VXLAN frame is [eth ipv4 udp vxlan] around [eth ipv4 icmp]; IPIP is
 * [eth ipv4] around [ipv4 icmp]; GRE is [eth ipv4 gre] around [ipv4 icmp]; flannel's UDP backend is
 * [eth ipv4 udp] around [ipv4 icmp].
 * Both the canvas's packet strip and the Header stack panel draw these levels as nested boxes.
 */
import type { Layer } from '../../engine/net/layers';

/** Whether layer `i` starts a packet carried inside the layers before it. */
function startsInner(layers: readonly Layer[], i: number): boolean {
  const prev = layers[i - 1];
  const cur = layers[i];
  if (!prev || !cur) return false;
  if (prev.proto === 'vxlan') return true;
  return cur.proto === 'ipv4' && (prev.proto === 'ipv4' || prev.proto === 'udp' || prev.proto === 'gre');
}

/** The levels of a header stack, outermost first; each holds the indices of its own layers. */
export function nestLayers(layers: readonly Layer[]): number[][] {
  const out: number[][] = [];
  layers.forEach((_, i) => {
    if (i === 0 || startsInner(layers, i)) out.push([i]);
    else out[out.length - 1]!.push(i);
  });
  return out;
}

/** One field of a block; `old` is the value before this step when it changed (NAT, TTL). */
export interface Part {
  text: string;
  old?: string;
}

export interface Block {
  proto: Layer['proto'];
  /** Index in the header stack. */
  index: number;
  parts: Part[];
  /** Whether anything in this layer changed since the packet's previous event. */
  changed: boolean;
}

/**
 * The layer of `prev` that corresponds to layer `i` of `cur`, matched from the inside out (an
 * encapsulation adds layers outside, so the inner ones keep their place from the end).
 */
export function counterpart(
  prev: readonly Layer[] | undefined,
  cur: readonly Layer[],
  i: number,
): Layer | undefined {
  if (!prev) return undefined;
  const before = prev[prev.length - (cur.length - i)];
  return before && before.proto === cur[i]!.proto ? before : undefined;
}

function field(now: unknown, was: unknown): Part {
  const text = String(now);
  return was !== undefined && was !== now ? { text, old: String(was) } : { text };
}

/** The fields a block shows: those a learner follows (addresses, ports, TTL, VNI), as the tools print them. */
function partsOf(l: Layer, b: Record<string, unknown> | undefined): Part[] {
  const f = (k: string) => field((l as unknown as Record<string, unknown>)[k], b?.[k]);
  switch (l.proto) {
    case 'eth':
      // MACs change at every link: the Header stack panel has them; the strip keeps to what routing follows.
      return [];
    case 'arp':
      return [{ text: l.op === 2 ? 'is-at' : 'who-has' }, f(l.op === 2 ? 'spa' : 'tpa')];
    case 'ipv4':
      return [f('src'), { text: '→' }, f('dst'), { text: 'TTL' }, f('ttl')];
    case 'ipv6':
      // The hop limit is IPv6's TTL; tcpdump calls it hlim.
      return [f('src'), { text: '→' }, f('dst'), { text: 'hlim' }, f('hlim')];
    case 'icmpv6':
      // Neighbour discovery names the address it asks about or answers for.
      if (l.type === 135) return [{ text: 'who-has' }, f('target')];
      if (l.type === 136) return [{ text: 'is-at' }, f('target')];
      return l.code === 0 ? [] : [{ text: 'code' }, f('code')];
    case 'udp':
    case 'tcp':
      return [f('sport'), { text: '→' }, f('dport'), ...(l.proto === 'tcp' ? [f('flags')] : [])];
    case 'icmp':
      // Named by the strip ("echo request"); the numbers only when they are not a known pair.
      return l.code === 0 ? [] : [{ text: 'code' }, f('code')];
    case 'vxlan':
      return [{ text: 'VNI' }, f('vni')];
    case 'gre':
      return l.key !== undefined ? [{ text: 'key' }, f('key')] : [];
    case 'dns': {
      // The question, and for a reply what came back: as tcpdump's one line has them.
      const q = l.question[0];
      const ask = q ? [{ text: `${q.type}? ${q.name}` }] : [];
      if (!l.qr) return ask;
      const rc = ['', 'FormErr', 'ServFail', 'NXDomain', 'NotImp', 'Refused'][l.rcode] ?? `rcode ${l.rcode}`;
      const an = l.answer.map((r) => (typeof r.data === 'string' ? `${r.type} ${r.data}` : r.type));
      return [...ask, { text: [rc, ...an].filter(Boolean).join(', ') || 'no records' }];
    }
    default:
      return [];
  }
}

/** The blocks of a header stack, by level, with the values changed since `prev` kept as `old`. */
export function packetBlocks(layers: readonly Layer[], prev?: readonly Layer[]): Block[][] {
  return nestLayers(layers).map((level) =>
    level.map((i) => {
      const l = layers[i]!;
      const before = counterpart(prev, layers, i) as unknown as Record<string, unknown> | undefined;
      const parts = partsOf(l, before);
      const added = prev !== undefined && before === undefined;
      return { proto: l.proto, index: i, parts, changed: added || parts.some((p) => p.old !== undefined) };
    }),
  );
}
