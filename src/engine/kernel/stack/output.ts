/**
 * The output path: ip_route_output (route and source address), __ip_local_out with the
 * OUTPUT hook, ip_output with POSTROUTING, ip_finish_output's MTU check, then the
 * neighbour layer.
 */
import { formatIp, inPrefix } from '../../net/ipv4';
import { ipOf } from '../addr';
import type { Ipv4Layer } from '../../net/layers';
import type { Device } from '../device';
import type { Netns } from '../netns';
import type { FibRule } from '../fib-rules';
import { formatRoute, scopeRank, type Route, type Scope } from '../routes';
import type { Skb } from '../skb';
import { emit as emitEvent, type Emit } from '../emit';
import { nfHook } from '../nf-hook';
import { neighOutput } from './neigh-output';
import { ruleEvent } from './fib-rule-events';
import { ipLength } from '../../net/encode';
// Whatever sends can be answered: the output path loading brings the protocols' receive side.
import './inet-init';

/** The codes this module reports (kernel/message-codes.ts). */
const emit: Emit<'forward' | 'route'> = emitEvent;

export type RouteErr = 'ENETUNREACH' | 'EHOSTUNREACH' | 'EINVAL' | 'EACCES';

export const ERRNO_TEXT: Record<RouteErr, string> = {
  ENETUNREACH: 'Network is unreachable',
  EHOSTUNREACH: 'No route to host',
  EINVAL: 'Invalid argument',
  EACCES: 'Permission denied',
};

export type RouteResult =
  | { ok: true; rt: Route; dev: Device; nexthop: number; src: number; local: boolean; rule?: FibRule }
  | { ok: false; err: RouteErr; rt?: Route; rule?: FibRule };

/**
 * ip_route_output_key: route and source address for a locally generated packet. The rules
 * see the flow as the sender gives it: its source when bound (else none yet), its mark,
 * the device it is bound to, and `lo` as the input device.
 */
export function routeOutput(
  ns: Netns,
  dst: number,
  opts: { src?: number; oif?: Device; mark?: number },
): RouteResult {
  const found = ns.routes.fibLookup(dst, { oif: opts.oif, src: opts.src, mark: opts.mark });
  const rt = found.rt;
  if (!rt) return { ok: false, err: found.err!, ...(found.rule ? { rule: found.rule } : {}) };
  switch (rt.type) {
    case 'blackhole':
      return { ok: false, err: 'EINVAL', rt };
    case 'unreachable':
      return { ok: false, err: 'EHOSTUNREACH', rt };
    case 'prohibit':
      return { ok: false, err: 'EACCES', rt };
    default:
  }
  if (rt.type === 'local') {
    // ip_route_output_key_hash_rcu: a local route's output device is net->loopback_dev, whatever its name.
    const lo = ns.loopback;
    if (!lo.adminUp) return { ok: false, err: 'ENETUNREACH', rt };
    return {
      ok: true,
      rt,
      dev: lo,
      nexthop: dst,
      src: opts.src ?? rt.src ?? dst,
      local: true,
      rule: found.rule,
    };
  }
  const dev = rt.dev!;
  const nexthop = rt.gateway ?? dst;
  // fib_result_prefsrc: inet_select_addr with the route's own scope (fi->fib_scope), so a
  // link-scope device route never picks a host-scope address such as lo's 127.0.0.1.
  const src = opts.src ?? rt.src ?? selectSource(ns, dev, nexthop, rt.scope);
  // __mkroute_output: a 127.0.0.0/8 source leaves only by a loopback device, unless
  // route_localnet is set on the output device or on `all` (IN_DEV_ROUTE_LOCALNET).
  if (src >>> 24 === 127 && dev.kind !== 'loopback' && !ns.sysctl.devOr(dev.name, 'route_localnet')) {
    return { ok: false, err: 'EINVAL', rt };
  }
  return { ok: true, rt, dev, nexthop, src, local: false, rule: found.rule };
}

/**
 * inet_select_addr: a primary address on the device within scope, preferring one whose
 * subnet holds the destination; failing that, any non-link-scope address of the netns.
 */
export function selectSource(ns: Netns, dev: Device, dst: number, scope: Scope): number {
  let pick: number | undefined;
  for (const a of dev.addrs) {
    if (a.secondary || scopeRank(a.scope) > scopeRank(scope)) continue;
    if (inPrefix(dst, a.addr, a.len)) return a.addr;
    pick ??= a.addr;
  }
  if (pick !== undefined) return pick;
  for (const { a } of ns.allAddrs()) {
    if (a.scope !== 'link' && scopeRank(a.scope) <= scopeRank(scope)) return a.addr;
  }
  return 0;
}

/**
 * ip_route_me_harder failed after OUTPUT: the NAT hook returns NF_DROP_ERR. A 127/8 source
 * that would now leave by a real device (a localhost DNAT) is refused by __mkroute_output.
 */
function rerouteDrop(ns: Netns, skb: Skb, res: Extract<RouteResult, { ok: false }>): void {
  const ip = skb.layers[0] as Ipv4Layer;
  const dev = res.rt?.dev;
  if (res.err === 'EINVAL' && dev && ipOf(ip.src) >>> 24 === 127) {
    emit(ns, {
      kind: 'drop',
      skb,
      decidedBy: { table: 'sysctl', row: `net.ipv4.conf.${dev.name}.route_localnet = 0` },
      reason: 'NETFILTER_DROP',
      code: 'drop.reroute-localnet',
      args: { src: ip.src, dst: ip.dst, dev: dev.name },
    });
    return;
  }
  emit(ns, {
    kind: 'drop',
    skb,
    reason: 'IP_OUTNOROUTES',
    code: 'drop.no-route-output',
    args: { dst: ip.dst },
  });
}

/** __ip_local_out: OUTPUT hook, then ip_output. `who` names the sender for the explanation. */
export function ipLocalOut(ns: Netns, skb0: Skb, res: Extract<RouteResult, { ok: true }>, who: string): void {
  const ip0 = skb0.layers[0] as Ipv4Layer;
  if (res.rule && ns.routes.customRules) ruleEvent(ns, skb0, undefined, res.rule, res.rt);
  emit(ns, {
    kind: 'route-lookup',
    skb: skb0,
    decidedBy: { table: 'routes', row: formatRoute(res.rt) },
    code: res.local
      ? 'route.output-local'
      : res.rt.gateway !== undefined
        ? 'route.output-via'
        : 'route.output-direct',
    args: { dst: ip0.dst, dev: res.dev.name, via: formatIp(res.nexthop), src: ip0.src, who },
  });
  const hooked = nfHook(ns, 'OUTPUT', skb0, { out: res.dev });
  if (!hooked) return;
  const { meHarder, ...skb } = hooked;
  const ip = skb.layers[0] as Ipv4Layer;
  if (ip.dst !== ip0.dst || meHarder) {
    // ip_route_me_harder: a DNAT/REDIRECT in OUTPUT changed the destination, or mangle
    // changed the mark, an address or the tos: route again with the packet's mark and source.
    const again = routeOutput(ns, ipOf(ip.dst), { src: ipOf(ip.src), mark: skb.mark });
    if (!again.ok) {
      rerouteDrop(ns, skb, again);
      return;
    }
    if (again.rule && ns.routes.customRules) ruleEvent(ns, skb, undefined, again.rule, again.rt);
    emit(ns, {
      kind: 'route-lookup',
      skb,
      decidedBy: { table: 'routes', row: formatRoute(again.rt) },
      code: ip.dst !== ip0.dst ? 'route.reroute' : 'route.reroute-mangle',
      args: { dst: ip.dst, dev: again.dev.name, mark: '0x' + skb.mark.toString(16) },
    });
    ipOutput(ns, skb, again.dev, again.nexthop, 'local');
    return;
  }
  ipOutput(ns, skb, res.dev, res.nexthop, 'local');
}

/** ip_output / ip_finish_output: POSTROUTING, the MTU check, then the neighbour layer. */
export function ipOutput(
  ns: Netns,
  skb0: Skb,
  dev: Device,
  nexthop: number,
  origin: 'local' | 'forward',
): void {
  const skb = nfHook(ns, 'POSTROUTING', skb0, { out: dev });
  if (!skb) return;
  const ip = skb.layers[0] as Ipv4Layer;
  const len = ipLength({ layers: skb.layers, payload: skb.payload }, 0);
  if (origin === 'local' && len > dev.mtu && dev.kind !== 'loopback') {
    // ip_fragment refuses DF packets; without DF the kernel would fragment, which this model does not do.
    emit(ns, {
      kind: 'drop',
      dev,
      skb,
      reason: ip.df ? 'PKT_TOO_BIG' : 'FRAGMENTATION_UNMODELLED',
      code: ip.df ? 'drop.message-too-long' : 'drop.fragmentation',
      args: { dev: dev.name, mtu: dev.mtu, len },
    });
    return;
  }
  neighOutput(dev, nexthop, skb);
}
