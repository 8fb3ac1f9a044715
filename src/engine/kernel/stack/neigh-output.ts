/**
 * neigh_output and ARP resolution (net/core/neighbour.c, net/ipv4/arp.c): find the
 * next hop's MAC in the neighbour table, or queue the packet and ask with ARP requests
 * every retrans_time until mcast_solicit probes went unanswered.
 */
import { formatIp } from '../../net/ipv4';
import { ETH_P_IP, type Ipv4Layer, type Layer } from '../../net/layers';
import { BROADCAST_MAC, ZERO_MAC } from '../../net/mac';
import { ipOf } from '../addr';
import type { Device } from '../device';
import { isValid, NeighTable, type NeighEntry } from '../neigh';
import { neighEnqueue } from '../neigh-queue';
import type { Netns } from '../netns';
import { skbWith, withLayers, type Skb } from '../skb';
import { emit as emitEvent, type Emit } from '../emit';
import { neighRetransUs } from '../timing';
import { devQueueXmit } from '../xmit';
import { icmpSendError, ICMP } from './icmp';
import { selectSource } from './output';
import { arpSolicitSkb, neighStartDelay } from './neigh-timer';

/** The codes this module reports (kernel/message-codes.ts). */
const emit: Emit<'neigh'> = emitEvent;

export function neighOutput(dev: Device, nexthop: number, skb: Skb): void {
  const ns = dev.netns;
  if (dev.linkType === 'raw') {
    devQueueXmit(dev, skbWith(skb, { nexthop }));
    return;
  }
  if (dev.kind === 'loopback') {
    devQueueXmit(dev, frame(skb, ZERO_MAC, ZERO_MAC));
    return;
  }
  if (dev.noarp || nexthop === 0xffffffff || isSubnetBroadcast(dev, nexthop)) {
    devQueueXmit(dev, frame(skb, dev.mac, BROADCAST_MAC));
    return;
  }
  let e = ns.neigh.get(dev, nexthop);
  if (e && isValid(e.state) && e.mac) {
    // neigh_event_send: using a STALE entry starts the DELAY timer (reachability to be confirmed).
    if (e.state === 'STALE') neighStartDelay(e);
    emit(ns, {
      kind: 'neigh-resolve',
      dev,
      skb,
      decidedBy: { table: 'neigh', row: NeighTable.format(e) },
      code: 'neigh.hit',
      args: { ip: formatIp(nexthop), mac: e.mac, dev: dev.name, state: e.state },
    });
    devQueueXmit(dev, frame(skb, dev.mac, e.mac));
    return;
  }
  if (!e || e.state === 'FAILED') {
    e = newIncomplete(dev, nexthop);
    enqueue(e, skb);
    emit(ns, {
      kind: 'neigh-resolve',
      dev,
      skb,
      decidedBy: { table: 'neigh', row: NeighTable.format(e) },
      code: 'neigh.miss',
      args: { ip: formatIp(nexthop), dev: dev.name },
    });
    solicit(e, skb);
    return;
  }
  // INCOMPLETE: already asking; the packet waits in the queue too.
  enqueue(e, skb);
  emit(ns, {
    kind: 'neigh-resolve',
    dev,
    skb,
    code: 'neigh.wait',
    args: { ip: formatIp(nexthop), dev: dev.name },
  });
}

/** The packet waits for the MAC, within unres_qlen_bytes (neigh-queue.ts). */
function enqueue(e: NeighEntry, skb: Skb): void {
  neighEnqueue(e.queue, {
    skb,
    // A method, not an arrow property: no per-packet function naming under keepNames transpilers.
    done(mac) {
      if (mac) devQueueXmit(e.dev, frame(skb, e.dev.mac, mac));
    },
  });
}

/**
 * neigh_event_send without a packet (__ip_do_redirect's probe of a new gateway): an entry
 * not yet valid starts resolving; nothing waits on it.
 */
export function neighEventSend(dev: Device, ip: number): void {
  const ns = dev.netns;
  const old = ns.neigh.get(dev, ip);
  if (old && (isValid(old.state) || old.state === 'INCOMPLETE')) return;
  solicit(newIncomplete(dev, ip));
}

/** neigh_create in NUD_INCOMPLETE: a fresh entry, resolution about to start. */
function newIncomplete(dev: Device, ip: number): NeighEntry {
  const ns = dev.netns;
  const e: NeighEntry = {
    ip,
    dev,
    state: 'INCOMPLETE',
    queue: [],
    probes: 0,
    updated: ns.world.sched.now,
    origin: 'kernel',
  };
  ns.neigh.set(e);
  ns.changed('neigh');
  return e;
}

function solicit(e: NeighEntry, trigger?: Skb): void {
  const dev = e.dev;
  const ns = dev.netns;
  const ip = trigger?.layers[0] as Ipv4Layer | undefined;
  // arp_solicit with arp_announce=0: the packet's own source if it is ours, else an address of the device.
  const own = ip ? ipOf(ip.src) : 0;
  const spa = ip && ns.isLocal(own) ? own : selectSource(ns, dev, e.ip, 'link');
  const retrans = ns.sysctl.get('net.ipv4.neigh.default.retrans_time_ms') * 1000;
  const maxProbes = ns.sysctl.get('net.ipv4.neigh.default.mcast_solicit');
  arpProbe(e, dev, ns, spa, retrans, maxProbes);
}

/** One ARP request of a resolution, then the next one after retrans_time (a module function: it runs per probe). */
function arpProbe(
  e: NeighEntry,
  dev: Device,
  ns: Netns,
  spa: number,
  retrans: number,
  maxProbes: number,
): void {
  if (ns.neigh.get(dev, e.ip) !== e || e.state !== 'INCOMPLETE') return;
  if (e.probes >= maxProbes) {
    fail(e);
    return;
  }
  e.probes++;
  const req = arpSolicitSkb(dev, spa, e.ip, BROADCAST_MAC);
  emit(ns, {
    kind: 'arp',
    dev,
    skb: req,
    code: 'arp.request-sent',
    args: { ip: formatIp(e.ip), dev: dev.name, n: e.probes },
  });
  devQueueXmit(dev, req);
  e.timer = ns.world.sched.wheel(neighRetransUs(retrans), () =>
    arpProbe(e, dev, ns, spa, retrans, maxProbes),
  );
}

/** neigh_invalidate: resolution failed; every queued packet gets ICMP host unreachable (ipv4_link_failure). */
function fail(e: NeighEntry): void {
  const ns = e.dev.netns;
  e.state = 'FAILED';
  e.updated = ns.world.sched.now;
  ns.changed('neigh');
  const queued = e.queue.splice(0);
  for (const q of queued) {
    emit(ns, {
      kind: 'drop',
      dev: e.dev,
      skb: q.skb,
      decidedBy: { table: 'neigh', row: NeighTable.format(e) },
      reason: 'NEIGH_FAILED',
      code: 'drop.neigh-failed',
      args: { ip: formatIp(e.ip), dev: e.dev.name, probes: e.probes },
    });
    icmpSendError(ns, q.skb, ICMP.DEST_UNREACH, ICMP.HOST_UNREACH, {});
  }
}

/** The neighbour answered: remember its MAC and send what waited. */
export function neighResolved(
  e: NeighEntry,
  mac: string,
  state: 'REACHABLE' | 'STALE',
  announce?: () => void,
): void {
  const ns = e.dev.netns;
  e.timer?.cancel();
  e.mac = mac;
  e.state = state;
  e.updated = ns.world.sched.now;
  ns.changed('neigh');
  // Say why the entry changed before the packets it released are sent.
  announce?.();
  const queued = e.queue.splice(0);
  for (const q of queued) {
    emit(ns, {
      kind: 'neigh-resolve',
      dev: e.dev,
      skb: q.skb,
      decidedBy: { table: 'neigh', row: NeighTable.format(e) },
      code: 'neigh.resolved',
      args: { ip: formatIp(e.ip), mac, dev: e.dev.name },
    });
    q.done(mac);
  }
}

function frame(skb: Skb, src: string, dst: string): Skb {
  const layers: Layer[] = [{ proto: 'eth', src, dst, type: ETH_P_IP }, ...skb.layers];
  return withLayers(skb, layers);
}

function isSubnetBroadcast(dev: Device, ip: number): boolean {
  return dev.addrs.some((a) => a.broadcast === ip);
}
