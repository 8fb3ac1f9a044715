/**
 * Neighbour discovery (net/ipv6/ndisc.c, RFC 4861): the IPv6 neighbour output, solicitations
 * to the target's solicited-node group every retrans_time until mcast_solicit went
 * unanswered, and the advertisements that answer them. IPv6 has no ARP: this is ICMPv6.
 */
import {
  ETH_P_IPV6,
  IPPROTO_ICMPV6,
  type EthLayer,
  type Icmpv6Layer,
  type Ipv6Layer,
} from '../../net/layers';
import { formatIp6, isMulticast6, multicastMac6, parseIp6, solicitedNode } from '../../net/ipv6';
import { ZERO_MAC } from '../../net/mac';
import type { Device } from '../device';
import { isValid } from '../neigh';
import { neighEnqueue } from '../neigh-queue';
import { Neigh6Table, type Neigh6Entry } from '../neigh6';
import { withLayers, type Skb } from '../skb';
import { emit as emitEvent, type Emit } from '../emit';
import { nfHook } from '../nf-hook';
import { neighRetransUs } from '../timing';
import { devQueueXmit } from '../xmit';
import { icmpv6Send } from './icmpv6';

/** The codes this module reports (kernel/message-codes.ts). */
const emit: Emit<'ipv6' | 'neigh'> = emitEvent;

const NA_ROUTER = 0x80;
const NA_SOLICITED = 0x40;
const NA_OVERRIDE = 0x20;

function frame6(skb: Skb, src: string, dst: string): Skb {
  const eth: EthLayer = { proto: 'eth', src, dst, type: ETH_P_IPV6 };
  return withLayers(skb, [eth, ...skb.layers]);
}

function addr(s: string): bigint {
  const a = parseIp6(s);
  if (a === null) throw new Error(`internal: malformed IPv6 address in header: ${s}`);
  return a;
}

/** ip6_finish_output2: multicast maps straight to a 33:33 MAC; unicast asks the neighbour table. */
export function ndiscNeighOutput(dev: Device, nexthop: bigint, skb: Skb): void {
  const ns = dev.netns;
  if (dev.kind === 'loopback') return devQueueXmit(dev, frame6(skb, ZERO_MAC, ZERO_MAC));
  if (isMulticast6(nexthop)) return devQueueXmit(dev, frame6(skb, dev.mac, multicastMac6(nexthop)));
  let e = ns.neigh6.get(dev, nexthop);
  if (e && isValid(e.state) && e.mac) {
    if (e.state === 'STALE') {
      e.state = 'DELAY';
      e.updated = ns.world.sched.now;
      ns.changed('neigh');
    }
    emit(ns, {
      kind: 'neigh-resolve',
      dev,
      skb,
      decidedBy: { table: 'neigh', row: Neigh6Table.format(e) },
      code: 'neigh.hit',
      args: { ip: formatIp6(nexthop), mac: e.mac, dev: dev.name, state: e.state },
    });
    return devQueueXmit(dev, frame6(skb, dev.mac, e.mac));
  }
  const fresh = !e || e.state === 'FAILED';
  if (fresh) e = newEntry(dev, nexthop, 'INCOMPLETE');
  neighEnqueue(e!.queue, {
    skb,
    done(mac) {
      if (mac) devQueueXmit(dev, frame6(skb, dev.mac, mac));
    },
  });
  const row = { table: 'neigh' as const, row: Neigh6Table.format(e!) };
  const code = fresh ? 'ndisc.miss' : 'neigh.wait';
  emit(ns, {
    kind: 'neigh-resolve',
    dev,
    skb,
    decidedBy: row,
    code,
    args: { ip: formatIp6(nexthop), dev: dev.name },
  });
  if (fresh) ndiscSolicit(e!, skb);
}

function newEntry(dev: Device, ip: bigint, state: Neigh6Entry['state'], mac?: string): Neigh6Entry {
  const ns = dev.netns;
  const e: Neigh6Entry = {
    ip,
    dev,
    state,
    router: false,
    queue: [],
    probes: 0,
    updated: ns.world.sched.now,
    origin: 'kernel',
  };
  if (mac) e.mac = mac;
  ns.neigh6.set(e);
  ns.changed('neigh');
  return e;
}

/**
 * ndisc_solicit: the source is the packet's own when it is an address of this device,
 * else the device's link-local address (ipv6_get_lladdr).
 */
function ndiscSolicit(e: Neigh6Entry, trigger: Skb): void {
  const dev = e.dev;
  const ip = trigger.layers[0] as Ipv6Layer;
  const own = dev.addrs6.find((a) => formatIp6(a.addr) === ip.src);
  const ll = dev.addrs6.find((a) => a.scope === 'link');
  const src = own?.addr ?? ll?.addr ?? 0n;
  const ns = dev.netns;
  const retrans = ns.sysctl.get('net.ipv6.neigh.default.retrans_time_ms') * 1000;
  const max = ns.sysctl.get('net.ipv6.neigh.default.mcast_solicit');
  nsProbe(e, src, retrans, max);
}

/** One solicitation, then the next after retrans_time; FAILED after the last. */
function nsProbe(e: Neigh6Entry, src: bigint, retrans: number, max: number): void {
  const dev = e.dev;
  const ns = dev.netns;
  if (ns.neigh6.get(dev, e.ip) !== e || e.state !== 'INCOMPLETE') return;
  if (e.probes >= max) return fail(e);
  e.probes++;
  const group = solicitedNode(e.ip);
  const mac = multicastMac6(group);
  const ns6: Skb = {
    id: ns.world.nextPacketId(),
    layers: [
      {
        proto: 'ipv6',
        src: formatIp6(src),
        dst: formatIp6(group),
        hlim: 255,
        next: IPPROTO_ICMPV6,
        tc: 0,
        flow: 0,
      },
      { proto: 'icmpv6', type: 135, code: 0, target: formatIp6(e.ip), lladdr: dev.mac },
    ],
    payload: 0,
    mark: 0,
  };
  const args = { ip: formatIp6(e.ip), dev: dev.name, n: e.probes, group: formatIp6(group), mac };
  emit(ns, { kind: 'arp', dev, skb: ns6, code: 'ndisc.ns-sent', args });
  // The retransmit timer runs whether or not a hook let this solicitation out.
  e.timer = ns.world.sched.wheel(neighRetransUs(retrans), () => nsProbe(e, src, retrans, max));
  const out = ndiscSendSkb(dev, ns6);
  if (out) devQueueXmit(dev, frame6(out, dev.mac, mac));
}

/** neigh_invalidate -> ip6_link_failure: each queued packet earns its sender an address unreachable. */
function fail(e: Neigh6Entry): void {
  const ns = e.dev.netns;
  e.state = 'FAILED';
  e.updated = ns.world.sched.now;
  ns.changed('neigh');
  for (const q of e.queue.splice(0)) {
    emit(ns, {
      kind: 'drop',
      dev: e.dev,
      skb: q.skb,
      decidedBy: { table: 'neigh', row: Neigh6Table.format(e) },
      reason: 'NEIGH_FAILED',
      code: 'ndisc.failed',
      args: { ip: formatIp6(e.ip), dev: e.dev.name, probes: e.probes },
    });
    icmpv6Send(ns, q.skb, 1, 3, {}, e.dev);
  }
}

/** ndisc_rcv: NS and NA with hop limit 255 (anything else could come from off-link). */
export function ndiscRcv(dev: Device, skb: Skb, eth: EthLayer | undefined): void {
  const ip = skb.layers[0] as Ipv6Layer;
  const m = skb.layers[1] as Icmpv6Layer;
  if (ip.hlim !== 255) return;
  if (m.type === 135) ndiscRecvNs(dev, ip, m);
  else if (m.type === 136) ndiscRecvNa(dev, ip, m, eth);
}

function ndiscRecvNs(dev: Device, ip: Ipv6Layer, m: Icmpv6Layer): void {
  const ns = dev.netns;
  const target = addr(m.target ?? '::');
  const saddr = addr(ip.src);
  // Duplicate address detection probes (from ::) are not modelled: DAD is over before a flow.
  if (saddr === 0n) return;
  if (!dev.addrs6.some((a) => a.addr === target)) {
    emit(ns, { kind: 'arp', dev, code: 'ndisc.ignore', args: { ip: m.target ?? '::', dev: dev.name } });
    return;
  }
  if (m.lladdr) learn(dev, saddr, m.lladdr, 'STALE', false);
  const inc = isMulticast6(addr(ip.dst));
  // ndisc_recv_ns: is_router = idev->cnf.forwarding, the receiving device's own copy.
  const forwarding = ns.sysctl.dev6Get(dev.name, 'forwarding') !== 0;
  const na: Icmpv6Layer = {
    proto: 'icmpv6',
    type: 136,
    code: 0,
    target: m.target!,
    flags: (forwarding ? NA_ROUTER : 0) | NA_SOLICITED | NA_OVERRIDE,
    ...(inc ? { lladdr: dev.mac } : {}),
  };
  const skb: Skb = {
    id: ns.world.nextPacketId(),
    layers: [
      { proto: 'ipv6', src: m.target!, dst: ip.src, hlim: 255, next: IPPROTO_ICMPV6, tc: 0, flow: 0 },
      na,
    ],
    payload: 0,
    mark: 0,
  };
  emit(ns, {
    kind: 'arp',
    dev,
    skb,
    code: 'ndisc.na-sent',
    args: { ip: m.target!, dev: dev.name, mac: dev.mac },
  });
  const out = ndiscSendSkb(dev, skb);
  if (out) ndiscNeighOutput(dev, saddr, out);
}

/**
 * ndisc_send_skb: NDP messages are locally generated packets like any other, so they pass
 * NF_INET_LOCAL_OUT and (in ip6_output) NF_INET_POST_ROUTING, where a filter can drop them.
 */
function ndiscSendSkb(dev: Device, skb: Skb): Skb | null {
  const ns = dev.netns;
  const out = nfHook(ns, 'OUTPUT', skb, { out: dev });
  return out && nfHook(ns, 'POSTROUTING', out, { out: dev });
}

function ndiscRecvNa(dev: Device, ip: Ipv6Layer, m: Icmpv6Layer, eth: EthLayer | undefined): void {
  const target = addr(m.target ?? '::');
  const e = dev.netns.neigh6.get(dev, target);
  if (!e || e.state === 'PERMANENT' || e.state === 'NOARP') return;
  const flags = m.flags ?? 0;
  const solicited = (flags & NA_SOLICITED) !== 0 && !isMulticast6(addr(ip.dst));
  const mac = m.lladdr ?? eth?.src;
  if (!mac) return;
  learn(dev, target, mac, solicited ? 'REACHABLE' : 'STALE', (flags & NA_ROUTER) !== 0, true);
}

/** ndisc_update -> neigh_update: set the MAC and state; an entry that was resolving sends its queue. */
function learn(
  dev: Device,
  ip: bigint,
  mac: string,
  state: 'REACHABLE' | 'STALE',
  router: boolean,
  na = false,
): void {
  const ns = dev.netns;
  const e = ns.neigh6.get(dev, ip) ?? newEntry(dev, ip, state, mac);
  const waiting = e.state === 'INCOMPLETE' || e.state === 'FAILED';
  e.timer?.cancel();
  if (na || waiting || e.mac !== mac) {
    e.mac = mac;
    e.state = state;
    e.updated = ns.world.sched.now;
  }
  if (na) e.router = router;
  ns.changed('neigh');
  if (na) {
    const args = { ip: formatIp6(ip), mac, dev: dev.name, state: e.state };
    emit(ns, {
      kind: 'arp',
      dev,
      decidedBy: { table: 'neigh', row: Neigh6Table.format(e) },
      code: 'ndisc.na-learned',
      args,
    });
  }
  if (!waiting) return;
  for (const q of e.queue.splice(0)) {
    emit(ns, {
      kind: 'neigh-resolve',
      dev,
      skb: q.skb,
      decidedBy: { table: 'neigh', row: Neigh6Table.format(e) },
      code: 'neigh.resolved',
      args: { ip: formatIp6(ip), mac, dev: dev.name },
    });
    q.done(mac);
  }
}
