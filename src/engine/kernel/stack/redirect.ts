/**
 * __ip_do_redirect (net/ipv4/route.c): a socket's ICMP error handler (ping_err, udp_err,
 * tcp_v4_err) hands it a redirect "for dst, use new_gw". The kernel believes it only from the
 * gateway it uses now, for an ordinary unicast new gateway, when the device accepts redirects.
 * Then, if new_gw's neighbour entry is not valid yet, it only starts resolving it (an ARP
 * request, nothing else changes); if it is, dst gets a next-hop exception through new_gw
 * for ip_rt_gc_timeout (300 s), which every later lookup of dst binds.
 */
import { formatIp } from '../../net/ipv4';
import type { IcmpLayer, Ipv4Layer } from '../../net/layers';
import { ipOf } from '../addr';
import type { Device } from '../device';
import { isValid } from '../neigh';
import type { Skb } from '../skb';
import { emit as emitEvent, type Emit } from '../emit';
import { neighEventSend } from './neigh-output';

/** The codes this module reports (kernel/message-codes.ts). */
const emit: Emit<'redirect'> = emitEvent;

const IP_RT_GC_TIMEOUT_US = 300 * 1e6;

/** IN_DEV_RX_REDIRECTS: a forwarding device needs all and itself on, a host either. */
function acceptsRedirects(dev: Device): boolean {
  const s = dev.netns.sysctl;
  const all = s.get('net.ipv4.conf.all.accept_redirects') !== 0;
  const own = s.devGet(dev.name, 'accept_redirects') !== 0;
  return s.devGet(dev.name, 'forwarding') !== 0 ? all && own : all || own;
}

export function ipDoRedirect(dev: Device, skb: Skb): void {
  const ns = dev.netns;
  const outer = skb.layers[0] as Ipv4Layer;
  const icmp = skb.layers[1] as IcmpLayer;
  const quoted = skb.layers[2] as Ipv4Layer;
  if (icmp.gateway === undefined || (icmp.code & 7) > 3) return;
  const oldGw = ipOf(outer.src);
  const newGw = ipOf(icmp.gateway);
  const dst = ipOf(quoted.dst);
  const rt = ns.routes.lookup(dst);
  // Only the gateway the socket's route uses now may redirect it.
  if (!rt || rt.gateway !== oldGw || !rt.dev) return;
  const args = { dst: quoted.dst, gw: icmp.gateway, from: outer.src, dev: rt.dev.name };
  const firstOctet = newGw >>> 24;
  const unicast =
    newGw !== 0 && firstOctet !== 0 && firstOctet < 224 && newGw !== 0xffffffff && !ns.isLocal(newGw);
  if (newGw === oldGw || !acceptsRedirects(dev) || !unicast) {
    emit(ns, { kind: 'route-lookup', skb, code: 'redirect.rejected', args });
    return;
  }
  const n = ns.neigh.get(rt.dev, newGw);
  if (!n || !isValid(n.state)) {
    emit(ns, { kind: 'route-lookup', skb, code: 'redirect.probe', args });
    neighEventSend(rt.dev, newGw);
    return;
  }
  ns.routes.redirect(dst, newGw, rt.dev, ns.world.sched.now + IP_RT_GC_TIMEOUT_US);
  ns.changed('routes');
  emit(ns, { kind: 'route-lookup', skb, code: 'redirect.accepted', args: { ...args, gw: formatIp(newGw) } });
}
