/**
 * VXLAN over an IPv6 underlay (drivers/net/vxlan: vxlan_xmit_one's AF_INET6 branch and
 * udp_tunnel6_xmit_skb; the receive side is udpv6_rcv handing the datagram to the tunnel
 * socket's encap_rcv). The outer IPv6 header has the device's flow label (0 unless
 * configured), traffic class 0 and the route's hop limit; the UDP checksum is always
 * computed unless the device says udp6zerocsumtx, and a zero checksum is refused on
 * receive unless it says udp6zerocsumrx (IPv6 makes the UDP checksum mandatory, RFC 8200
 * 8.1; RFC 6936 lets tunnels opt out). Measured: outer hlim 64, flow label 0, tc 0.
 */
import { formatIp6 } from '../../net/ipv6';
import { IPPROTO_UDP, type Ipv6Layer, type UdpLayer } from '../../net/layers';
import type { Device } from '../device';
import type { Vxlan, VxlanFdbEntry } from './vxlan';
import { skbWith, type Skb } from '../skb';
import { emit as emitEvent, type Emit } from '../emit';
import { ip6LocalOut, ip6RouteOutput } from '../stack/ip6';
import { udpTunnelRegister } from '../stack/udp';
import { emitEncap, vxlanFor, vxlanHeaders, vxlanRcv } from './vxlan-core';

/** The codes this module reports (kernel/message-codes.ts). */
const emit: Emit<'vxlan'> = emitEvent;

// vxlan_sock_add: an IPv6 VXLAN socket's datagrams go to vxlan_rcv too (udpv6_encap_rcv).
udpTunnelRegister('ipv6', 'vxlan', udpv6EncapRcv);

/** vxlan_xmit_one over IPv6: vxlan6_get_route (from `local`, out of `dev`), then ip6tunnel_xmit. */
export function vxlan6XmitOne(dev: Vxlan, skb: Skb, e: VxlanFdbEntry, dst: bigint, byDefault: boolean): void {
  const local = typeof dev.params.local === 'bigint' ? dev.params.local : undefined;
  const oif = dev.params.dev;
  const res = ip6RouteOutput(dev.underlay, dst, {
    ...(oif ? { oif } : {}),
    ...(local !== undefined ? { src: local } : {}),
  });
  if (!res.ok || res.local) {
    emit(dev.netns, {
      kind: 'drop',
      dev,
      skb,
      reason: 'IP_OUTNOROUTES',
      code: 'drop.vxlan-no-route',
      args: { dev: dev.name, dst: formatIp6(dst) },
    });
    return;
  }
  const [udp, vx] = vxlanHeaders(dev, e, skb.layers);
  if (dev.params.udp6ZeroCsumTx) udp.zeroChecksum = true;
  const ip: Ipv6Layer = {
    proto: 'ipv6',
    src: formatIp6(res.src),
    dst: formatIp6(dst),
    hlim: dev.params.ttl || dev.underlay.sysctl.get('net.ipv6.conf.default.hop_limit'),
    next: IPPROTO_UDP,
    tc: 0,
    flow: 0,
  };
  const outer = skbWith(skb, {
    layers: [ip, udp, vx, ...skb.layers],
    ct: undefined,
    brnf: undefined,
    physIn: undefined,
  });
  emitEncap(dev, outer, e, byDefault, ip.src);
  ip6LocalOut(dev.underlay, outer, res, dev.name);
}

/**
 * udpv6_rcv's part for tunnel sockets: a datagram to a port an IPv6 VXLAN device owns goes to
 * it (after a zero checksum is refused unless udp6zerocsumrx). False when no such socket exists.
 */
export function udpv6EncapRcv(dev: Device, skb: Skb): boolean {
  const udp = skb.layers[1] as UdpLayer;
  const devs = vxlanFor(dev.netns, udp.dport, true);
  if (devs.length === 0) return false;
  if (udp.zeroChecksum && !devs.some((d) => d.params.udp6ZeroCsumRx)) {
    emit(dev.netns, {
      kind: 'drop',
      dev,
      skb,
      reason: 'UDP_CSUM',
      code: 'drop.udp6-zero-csum',
      args: { port: udp.dport, dst: (skb.layers[0] as Ipv6Layer).dst },
    });
    return true;
  }
  vxlanRcv(dev, skb, devs);
  return true;
}
