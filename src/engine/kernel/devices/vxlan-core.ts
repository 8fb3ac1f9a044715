/**
 * VXLAN encapsulation and decapsulation (RFC 7348 as drivers/net/vxlan builds it): the
 * inner frame gets a VXLAN header with the VNI, a UDP header whose source port is a hash
 * of the inner flow, and an outer IPv4 header with DF clear and TTL 64 (or an IPv6 one:
 * ./vxlan6.ts), and is then sent like any locally generated packet (so the underlay's own
 * ARP or neighbour discovery and netfilter apply).
 */
import { formatIp } from '../../net/ipv4';
import { parseIp6 } from '../../net/ipv6';
import {
  ETH_P_ARP,
  IPPROTO_UDP,
  type ArpLayer,
  type EthLayer,
  type Layer,
  type UdpLayer,
  type VxlanLayer,
} from '../../net/layers';
import { ipOf } from '../addr';
import type { Device } from '../device';
import { formatVtep, Vxlan, type VxlanFdbEntry } from './vxlan';
import { isValid, NeighTable } from '../neigh';
import type { Netns } from '../netns';
import { skbWith, type Skb } from '../skb';
import { LINK_DELAY_US } from '../timing';
import { emit as emitEvent, type Emit } from '../emit';
import { ipLocalOut, routeOutput } from '../stack/output';
import { netifReceive } from '../receive';
import { udpTunnelRegister } from '../stack/udp';
import { vxlan6XmitOne } from './vxlan6';

/** The codes this module reports (kernel/message-codes.ts). */
const emit: Emit<'vxlan'> = emitEvent;

// vxlan_sock_add: each IPv4 VXLAN socket hands its datagrams to vxlan_rcv (encap_rcv).
udpTunnelRegister('ipv4', 'vxlan', (dev, skb) => {
  const devs = vxlanFor(dev.netns, (skb.layers[1] as UdpLayer).dport);
  if (devs.length === 0) return false;
  vxlanRcv(dev, skb, devs);
  return true;
});

/** udp_flow_src_port: a hash of the inner flow mapped into ip_local_port_range. */
export function vxlanSourcePort(inner: Layer[]): number {
  let h = 2166136261;
  for (const l of inner) {
    let parts: (string | number)[] = [];
    if (l.proto === 'eth') parts = [l.src, l.dst];
    else if (l.proto === 'ipv4') parts = [l.src, l.dst, l.protocol];
    else if (l.proto === 'ipv6') parts = [l.src, l.dst, l.next];
    else if (l.proto === 'tcp' || l.proto === 'udp') parts = [l.sport, l.dport];
    else if (l.proto === 'icmp') parts = [l.id ?? 0];
    for (const p of parts) for (const c of String(p)) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  }
  const min = 32768;
  const max = 61000;
  return min + Math.floor((h / 0x100000000) * (max - min));
}

export function vxlanXmit(dev: Vxlan, skb: Skb): void {
  const ns = dev.netns;
  const eth = skb.layers[0] as EthLayer;
  if (dev.params.proxy && eth.type === ETH_P_ARP && (skb.layers[1] as ArpLayer | undefined)?.op === 1) {
    arpReduce(dev, skb);
    return;
  }
  const { entries, byDefault } = dev.destinations(eth.dst);
  if (entries.length === 0) {
    emit(ns, {
      kind: 'drop',
      dev,
      skb,
      reason: 'VXLAN_NO_REMOTE',
      code: dev.params.l2miss ? 'drop.vxlan-l2miss' : 'drop.vxlan-no-fdb',
      args: { dev: dev.name, mac: eth.dst },
    });
    return;
  }
  for (const e of entries) {
    if (typeof e.dst === 'bigint') vxlan6XmitOne(dev, skb, e, e.dst, byDefault);
    else vxlan4XmitOne(dev, skb, e, e.dst, byDefault);
  }
}

/** The encap event: the FDB row that chose the VTEP, and what the outer headers say. */
export function emitEncap(dev: Vxlan, outer: Skb, e: VxlanFdbEntry, byDefault: boolean, src: string): void {
  const eth = outer.layers[3] as EthLayer;
  const udp = outer.layers[1] as UdpLayer;
  const vx = outer.layers[2] as VxlanLayer;
  emit(dev.netns, {
    kind: 'encap',
    dev,
    skb: outer,
    decidedBy: { table: 'fdb', row: Vxlan.formatFdb(dev, e) },
    code: byDefault ? 'vxlan.encap-default' : 'vxlan.encap',
    args: { dev: dev.name, mac: eth.dst, vtep: formatVtep(e.dst), vni: vx.vni, port: udp.dport, src },
  });
}

/** The outer UDP and VXLAN headers of one copy (the checksum rule is the caller's family's). */
export function vxlanHeaders(dev: Vxlan, e: VxlanFdbEntry, inner: Layer[]): [UdpLayer, VxlanLayer] {
  const udp: UdpLayer = { proto: 'udp', sport: vxlanSourcePort(inner), dport: e.port ?? dev.params.port };
  return [udp, { proto: 'vxlan', vni: e.vni ?? dev.params.vni }];
}

/** vxlan_xmit_one over IPv4: the route to the VTEP, an outer IPv4 header, then ip_local_out. */
function vxlan4XmitOne(dev: Vxlan, skb: Skb, e: VxlanFdbEntry, dst: number, byDefault: boolean): void {
  const local = typeof dev.params.local === 'number' ? dev.params.local : undefined;
  const res = routeOutput(dev.underlay, dst, { oif: dev.params.dev, src: local });
  if (!res.ok) {
    emit(dev.netns, {
      kind: 'drop',
      dev,
      skb,
      reason: 'IP_OUTNOROUTES',
      code: 'drop.vxlan-no-route',
      args: { dev: dev.name, dst: formatIp(dst) },
    });
    return;
  }
  const [udp, vx] = vxlanHeaders(dev, e, skb.layers);
  if (!dev.params.udpCsum) udp.zeroChecksum = true;
  const outer = skbWith(skb, {
    layers: [
      {
        proto: 'ipv4',
        src: formatIp(res.src),
        dst: formatIp(dst),
        ttl: dev.params.ttl || dev.underlay.sysctl.get('net.ipv4.ip_default_ttl'),
        protocol: IPPROTO_UDP,
        id: dev.underlay.nextIpId(),
        // The outer header never carries DF (the lab shows it clear even for DF inner packets).
        df: false,
        tos: 0,
      },
      udp,
      vx,
      ...skb.layers,
    ],
    ct: undefined,
    brnf: undefined,
    physIn: undefined,
  });
  emitEncap(dev, outer, e, byDefault, formatIp(res.src));
  ipLocalOut(dev.underlay, outer, res, dev.name);
}

/** arp_reduce: with `proxy`, an ARP request is answered from the neighbour table and never carried. */
function arpReduce(dev: Vxlan, skb: Skb): void {
  const ns = dev.netns;
  const req = skb.layers[1] as ArpLayer;
  const n = ns.neigh.get(dev, ipOf(req.tpa));
  if (!n || !n.mac || !isValid(n.state)) {
    emit(ns, {
      kind: 'drop',
      dev,
      skb,
      reason: 'VXLAN_L3MISS',
      code: 'drop.vxlan-l3miss',
      args: { dev: dev.name, ip: req.tpa },
    });
    return;
  }
  const reply: Skb = {
    id: ns.world.nextPacketId(),
    layers: [
      { proto: 'eth', src: n.mac, dst: req.sha, type: ETH_P_ARP },
      { proto: 'arp', op: 2, sha: n.mac, spa: req.tpa, tha: req.sha, tpa: req.spa },
    ],
    payload: 0,
    mark: 0,
  };
  emit(ns, {
    kind: 'arp',
    dev,
    skb,
    decidedBy: { table: 'neigh', row: NeighTable.format(n) },
    code: 'vxlan.proxy-arp',
    args: { dev: dev.name, ip: req.tpa, mac: n.mac },
  });
  // netif_rx(reply): the reply enters as if received on the VXLAN device, so taps on it see it.
  ns.world.sched.deliver(LINK_DELAY_US, () => netifReceive(dev, reply));
}

/**
 * The VXLAN devices whose socket lives in `ns` (wherever the device now is), of the family the
 * packet came in (an IPv4 and an IPv6 device on one port have a socket each), own UDP port
 * `port` and are up.
 */
export function vxlanFor(ns: Netns, port: number, ipv6 = false): Vxlan[] {
  const out: Vxlan[] = [];
  for (const n of ns.world.netns.values())
    for (const d of n.devicesInOrder())
      if (d instanceof Vxlan && d.underlay === ns && d.adminUp && d.params.port === port && d.ipv6 === ipv6)
        out.push(d);
  return out;
}

/** vxlan_rcv: strip the outer headers, learn the sender's VTEP, hand the inner frame to the device. */
export function vxlanRcv(inDev: Device, skb: Skb, devs: Vxlan[]): void {
  const ns = inDev.netns;
  const ip = skb.layers[0] as Extract<Layer, { proto: 'ipv4' | 'ipv6' }>;
  const vx = skb.layers[2];
  if (vx?.proto !== 'vxlan') {
    emit(ns, {
      kind: 'drop',
      dev: inDev,
      skb,
      reason: 'VXLAN_INVALID_HDR',
      code: 'drop.vxlan-bad',
      args: {},
    });
    return;
  }
  const dev = devs.find((d) => d.params.vni === vx.vni);
  if (!dev) {
    emit(ns, {
      kind: 'drop',
      dev: inDev,
      skb,
      reason: 'VXLAN_VNI_NOT_FOUND',
      code: 'drop.vxlan-vni',
      args: { vni: vx.vni },
    });
    return;
  }
  const inner = skbWith(skb, {
    layers: skb.layers.slice(3),
    ct: undefined,
    brnf: undefined,
    physIn: undefined,
  });
  const ieth = inner.layers[0] as EthLayer;
  emit(dev.netns, {
    kind: 'decap',
    dev,
    skb: inner,
    code: 'vxlan.decap',
    args: { dev: dev.name, vni: vx.vni, vtep: ip.src, port: (skb.layers[1] as UdpLayer).dport },
  });
  if (dev.params.learning && ieth?.proto === 'eth') {
    const src = ip.proto === 'ipv6' ? (parseIp6(ip.src) ?? 0n) : ipOf(ip.src);
    const e = dev.fdb.find((x) => x.mac === ieth.src);
    if (!e) {
      dev.fdb.push({
        mac: ieth.src,
        dst: src,
        state: 'learned',
        updated: dev.netns.world.sched.now,
        origin: 'learned',
      });
      dev.netns.changed('fdb');
    } else if (e.state === 'learned' && e.dst !== src) {
      e.dst = src;
      dev.netns.changed('fdb');
    }
  }
  ns.world.sched.deliver(LINK_DELAY_US, () => netifReceive(dev, inner));
}
