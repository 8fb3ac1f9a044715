/**
 * ip_rcv and the input route decision (ip_route_input_slow): local delivery, forwarding,
 * or ip_error's drop with the ICMP the kernel sends for it.
 */
import { formatIp, isMulticastIp } from '../../net/ipv4';
import type { Ipv4Layer } from '../../net/layers';
import { ipOf } from '../addr';
import type { Device } from '../device';
import { isFailAction } from '../fib-rules';
import { formatRoute, type Route } from '../routes';
import type { Skb } from '../skb';
import { emit as emitEvent, type Emit } from '../emit';
import { ipForward } from './forward';
import { nfHook } from '../nf-hook';
import { icmpSendError, ICMP } from './icmp';
import { ipLocalDeliver } from './local';
import { ruleDrop, ruleEvent } from './fib-rule-events';

/** The codes this module reports (kernel/message-codes.ts). */
const emit: Emit<'route'> = emitEvent;

export function ipRcv(dev: Device, skb0: Skb): void {
  const ns = dev.netns;
  // A frame that came up through br_netfilter had its PREROUTING in the bridge already.
  const hooked = skb0.brnf === ns.name ? skb0 : nfHook(ns, 'PREROUTING', skb0, { in: dev });
  if (!hooked) return;
  const skb = hooked;
  const ip = skb.layers[0] as Ipv4Layer;
  const dst = ipOf(ip.dst);
  const src = ipOf(ip.src);

  if (dst === 0xffffffff || isMulticastIp(dst)) {
    ipLocalDeliver(dev, skb);
    return;
  }
  if (!localnetOk(dev, skb, src, dst)) return;
  ipRouteInput(dev, skb, src, dst);
}

/** The packet as ip_route_input_slow sees it: where it came in, its header and its addresses. */
interface RouteInput {
  dev: Device;
  skb: Skb;
  ip: Ipv4Layer;
  src: number;
  dst: number;
}

/** ICMP error types (icmp_is_err): unreachable, source quench, redirect, time exceeded, parameter problem. */
const ICMP_ERRORS = new Set([3, 4, 5, 11, 12]);

/**
 * ip_multipath_l3_keys: an ICMP error hashes the quoted header's addresses,
 * so it follows the flow it reports on; only multipath routes read them.
 */
function multipathKeys(skb: Skb): { hashKeys?: { src: number; dst: number } } {
  const icmp = skb.layers[1];
  const inner = skb.layers[2];
  if (icmp?.proto !== 'icmp' || !ICMP_ERRORS.has(icmp.type) || inner?.proto !== 'ipv4') return {};
  return { hashKeys: { src: ipOf(inner.src), dst: ipOf(inner.dst) } };
}

/**
 * ip_route_input_slow's flow: the rules see the receiving device, the source and the mark;
 * the route found delivers locally, forwards, or ends in ip_error.
 */
function ipRouteInput(dev: Device, skb: Skb, src: number, dst: number): void {
  const ns = dev.netns;
  const ip = skb.layers[0] as Ipv4Layer;
  const p: RouteInput = { dev, skb, ip, src, dst };
  const found = ns.routes.fibLookup(dst, {
    src,
    iif: dev,
    mark: skb.mark,
    tos: ip.tos,
    ...multipathKeys(skb),
  });
  const rt = found.rt;
  if (found.rule && ns.routes.customRules) ruleEvent(ns, skb, dev, found.rule, found.rt);

  if (rt && (rt.type === 'local' || rt.type === 'broadcast')) return routeLocalInput(p, rt);
  if (ns.sysctl.devGet(dev.name, 'forwarding') === 0) return forwardingOff(p);
  // (fibLookup skips nop rules: they never end a lookup)
  const failed = found.rule;
  if (!rt && failed && isFailAction(failed.action)) return ruleDrop(ns, dev, skb, failed, failed.action);
  if (!rt) return noRouteInput(p);
  // (local and broadcast were delivered above)
  if (rt.type === 'blackhole' || rt.type === 'unreachable' || rt.type === 'prohibit') return ipError(p, rt);
  if (src === 0 || src >>> 24 === 127) return martianSource(p);
  if (!validSource(dev, skb, src, dst)) return;
  routeForward(p, rt);
}

/** A local or broadcast route: up to the local stack (a local one checks the source first). */
function routeLocalInput({ dev, skb, ip, src, dst }: RouteInput, rt: Route): void {
  emit(dev.netns, {
    kind: 'route-lookup',
    dev,
    skb,
    decidedBy: { table: 'routes', row: formatRoute(rt) },
    code: rt.type === 'local' ? 'route.input-local' : 'route.input-broadcast',
    args: { dst: ip.dst, dev: dev.name },
  });
  if (rt.type === 'local' && !validSource(dev, skb, src, dst)) return;
  ipLocalDeliver(dev, skb);
}

/** ip_route_input_slow: not forwarding on this device -> EHOSTUNREACH; ip_error only counts it. */
function forwardingOff({ dev, skb, ip }: RouteInput): void {
  const ns = dev.netns;
  emit(ns, {
    kind: 'drop',
    dev,
    skb,
    decidedBy: { table: 'sysctl', row: `net.ipv4.conf.${dev.name}.forwarding = 0` },
    reason: 'IP_INADDRERRORS',
    code: 'drop.ip-forward-off',
    args: { dst: ip.dst, dev: dev.name, ns: ns.name },
  });
}

function noRouteInput({ dev, skb, ip }: RouteInput): void {
  const ns = dev.netns;
  emit(ns, {
    kind: 'drop',
    dev,
    skb,
    reason: 'IP_NOROUTE',
    code: 'drop.no-route-input',
    args: { dst: ip.dst, ns: ns.name },
  });
  icmpSendError(ns, skb, ICMP.DEST_UNREACH, ICMP.NET_UNREACH, {});
}

/** ip_error for a blackhole, unreachable or prohibit route, with the ICMP each sends. */
function ipError({ dev, skb, ip }: RouteInput, rt: Route): void {
  const ns = dev.netns;
  const row = formatRoute(rt);
  emit(ns, {
    kind: 'drop',
    dev,
    skb,
    decidedBy: { table: 'routes', row },
    // ip_error: an unreachable route counts IP_INADDRERRORS; blackhole and prohibit name no reason.
    reason: rt.type === 'unreachable' ? 'IP_INADDRERRORS' : 'NOT_SPECIFIED',
    code: `drop.route-${rt.type as 'blackhole' | 'unreachable' | 'prohibit'}`,
    args: { dst: ip.dst, route: row },
  });
  if (rt.type === 'unreachable') icmpSendError(ns, skb, ICMP.DEST_UNREACH, ICMP.HOST_UNREACH, {});
  if (rt.type === 'prohibit') icmpSendError(ns, skb, ICMP.DEST_UNREACH, ICMP.PKT_FILTERED, {});
}

function martianSource({ dev, skb, ip }: RouteInput): void {
  emit(dev.netns, {
    kind: 'drop',
    dev,
    skb,
    reason: 'IP_INVALID_SOURCE',
    code: 'drop.martian-source',
    args: { src: ip.src, dev: dev.name },
  });
}

/** A unicast route elsewhere: say which, and hand the packet to ip_forward. */
function routeForward({ dev, skb, ip }: RouteInput, rt: Route): void {
  emit(dev.netns, {
    kind: 'route-lookup',
    dev,
    skb,
    decidedBy: { table: 'routes', row: formatRoute(rt) },
    code: rt.gateway !== undefined ? 'route.forward-via' : 'route.forward-direct',
    args: {
      dst: ip.dst,
      dev: rt.dev?.name ?? '?',
      via: rt.gateway !== undefined ? formatIp(rt.gateway) : '',
    },
  });
  ipForward(dev, skb, rt);
}

/**
 * ip_route_input_slow, before the FIB lookup: 127.0.0.0/8 as destination (else as source)
 * is martian unless route_localnet is set on the receiving device or on `all`
 * (IN_DEV_NET_ROUTE_LOCALNET). Packets looped back by `lo` never get here in the kernel:
 * they carry the output route already (ip_rcv_finish skips the input lookup).
 */
function localnetOk(dev: Device, skb: Skb, src: number, dst: number): boolean {
  const dstLo = dst >>> 24 === 127;
  if (dev.kind === 'loopback' || (!dstLo && src >>> 24 !== 127)) return true;
  const ns = dev.netns;
  if (ns.sysctl.devOr(dev.name, 'route_localnet')) return true;
  const ip = skb.layers[0] as Ipv4Layer;
  emit(ns, {
    kind: 'drop',
    dev,
    skb,
    decidedBy: { table: 'sysctl', row: `net.ipv4.conf.${dev.name}.route_localnet = 0` },
    reason: dstLo ? 'IP_INVALID_DEST' : 'IP_INVALID_SOURCE',
    code: dstLo ? 'drop.martian-destination' : 'drop.martian-source',
    args: { src: ip.src, dst: ip.dst, dev: dev.name },
  });
  return false;
}

/**
 * fib_validate_source with reverse-path filtering (IN_DEV_RPFILTER: the larger of
 * conf.all and conf.<dev> rp_filter). It runs in routing, after PREROUTING, for packets
 * routed to a local address or forwarded, and so for decapsulated packets too (they
 * enter again on the tunnel device). Strict (1): the route back to the source must leave
 * by the device the packet came in on; loose (2): there must be a route back at all.
 */
function validSource(dev: Device, skb: Skb, src: number, dst: number): boolean {
  const ns = dev.netns;
  const rpf = Math.max(ns.sysctl.get('net.ipv4.conf.all.rp_filter'), ns.sysctl.devGet(dev.name, 'rp_filter'));
  if (rpf === 0) return true;
  // __fib_validate_source: the reverse flow, from dst to src, as if sent from `lo`, mark 0
  // (src_valid_mark is off).
  const back = ns.routes.lookup(src, { src: dst });
  const ok = back !== undefined && back.type === 'unicast' && (rpf === 2 || back.dev === dev);
  if (ok) return true;
  emit(ns, {
    kind: 'drop',
    dev,
    skb,
    ...(back ? { decidedBy: { table: 'routes' as const, row: formatRoute(back) } } : {}),
    reason: 'IP_RPFILTER',
    code: back ? 'drop.rp-filter-other-dev' : 'drop.rp-filter-no-route',
    args: { src: formatIp(src), dev: dev.name, rpf, back: back?.dev?.name ?? '' },
  });
  return false;
}
