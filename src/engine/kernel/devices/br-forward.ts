/**
 * The bridge data path (net/bridge/br_input.c, br_forward.c): learn the source on the
 * ingress port, then deliver locally, forward to the one port the FDB names, or flood.
 */
import { ETH_P_IPV6, type EthLayer, type Ipv4Layer, type Ipv6Layer } from '../../net/layers';
import { parseIp6 } from '../../net/ipv6';
import { ipOf } from '../addr';
import { NeighTable } from '../neigh';
import { Neigh6Table } from '../neigh6';
import { ndiscNeighOutput } from '../stack/ndisc';
import { brNetfilter, nfHook, type Hook } from '../nf-hook';
import { neighOutput } from '../stack/neigh-output';
import { BROADCAST_MAC, isMulticastMac } from '../../net/mac';
import type { Device } from '../device';
import type { Bridge } from './bridge';
import { Fdb, type FdbEntry } from '../fdb';
import { skbWith, type Skb } from '../skb';
import { devQueueXmit } from '../xmit';
import { ipLength } from '../../net/encode';
import { dropNotForwardable, isSkbForwardable } from '../forwardable';
import { emit as emitEvent, type Emit } from '../emit';
import { netifReceive } from '../receive';
import type { MessageCode } from '../message-codes';

/** The codes this module reports (kernel/message-codes.ts). */
const emit: Emit<'bridge' | 'forward'> = emitEvent;

function fdbRow(br: Bridge, mac: string): string | undefined {
  const e = br.fdb.lookup(mac, br.netns.world.sched.now);
  return e ? Fdb.format(e, br.name) : undefined;
}

export function bridgeHandleFrame(br: Bridge, port: Device, skb0: Skb): void {
  const ns = br.netns;
  let skb = skb0;
  let eth = skb.layers[0] as EthLayer;
  if (!br.adminUp) {
    emit(ns, {
      kind: 'drop',
      dev: port,
      skb,
      reason: 'DEV_READY',
      code: 'drop.bridge-down',
      args: { bridge: br.name },
    });
    return;
  }
  if (isMulticastMac(eth.src)) return;
  const now = ns.world.sched.now;
  if (br.fdb.learn(eth.src, port, now, 'learned')) {
    ns.changed('fdb');
    emit(ns, {
      kind: 'bridge-learn',
      dev: port,
      skb,
      decidedBy: { table: 'fdb', row: fdbRow(br, eth.src)! },
      code: 'bridge.learn',
      args: { bridge: br.name, mac: eth.src, port: port.name },
    });
  }
  if (isMulticastMac(eth.dst)) {
    // br_handle_frame_finish: snooping (on by default) limits a group's frames to its members
    // only while a querier exists (br_multicast_querier_exists); none does here (multicast_querier
    // is 0 and no port hears queries), so multicast, NDP's solicited-node groups included, is
    // flooded like broadcast and passed up to the bridge device too.
    flood(br, port, skb, eth.dst === BROADCAST_MAC ? 'bridge.flood-broadcast' : 'bridge.flood-multicast');
    deliverLocal(br, skb);
    return;
  }
  if (brNetfilter(ns, eth.type)) {
    const after = brPreRouting(br, port, skb);
    if (!after) return;
    skb = after;
    eth = skb.layers[0] as EthLayer;
  }
  const e = br.fdb.lookup(eth.dst, now);
  if (e?.local) {
    emit(ns, {
      kind: 'bridge-forward',
      dev: br,
      skb,
      decidedBy: { table: 'fdb', row: Fdb.format(e, br.name) },
      code: 'bridge.local',
      args: { bridge: br.name, mac: eth.dst, port: port.name },
    });
    deliverLocal(br, skb);
    return;
  }
  if (!e) {
    flood(br, port, skb, 'bridge.flood-unknown');
    return;
  }
  forwardTo(br, port, e, skb);
}

/** br_forward: to the port the FDB names (never back out of the ingress port unless it is in hairpin mode). */
function forwardTo(br: Bridge, port: Device, e: FdbEntry, skb0: Skb): void {
  const ns = br.netns;
  const eth = skb0.layers[0] as EthLayer;
  if (e.port === port && !br.hairpin.has(port)) {
    emit(ns, {
      kind: 'drop',
      dev: port,
      skb: skb0,
      reason: 'BRIDGE_SAME_PORT',
      code: 'drop.bridge-same-port',
      args: { bridge: br.name, port: port.name, mac: eth.dst },
    });
    return;
  }
  emit(ns, {
    kind: 'bridge-forward',
    dev: br,
    skb: skb0,
    decidedBy: { table: 'fdb', row: Fdb.format(e, br.name) },
    code: eth.type === ETH_P_IPV6 ? 'bridge.forward6' : 'bridge.forward',
    args: { bridge: br.name, mac: eth.dst, in: port.name, out: e.port.name },
  });
  if (brNetfilter(ns, eth.type)) {
    const skb = brForward(br, port, e.port, skb0);
    if (skb) brNfDevQueueXmit(e.port, skb, port);
    return;
  }
  brDevQueuePushXmit(e.port, skb0, port);
}

/** Run an IPv4 or IPv6 hook on a bridged frame: iptables sees the bridge as -i/-o and the ports through physdev. */
function brHook(br: Bridge, hook: Hook, skb: Skb, physIn?: Device, physOut?: Device): Skb | null {
  const ns = br.netns;
  const inDev = hook === 'POSTROUTING' ? undefined : br;
  const outDev = hook === 'PREROUTING' ? undefined : br;
  return nfHook(ns, hook, skb, { in: inDev, out: outDev, bridged: { physIn, physOut } });
}

/**
 * br_nf_pre_routing (br_nf_pre_routing_ipv6 for IPv6): bridged IP passes the namespace's
 * PREROUTING. A DNAT there to an address behind the same bridge stays bridged
 * (br_nf_pre_routing_finish_bridge): the destination MAC becomes the new target's, the TTL or
 * hop limit is untouched, and the frame is switched on; a DNAT elsewhere sends the frame up
 * to be routed.
 */
function brPreRouting(br: Bridge, port: Device, skb0: Skb): Skb | null {
  const ns = br.netns;
  const before = skb0.layers[1] as Ipv4Layer | Ipv6Layer;
  const skb1 = brHook(br, 'PREROUTING', skb0, port);
  if (!skb1) return null;
  const after = skb1.layers[1] as Ipv4Layer | Ipv6Layer;
  const skb = skbWith(skb1, { brnf: ns.name, physIn: port });
  if (after.dst === before.dst) return skb;
  // br_nf_pre_routing_finish(_ipv6): the new destination is routed (ip_route_input, route_input).
  const hop = bridgedNexthop(br, skb, after);
  if (!hop) {
    // Routed (or local) now: hand it to the bridge's own stack, addressed to the bridge.
    const eth = skb.layers[0] as EthLayer;
    return { ...skb, layers: [{ ...eth, dst: br.mac }, ...skb.layers.slice(1)] };
  }
  const eth = skb.layers[0] as EthLayer;
  const n6 = hop.v6 !== undefined ? ns.neigh6.get(br, hop.v6) : undefined;
  const n4 = hop.v4 !== undefined ? ns.neigh.get(br, hop.v4) : undefined;
  const row = n6 ? Neigh6Table.format(n6) : n4 ? NeighTable.format(n4) : undefined;
  emit(ns, {
    kind: 'bridge-forward',
    dev: br,
    skb,
    ...(row ? { decidedBy: { table: 'neigh' as const, row } } : {}),
    code: 'bridge.dnat-bridged',
    args: { bridge: br.name, ip: after.dst, mac: (n6 ?? n4)?.mac ?? '?' },
  });
  // br_nf_pre_routing_finish_bridge: the neighbour output of the bridge device sends it
  // (tcpdump on the bridge sees it leave with the bridge's MAC); br_dev_xmit then puts the
  // original source MAC back and forwards it at L2, TTL untouched.
  const inner = skbWith(skb, { layers: skb.layers.slice(1), bridgedDnat: { src: eth.src, port } });
  if (hop.v6 !== undefined) ndiscNeighOutput(br, hop.v6, inner);
  else neighOutput(br, hop.v4!, inner);
  return null;
}

/** The next hop of a DNATed bridged packet when its route leads back out of the bridge, else undefined. */
function bridgedNexthop(
  br: Bridge,
  skb: Skb,
  ip: Ipv4Layer | Ipv6Layer,
): { v4?: number; v6?: bigint } | undefined {
  const ns = br.netns;
  if (ip.proto === 'ipv6') {
    const dst = parseIp6(ip.dst)!;
    const rt = ns.routes6.lookup(dst);
    if (!rt || rt.type !== 'unicast' || rt.dev !== br) return undefined;
    return { v6: rt.gateway ?? dst };
  }
  const rt = ns.routes.lookup(ipOf(ip.dst), { src: ipOf(ip.src), iif: br, mark: skb.mark });
  if (!rt || rt.type !== 'unicast' || rt.dev !== br) return undefined;
  return { v4: rt.gateway ?? ipOf(ip.dst) };
}

/** br_nf_forward_ip and br_nf_post_routing for a frame switched from one port to another. */
function brForward(br: Bridge, inPort: Device, outPort: Device, skb: Skb): Skb | null {
  const f = brHook(br, 'FORWARD', skb, inPort, outPort);
  if (!f) return null;
  // nf_bridge keeps physindev: --physdev-in and --physdev-is-in still match in POSTROUTING.
  return brHook(br, 'POSTROUTING', f, inPort, outPort);
}

/** br_pass_frame_up: the bridge device itself receives the frame (tcpdump -i br sees it). */
function deliverLocal(br: Bridge, skb: Skb): void {
  netifReceive(br, skb, { viaBridge: true });
}

function flood(br: Bridge, ingress: Device | undefined, skb: Skb, code: MessageCode<'bridge'>): void {
  const eth = skb.layers[0] as EthLayer;
  // should_deliver: never back out of the ingress port, unless it is in hairpin mode.
  const out = br.ports().filter((p) => (p !== ingress || br.hairpin.has(p)) && p.operUp());
  emit(br.netns, {
    kind: 'bridge-flood',
    dev: br,
    skb,
    code,
    args: { bridge: br.name, mac: eth.dst, ports: out.map((p) => p.name).join(', ') || 'none' },
  });
  for (const p of out) brDevQueuePushXmit(p, skb, ingress ?? br);
}

/** br_dev_xmit: the host sends through the bridge device; no learning, no local copy. */
export function bridgeDeviceXmit(br: Bridge, skb0: Skb): void {
  if (skb0.bridgedDnat) {
    bridgedDnatXmit(br, skb0);
    return;
  }
  const skb = skb0;
  const eth = skb.layers[0] as EthLayer;
  if (isMulticastMac(eth.dst)) {
    flood(
      br,
      undefined,
      skb,
      eth.dst === BROADCAST_MAC ? 'bridge.flood-broadcast' : 'bridge.flood-multicast-out',
    );
    return;
  }
  const e = br.fdb.lookup(eth.dst, br.netns.world.sched.now);
  if (!e || e.local) {
    flood(br, undefined, skb, 'bridge.flood-unknown');
    return;
  }
  emit(br.netns, {
    kind: 'bridge-forward',
    dev: br,
    skb,
    decidedBy: { table: 'fdb', row: Fdb.format(e, br.name) },
    code: 'bridge.forward-out',
    args: { bridge: br.name, mac: eth.dst, out: e.port.name },
  });
  brDevQueuePushXmit(e.port, skb, br);
}

/** br_nf_pre_routing_finish_bridge_slow: back to the client's MAC, then bridged as if it had just arrived. */
function bridgedDnatXmit(br: Bridge, skb0: Skb): void {
  const { src, port } = skb0.bridgedDnat!;
  const eth0 = skb0.layers[0] as EthLayer;
  const skb = skbWith(skb0, { bridgedDnat: undefined, layers: [{ ...eth0, src }, ...skb0.layers.slice(1)] });
  const eth = skb.layers[0] as EthLayer;
  const e = br.fdb.lookup(eth.dst, br.netns.world.sched.now);
  if (!e || e.local) {
    flood(br, port, skb, 'bridge.flood-unknown');
    return;
  }
  forwardTo(br, port, e, skb);
}

/** br_dev_queue_push_xmit: a port takes only a frame that fits its MTU (is_skb_forwardable). */
function brDevQueuePushXmit(port: Device, skb: Skb, from: Device): void {
  if (!isSkbForwardable(port, skb)) {
    dropNotForwardable(port, skb, from);
    return;
  }
  devQueueXmit(port, skb);
}

/**
 * br_nf_dev_queue_xmit: a frame that went through br_netfilter is measured by its IP length
 * against the port's MTU (not is_skb_forwardable's MTU + 18); a bigger one is refragmented by
 * br_nf_ip_fragment, or freed when it has DF set. The model does not fragment.
 */
function brNfDevQueueXmit(port: Device, skb: Skb, from: Device): void {
  const ip = skb.layers[1] as Ipv4Layer | undefined;
  const len = ipLength({ layers: skb.layers, payload: skb.payload }, 1);
  if (ip?.proto !== 'ipv4' || len <= port.mtu) {
    brDevQueuePushXmit(port, skb, from);
    return;
  }
  const args = { len, mtu: port.mtu, dev: port.name };
  if (ip.df)
    emit(port.netns, { kind: 'drop', dev: port, skb, reason: 'PKT_TOO_BIG', code: 'drop.br-nf-df', args });
  else
    emit(port.netns, {
      kind: 'drop',
      dev: port,
      skb,
      reason: 'FRAGMENTATION_UNMODELLED',
      code: 'drop.fragmentation',
      args,
    });
}
