/**
 * Hops: the events of a Trace grouped the way a learner follows a packet. A hop is one packet
 * moving from one interface to the next (tx ... rx), one decision inside a namespace (route
 * lookup, netfilter, NAT, encapsulation, local delivery), or one whole neighbour resolution
 * with its ARP frames folded in. Hops partition the events in order; each belongs to a chapter
 * and may carry key moments. The grouping reads what the events mean, never which scenario ran.
 */
import { renderExplain } from './messages';
import { innerIp, isArpTraffic, replyPackets } from './replies';
import type { Chapter, Explain, Hop, KeyMoment, Topology, TraceEvent } from '../kernel/trace';
import type { Ipv4Layer, Ipv6Layer } from '../net/layers';

type Where = { netns: string; interface: string };

/**
 * The event at index i of a range the grouping made itself (a draft's first, last or focus):
 * always there, and an error naming the index if a bug ever made it not.
 */
function eventAt(events: TraceEvent[], i: number): TraceEvent {
  const e = events[i];
  // A plain Error: the trace's caller reports it as an internal error (asEngineError).
  if (e === undefined) throw new Error(`hop grouping: no event ${i} of ${events.length}`);
  return e;
}

/** A draft's events with their indices in the Trace, in order. */
function* eventsOf(
  events: TraceEvent[],
  d: { first: number; last: number },
): Generator<[number, TraceEvent]> {
  for (let i = d.first; i <= d.last; i++) yield [i, eventAt(events, i)];
}

/** Events that carry a frame between devices (or across a bridge). */
const WIRE = new Set(['tx', 'rx', 'bridge-forward', 'bridge-flood', 'bridge-learn']);

/** Codes that mean "the packet is wrapped / unwrapped" even when user space does it (flanneld's UDP backend). */
const ENCAP_CODES = new Set(['flanneld.udp-send']);
const DECAP_CODES = new Set(['flanneld.udp-recv']);
const BACKEND_CODES = new Set(['nf.endpoint', 'ipvs.schedule', 'kube-proxy.pick']);
const PROXY_ARP_CODES = new Set(['arp.proxy', 'arp.proxy-gateway', 'vxlan.proxy-arp']);

/** The key moments one event stands for. */
export function keyMomentsOf(e: TraceEvent): KeyMoment[] {
  const k: KeyMoment[] = [];
  const c = e.explain.code;
  if (e.kind === 'nat' || c === 'ipvs.dnat' || c === 'ipvs.unnat') k.push('nat');
  if (e.kind === 'encap' || ENCAP_CODES.has(c)) k.push('encap');
  if (e.kind === 'decap' || DECAP_CODES.has(c)) k.push('decap');
  if (e.kind === 'drop') k.push('drop');
  if (e.kind === 'icmp-error' || c === 'icmp.send-error') k.push('icmp-error');
  if (BACKEND_CODES.has(c)) k.push('backend');
  if (PROXY_ARP_CODES.has(c)) k.push('proxy-arp');
  return k;
}

/** A hop under construction. */
interface Draft {
  kind: Hop['kind'];
  first: number;
  last: number;
  netns: string;
  packetId?: number;
  /** A move has delivered the packet to its next interface; a decision has taken the packet in from a device. */
  rx: boolean;
  /** The packet reached a socket (or the kernel's own answer): the decision is over. */
  ended: boolean;
  /** The port a bridge chose for the frame in this move. */
  outPort?: string;
}

/**
 * The ranges of whole neighbour resolutions: from the miss that queues the packet to the event
 * that completes it (the packet is sent) or gives up (the drop), on the same netns and device.
 */
function resolutions(events: TraceEvent[]): Map<number, number> {
  const ranges = new Map<number, number>();
  // The loops run until the index passes the last event (events[i] is undefined there); both
  // skip ahead past a resolution or a packet that joined its queue.
  for (let i = 0, e = events[i]; e !== undefined; e = events[++i]) {
    if (e.explain.code !== 'neigh.miss' && e.explain.code !== 'ndisc.miss') continue;
    let end = i;
    for (let j = i + 1, f = events[j]; f !== undefined; f = events[++j]) {
      const sameDev = f.netns === e.netns && f.interface === e.interface;
      const done = f.explain.code === 'neigh.resolved' || f.explain.code === 'drop.neigh-failed';
      if (sameDev && (done || f.explain.code === 'ndisc.failed')) {
        end = j;
        break;
      }
      // Without a completion, the resolution lasts as long as its ARP frames do.
      if (isArpTraffic(f) || f.explain.code === 'neigh.wait') end = j;
      else if (f.kind === 'ignore') continue;
      else {
        // Another packet sent meanwhile that ends up on this neighbour's queue (arp_queue) waits
        // with the first: its sending is part of the same wait, not a hop of its own.
        const joined = joinsQueue(events, j, e);
        if (joined === undefined) break;
        end = j = joined;
      }
    }
    ranges.set(i, end);
    i = end;
  }
  return ranges;
}

/**
 * From event `j`, the events of one packet in the resolving netns up to the neigh.wait that puts
 * it on the queue of the same device: the index of that wait, or undefined when it goes elsewhere.
 */
function joinsQueue(events: TraceEvent[], j: number, miss: TraceEvent): number | undefined {
  const id = events[j]?.packetId;
  for (let k = j, f = events[k]; f !== undefined; f = events[++k]) {
    if (f.netns !== miss.netns || isArpTraffic(f) || (id !== undefined && f.packetId !== id))
      return undefined;
    if (f.explain.code === 'neigh.wait') return f.interface === miss.interface ? k : undefined;
  }
  return undefined;
}

/** Split the events into drafts: contiguous runs that read as one hop. */
function draftHops(events: TraceEvent[]): Draft[] {
  const drafts: Draft[] = [];
  const resolve = resolutions(events);
  let cur: Draft | undefined;
  for (let i = 0, e = events[i]; e !== undefined; e = events[++i]) {
    const end = resolve.get(i);
    if (end !== undefined) {
      cur = {
        kind: 'resolve',
        first: i,
        last: end,
        netns: e.netns,
        packetId: e.packetId,
        rx: false,
        ended: true,
      };
      drafts.push(cur);
      i = end;
      continue;
    }
    if (cur && continues(cur, e)) {
      cur.last = i;
      cur.packetId ??= e.packetId;
      if (e.kind === 'rx') cur.rx = true;
      if (e.kind === 'deliver') cur.ended = true;
      if (e.kind === 'bridge-forward' && typeof e.explain.args.out === 'string')
        cur.outPort = e.explain.args.out;
      // A packet handed to a device with no wire (a tunnel, a TUN) is now being decided on.
      if (cur.kind === 'move' && !WIRE.has(e.kind) && cur.outPort === undefined) cur.kind = 'decision';
      continue;
    }
    const kind = WIRE.has(e.kind) ? 'move' : 'decision';
    const rx = e.kind === 'rx';
    cur = { kind, first: i, last: i, netns: e.netns, packetId: e.packetId, rx, ended: e.kind === 'deliver' };
    if (e.kind === 'bridge-forward' && typeof e.explain.args.out === 'string')
      cur.outPort = e.explain.args.out;
    drafts.push(cur);
  }
  return mergeArrivals(drafts, events);
}

const LOCAL_IN = new Set(['route-lookup', 'netfilter', 'deliver']);

/**
 * A packet that arrives and is taken in by the namespace it arrived in (the local route, INPUT,
 * the socket or the kernel's own answer) reads as one hop: "it reaches pod-b and pod-b answers".
 */
function mergeArrivals(drafts: Draft[], events: TraceEvent[]): Draft[] {
  const out: Draft[] = [];
  for (const d of drafts) {
    const prev = out[out.length - 1];
    const evs = events.slice(d.first, d.last + 1);
    const arrival =
      prev?.kind === 'move' &&
      prev.rx &&
      d.kind === 'decision' &&
      d.packetId === prev.packetId &&
      eventAt(events, prev.last).netns === d.netns &&
      evs.every((e) => LOCAL_IN.has(e.kind)) &&
      evs.some((e) => e.kind === 'deliver');
    if (arrival) {
      prev.last = d.last;
      prev.ended = true;
    } else out.push(d);
  }
  return out;
}

/** Whether event `e` continues the hop under construction. */
function continues(cur: Draft, e: TraceEvent): boolean {
  if (cur.kind === 'resolve') return false;
  if (e.packetId !== undefined && cur.packetId !== undefined && e.packetId !== cur.packetId) return false;
  if (cur.kind === 'move') {
    if (e.kind === 'bridge-learn') return true;
    if (e.kind === 'rx') return !cur.rx;
    // The bridge (or the next veth) takes over once the frame has arrived somewhere.
    if (e.kind === 'bridge-forward' || e.kind === 'bridge-flood') return !cur.rx;
    // The bridge sends the frame out of the port it chose: still the same move, into that port's peer.
    if (e.kind === 'tx') return !cur.rx && cur.outPort === e.interface;
    // Between the bridge's choice and its port, bridged netfilter (br_netfilter's FORWARD) has its say.
    if (cur.outPort !== undefined) return !cur.rx && (e.kind === 'netfilter' || e.kind === 'nat');
    // A tx that reached no interface went into a tunnel device: what follows decides its fate.
    return !cur.rx && e.netns === cur.netns;
  }
  // A decision: more decisions in the same namespace, until the packet is taken in from a device
  // (a decapsulated packet arriving on the tunnel device) or handed to a local socket.
  if (e.netns !== cur.netns || cur.rx) return false;
  if (e.kind === 'rx') return true;
  return !WIRE.has(e.kind) && !cur.ended;
}

const FOCUS_ORDER: KeyMoment[] = ['drop', 'icmp-error', 'encap', 'decap', 'nat', 'backend', 'proxy-arp'];

/** The event that stands for the hop: where a move arrives, the key moment or verdict of a decision. */
function focusOf(events: TraceEvent[], d: Draft): number {
  const range = (pred: (e: TraceEvent) => boolean): number => {
    for (let i = d.last; i >= d.first; i--) if (pred(eventAt(events, i))) return i;
    return -1;
  };
  if (d.kind === 'move') {
    const stop = range((e) => e.kind === 'deliver' || e.kind === 'rx');
    return stop >= 0 ? stop : d.last;
  }
  if (d.kind === 'resolve') return d.last;
  for (const k of FOCUS_ORDER) {
    const i = range((e) => keyMomentsOf(e).includes(k));
    if (i >= 0) return i;
  }
  for (const kind of ['deliver', 'route-lookup'] as const) {
    const i = range((e) => e.kind === kind);
    if (i >= 0) return i;
  }
  return d.last;
}

interface Context {
  events: TraceEvent[];
  root: Map<string, boolean>;
  machineOf: Map<string, string>;
  peers: Map<string, Where>;
  /** Interfaces cabled to an L2 segment (physical NICs). */
  cabled: Set<string>;
  replies: Set<number>;
  source: string;
}

const whereKey = (w: Where): string => `${w.netns}\u0000${w.interface}`;

function contextOf(events: TraceEvent[], topology: Topology, source: string): Context {
  const root = new Map<string, boolean>();
  const machineOf = new Map<string, string>();
  const peers = new Map<string, Where>();
  const cabled = new Set<string>();
  for (const ns of topology.netns) {
    root.set(ns.name, ns.root);
    machineOf.set(ns.name, ns.machine);
    for (const i of ns.interfaces) {
      const k = whereKey({ netns: ns.name, interface: i.name });
      if (i.peer) peers.set(k, i.peer);
      if (i.segment !== undefined) cabled.add(k);
    }
  }
  return { events, root, machineOf, peers, cabled, replies: replyPackets(events), source };
}

/** Where a move starts and ends: its first transmit and its receive (or where its last transmit leads). */
function endsOf(c: Context, d: Draft, prev: Where | undefined): { from?: Where; to?: Where } {
  const at = (e: TraceEvent): Where | undefined =>
    e.interface !== undefined ? { netns: e.netns, interface: e.interface } : undefined;
  let from: Where | undefined;
  let to: Where | undefined;
  for (const [i, e] of eventsOf(c.events, d)) {
    // A move that begins at a bridge starts where the packet last was: the port it came in on.
    if (e.kind === 'tx' && !from && (i === d.first || !prev)) from = at(e);
    if (e.kind === 'rx') to = at(e);
    const out = e.explain.args.out;
    if (!to && e.kind === 'bridge-forward' && typeof out === 'string')
      to = { netns: e.netns, interface: out };
  }
  from ??= prev;
  const last = eventAt(c.events, d.last);
  if (!to && last.kind === 'tx' && last.interface !== undefined) {
    to = c.peers.get(whereKey({ netns: last.netns, interface: last.interface }));
  }
  return { ...(from ? { from } : {}), ...(to ? { to } : {}) };
}

/** The chapter the hop tells, before replies are set apart. */
function chapterOf(c: Context, d: Draft, key: KeyMoment[], ends: { from?: Where; to?: Where }): Chapter {
  if (d.kind === 'resolve') return 'resolve';
  const evs = c.events.slice(d.first, d.last + 1);
  if (d.kind === 'move') {
    const { from, to } = ends;
    if (from && to && c.machineOf.get(from.netns) !== c.machineOf.get(to.netns)) return 'underlay';
    if (!to && from && c.cabled.has(whereKey({ netns: from.netns, interface: from.interface })))
      return 'underlay';
    // Switched between two ports (or flooded) is the bridge's story; the host's own frame sent
    // through the bridge into a pod is a delivery.
    const switched = evs.some((e) => e.kind === 'bridge-flood' || e.explain.code === 'bridge.forward');
    if (from && c.root.get(from.netns) === false && to?.netns !== from.netns) return 'leave-pod';
    if (!switched && to && c.root.get(to.netns) === false) return 'deliver';
    if (switched || evs.some((e) => e.kind === 'bridge-forward')) return 'bridge';
    return 'route';
  }
  if (key.includes('encap')) return 'encapsulate';
  if (key.includes('decap')) return 'decapsulate';
  if (evs.some((e) => e.kind === 'deliver')) return 'deliver';
  const nfDrop = evs.some((e) => e.kind === 'drop' && e.explain.code.startsWith('drop.nf'));
  if (key.includes('nat') || key.includes('backend') || nfDrop) return 'netfilter';
  if (evs.every((e) => e.kind === 'netfilter')) return 'netfilter';
  const sends = evs.some((e) => e.explain.code.startsWith('route.output'));
  if (sends && d.netns === c.source) return 'leave-pod';
  return 'route';
}

const place = (w: Where): string => `${w.netns} ${w.interface}`;

/** The hop's one-line title as a message code and its real values. */
function explainOf(c: Context, d: Draft, h: Omit<Hop, 'explain' | 'title'>, chapter: Chapter): Explain {
  const e = eventAt(c.events, h.focus);
  const a = e.explain.args;
  const ns = h.netns;
  if (d.kind === 'resolve') {
    const failed = ['drop.neigh-failed', 'ndisc.failed'].includes(eventAt(c.events, d.last).explain.code);
    const miss = eventAt(c.events, d.first).explain;
    const first = miss.args;
    // On an IPv6 link the question is neighbour discovery's, not ARP's.
    const v6 = miss.code === 'ndisc.miss' ? '6' : '';
    return {
      code: failed ? `hop.resolve${v6}-failed` : `hop.resolve${v6}`,
      args: { ns, ip: first.ip ?? '?', dev: first.dev ?? '?' },
    };
  }
  if (d.kind === 'move') {
    if (h.from && h.to) return { code: 'hop.move', args: { from: place(h.from), to: place(h.to) } };
    const at = h.from ?? h.to;
    return { code: 'hop.move-out', args: { from: at ? place(at) : ns } };
  }
  const k = h.key ?? [];
  // The device the decision is about: the focus event's, else the first one the hop names.
  const evs = c.events.slice(d.first, d.last + 1).filter((x) => x.interface !== undefined);
  // A decapsulated packet comes out of the tunnel device last; an encapsulated one went in first.
  const named = k.includes('decap') ? evs[evs.length - 1] : evs[0];
  const dev = e.interface ?? named?.interface ?? ns;
  if (k.includes('drop')) return { code: 'hop.drop', args: { ns, dev } };
  if (k.includes('icmp-error')) return { code: 'hop.icmp-error', args: { ns } };
  if (k.includes('encap')) return { code: 'hop.encap', args: { ns, dev } };
  if (k.includes('decap')) return { code: 'hop.decap', args: { ns, dev } };
  if (k.includes('nat') && a.from !== undefined && a.to !== undefined) {
    return { code: 'hop.nat', args: { ns, from: a.from, to: a.to } };
  }
  if (k.includes('backend')) {
    const backend = a.endpoint ?? a.real;
    if (backend !== undefined) return { code: 'hop.backend', args: { ns, backend } };
  }
  const ip = innerIp(e.packet);
  if (chapter === 'deliver') return { code: 'hop.deliver', args: { ns } };
  if (chapter === 'leave-pod' && ip) return { code: 'hop.send', args: { ns, dst: ip.dst } };
  if (chapter === 'netfilter') return { code: 'hop.netfilter', args: { ns } };
  if (!ip) return { code: 'hop.control', args: { ns } };
  // A router decides by the outermost header: r1 routes a tunnel's datagram to the far host,
  // never to the pod address inside it.
  const outer =
    e.packet?.find((l): l is Ipv4Layer | Ipv6Layer => l.proto === 'ipv4' || l.proto === 'ipv6') ?? ip;
  return { code: 'hop.route', args: { ns, dst: outer.dst } };
}

/**
 * Group a Trace's events into hops. `source` is the flow's netns (where the journey starts),
 * `topology` tells root namespaces, machines and veth peers apart.
 */
export function groupHops(events: TraceEvent[], topology: Topology, source: string): Hop[] {
  const c = contextOf(events, topology, source);
  const lastAt = new Map<number, Where>();
  return draftHops(events).map((d) => {
    const focus = focusOf(events, d);
    const fe = eventAt(events, focus);
    const key = [...new Set(events.slice(d.first, d.last + 1).flatMap(keyMomentsOf))];
    const prev = d.packetId !== undefined ? lastAt.get(d.packetId) : undefined;
    const ends = d.kind === 'move' ? endsOf(c, d, prev) : {};
    if (d.packetId !== undefined) {
      for (const [, e] of eventsOf(events, d)) {
        if (e.interface !== undefined && (e.kind === 'rx' || e.kind === 'tx')) {
          lastAt.set(d.packetId, { netns: e.netns, interface: e.interface });
        }
      }
    }
    const reply = d.packetId !== undefined && c.replies.has(d.packetId);
    const told = chapterOf(c, d, key, ends);
    const h: Omit<Hop, 'explain' | 'title'> = {
      first: d.first,
      last: d.last,
      focus,
      kind: d.kind,
      chapter: reply && told !== 'resolve' ? 'reply' : told,
      machine: fe.machine,
      netns: fe.netns,
      ...ends,
      ...(d.packetId !== undefined ? { packetId: d.packetId } : {}),
      reply,
      ...(key.length ? { key } : {}),
    };
    const explain = explainOf(c, d, h, told);
    return { ...h, explain, title: renderExplain(explain) };
  });
}
