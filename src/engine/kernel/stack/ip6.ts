/**
 * The IPv6 data path (net/ipv6/ip6_input.c, ip6_output.c, route.c): ipv6_rcv and the input
 * route, ip6_forward with the hop limit and the never-fragment rule, and the output route
 * with source address selection, and the netfilter hooks on each (NFPROTO_IPV6: ip6tables
 * and nft's ip6 and inet base chains) where ip6_input.c and ip6_output.c call NF_HOOK.
 */
import {
  formatIp6,
  inPrefix6,
  isLinkLocal6,
  isMulticast6,
  parseIp6,
  solicitedNode,
  ALL_NODES6,
} from '../../net/ipv6';
import type { EthLayer, Ipv6Layer } from '../../net/layers';
import { ipLength } from '../../net/encode';
import { ipv6Disabled } from '../addrconf';
import type { Device, If6Addr } from '../device';
import type { Netns } from '../netns';
import { isFailAction } from '../fib-rules';
import type { FibRule6 } from '../fib6-rules';
import { formatRoute6, type Fib6Result, type Route6 } from '../route6';
import { patchLayer, type Skb } from '../skb';
import { emit as emitEvent, type Emit } from '../emit';
import { icmpv6Rcv, icmpv6Send } from './icmpv6';
import { ruleDrop6, ruleEvent6 } from './fib-rule-events';
import { nfHook } from '../nf-hook';
import { ndiscNeighOutput } from './ndisc';
import { tcpRcv } from './tcp';
import { udpEncapRcv, udpRcv } from './udp';
// Whatever sends can be answered: the output path loading brings the protocols' receive side.
import './inet-init';

/** The codes this module reports (kernel/message-codes.ts). */
const emit: Emit<'forward' | 'ipv6'> = emitEvent;

export function addr6(s: string): bigint {
  const a = parseIp6(s);
  if (a === null) throw new Error(`internal: malformed IPv6 address in header: ${s}`);
  return a;
}

/** ipv6_rcv: NF_INET_PRE_ROUTING, then ip6_rcv_finish. */
export function ipv6Rcv(dev: Device, skb0: Skb, eth?: EthLayer): void {
  const ns = dev.netns;
  if (ipv6Disabled(ns)) return;
  const skb = nfHook(ns, 'PREROUTING', skb0, { in: dev });
  if (skb) ip6RcvFinish(dev, skb, eth);
}

/**
 * ip6_input: NF_INET_LOCAL_IN, then ip6_protocol_deliver_rcu hands the packet to the handler
 * inet6_protos has for its next header: tcpv6_protocol, udpv6_protocol, icmpv6_protocol.
 */
function ip6Input(dev: Device, skb0: Skb, eth?: EthLayer): void {
  const skb = nfHook(dev.netns, 'INPUT', skb0, { in: dev });
  if (!skb) return;
  const l4 = skb.layers[1];
  // udpv6_rcv: a tunnel socket (VXLAN over IPv6) takes its datagrams first.
  if (l4?.proto === 'udp' && udpEncapRcv('ipv6', dev, skb)) return;
  if (l4?.proto === 'tcp') tcpRcv(dev, skb);
  else if (l4?.proto === 'udp') udpRcv(dev, skb);
  else icmpv6Rcv(dev, skb, eth);
}

/** ip6_rcv_finish: multicast for a group we are in, our own addresses, or forwarding. */
function ip6RcvFinish(dev: Device, skb: Skb, eth?: EthLayer): void {
  const ns = dev.netns;
  const ip = skb.layers[0] as Ipv6Layer;
  const dst = addr6(ip.dst);
  if (isMulticast6(dst)) {
    // ip6_mc_input: the groups a device joins, all-nodes and each address's solicited-node group.
    if (dst === ALL_NODES6 || dev.addrs6.some((a) => solicitedNode(a.addr) === dst)) ip6Input(dev, skb, eth);
    return;
  }
  // ip6_route_input: the rules see the receiving device, the source, the mark and the class.
  const found = ns.routes6.fibLookup(dst, { iif: dev, src: addr6(ip.src), mark: skb.mark, tclass: ip.tc });
  const rt = found.rt;
  if (found.rule && ns.routes6.customRules) {
    if (rt) ruleEvent6(ns, skb, dev, found.rule);
    else if (isFailAction(found.rule.action)) return ruleDrop6(ns, dev, skb, found.rule, found.rule.action);
  }
  const row = rt ? { table: 'routes' as const, row: formatRoute6(rt, true) } : undefined;
  if (rt?.type === 'local') {
    emit(ns, {
      kind: 'route-lookup',
      dev,
      skb,
      decidedBy: row!,
      code: 'route6.input-local',
      args: { dst: ip.dst },
    });
    ip6Input(dev, skb, eth);
    return;
  }
  if (!rt || rt.type !== 'unicast') {
    // ip6_pkt_drop: no route (or an unreachable one) answers with ICMPv6 no route.
    emit(ns, {
      kind: 'drop',
      dev,
      skb,
      ...(row ? { decidedBy: row } : {}),
      reason: 'IP_NOROUTE',
      code: 'drop.no-route6',
      args: { dst: ip.dst, ns: ns.name },
    });
    // ip6_rt_init_dst_reject: a blackhole route's input is dst_discard, which answers nothing.
    if (rt?.type !== 'blackhole') icmpv6Send(ns, skb, 1, rt?.type === 'prohibit' ? 1 : 0, {}, dev);
    return;
  }
  if (ns.sysctl.get('net.ipv6.conf.all.forwarding') === 0) {
    emit(ns, {
      kind: 'drop',
      dev,
      skb,
      decidedBy: { table: 'sysctl', row: 'net.ipv6.conf.all.forwarding = 0' },
      reason: 'IP_INADDRERRORS',
      code: 'drop.ip6-forward-off',
      args: { dst: ip.dst, ns: ns.name },
    });
    return;
  }
  const via = rt.gateway !== undefined ? ` via ${formatIp6(rt.gateway)}` : '';
  emit(ns, {
    kind: 'route-lookup',
    dev,
    skb,
    decidedBy: row!,
    code: 'route6.forward',
    args: { dst: ip.dst, dev: rt.dev!.name, via },
  });
  ip6Forward(dev, skb, rt);
}

/**
 * ip6_forward: hop limit first, then the MTU (routers send packet too big, never fragment),
 * then the hop limit is lowered and NF_INET_FORWARD runs; ip6_forward_finish goes on to
 * ip6_output's NF_INET_POST_ROUTING.
 */
function ip6Forward(dev: Device, skb: Skb, rt: Route6): void {
  const ns = dev.netns;
  const ip = skb.layers[0] as Ipv6Layer;
  const out = rt.dev!;
  if (ip.hlim <= 1) {
    emit(ns, {
      kind: 'drop',
      dev,
      skb,
      reason: 'IP_INHDR',
      code: 'drop.hop-limit',
      args: { hlim: ip.hlim, dst: ip.dst },
    });
    icmpv6Send(ns, skb, 3, 0, {}, dev);
    return;
  }
  const len = ipLength({ layers: skb.layers, payload: skb.payload }, 0);
  if (len > out.mtu) {
    emit(ns, {
      kind: 'drop',
      dev: out,
      skb,
      reason: 'PKT_TOO_BIG',
      code: 'drop.pkt-too-big',
      args: { len, dev: out.name, mtu: out.mtu },
    });
    icmpv6Send(ns, skb, 2, 0, { mtu: out.mtu }, dev);
    return;
  }
  const fwd = patchLayer<Ipv6Layer>(skb, 0, { hlim: ip.hlim - 1 });
  emit(ns, {
    kind: 'forward',
    dev: out,
    skb: fwd,
    code: 'forward6.hop',
    args: { in: dev.name, out: out.name, hlim: ip.hlim, hlim2: ip.hlim - 1 },
  });
  const filtered = nfHook(ns, 'FORWARD', fwd, { in: dev, out });
  if (!filtered) return;
  const post = nfHook(ns, 'POSTROUTING', filtered, { out });
  if (post) ndiscNeighOutput(out, rt.gateway ?? addr6(ip.dst), post);
}

export type Route6Result =
  | { ok: true; rt: Route6; dev: Device; nexthop: bigint; src: bigint; local: boolean; rule?: FibRule6 }
  | { ok: false; err: 'ENETUNREACH' | 'EACCES' | 'EINVAL' };

/** A lookup whose result has no error (ip6_null_entry and the reject routes carry one). */
const usable = (f: Fib6Result): boolean =>
  !!f.rt && f.rt.type !== 'unreachable' && f.rt.type !== 'prohibit' && f.rt.type !== 'blackhole';

/**
 * ip6_dst_lookup_tail: a sender with no source looks up without one (so no `from` rule
 * matches); only if that fails does it pick a source from any device and look up again.
 */
function outputLookup(ns: Netns, dst: bigint, opts: { oif?: Device; src?: bigint }): Fib6Result {
  const flow = {
    ...(opts.oif ? { oif: opts.oif } : {}),
    ...(opts.src !== undefined ? { src: opts.src } : {}),
  };
  const found = ns.routes6.fibLookup(dst, flow);
  if (opts.src !== undefined || usable(found) || !ns.routes6.customRules) return found;
  const src = selectSource6(ns, undefined, dst);
  return src === undefined ? found : ns.routes6.fibLookup(dst, { ...flow, src });
}

/** ip6_route_output + ipv6_dev_get_saddr. A link-local destination needs its device (the scope id). */
export function ip6RouteOutput(
  ns: Netns,
  dst: bigint,
  opts: { oif?: Device; src?: bigint } = {},
): Route6Result {
  const found = outputLookup(ns, dst, opts);
  if (found.err) return { ok: false, err: found.err };
  const rt = found.rt;
  const rule = found.rule && ns.routes6.customRules ? { rule: found.rule } : {};
  if (!rt || rt.type === 'unreachable') return { ok: false, err: 'ENETUNREACH' };
  if (rt.type === 'prohibit') return { ok: false, err: 'EACCES' };
  if (rt.type === 'blackhole') return { ok: false, err: 'EINVAL' };
  if (rt.type === 'local') {
    const src = opts.src ?? dst;
    return { ok: true, rt, dev: ns.loopback, nexthop: dst, src, local: true, ...rule };
  }
  if (isLinkLocal6(dst) && !opts.oif) return { ok: false, err: 'EINVAL' };
  const dev = rt.dev!;
  const src = opts.src ?? selectSource6(ns, dev, dst);
  if (src === undefined) return { ok: false, err: 'ENETUNREACH' };
  return { ok: true, rt, dev, nexthop: rt.gateway ?? dst, src, local: false, ...rule };
}

/**
 * RFC 6724's rules as ipv6_dev_get_saddr applies them, the ones that matter here: the
 * scope of the destination (rule 2), the outgoing device first (rule 5), then the longest
 * matching prefix (rule 8).
 */
export function selectSource6(ns: Netns, dev: Device | undefined, dst: bigint): bigint | undefined {
  const want = isLinkLocal6(dst) ? 'link' : 'global';
  const fits = (a: If6Addr): boolean => a.scope === want;
  const best = (list: If6Addr[]): If6Addr | undefined => {
    let pick: If6Addr | undefined;
    let pickLen = -1;
    for (const a of list.filter(fits)) {
      let n = 0;
      while (n < 128 && inPrefix6(a.addr, dst, n + 1)) n++;
      if (n > pickLen) {
        pick = a;
        pickLen = n;
      }
    }
    return pick;
  };
  // With no device (a failed lookup), every device's addresses compete.
  const onDev = dev ? best(dev.addrs6) : undefined;
  if (onDev) return onDev.addr;
  if (want === 'link') return undefined;
  return best(ns.devicesInOrder().flatMap((d) => d.addrs6))?.addr;
}

/**
 * ip6_local_out -> ip6_output -> ip6_finish_output: the route chosen, NF_INET_LOCAL_OUT and
 * NF_INET_POST_ROUTING, then the neighbour.
 */
export function ip6LocalOut(
  ns: Netns,
  skb0: Skb,
  res: Extract<Route6Result, { ok: true }>,
  who: string,
): void {
  const ip = skb0.layers[0] as Ipv6Layer;
  const via = res.rt.gateway !== undefined ? ` via ${formatIp6(res.rt.gateway)}` : '';
  if (res.rule) ruleEvent6(ns, skb0, undefined, res.rule);
  emit(ns, {
    kind: 'route-lookup',
    skb: skb0,
    decidedBy: { table: 'routes', row: formatRoute6(res.rt, true) },
    code: 'route6.output',
    args: { dst: ip.dst, dev: res.dev.name, via, src: ip.src, who },
  });
  const out = nfHook(ns, 'OUTPUT', skb0, { out: res.dev });
  const skb = out && nfHook(ns, 'POSTROUTING', out, { out: res.dev });
  if (!skb) return;
  const len = ipLength({ layers: skb.layers, payload: skb.payload }, 0);
  if (len > res.dev.mtu && res.dev.kind !== 'loopback') {
    // A local sender fragments (ip6_fragment); the model does not.
    emit(ns, {
      kind: 'drop',
      dev: res.dev,
      skb,
      reason: 'FRAGMENTATION_UNMODELLED',
      code: 'drop.fragmentation',
      args: { dev: res.dev.name, mtu: res.dev.mtu, len },
    });
    return;
  }
  ndiscNeighOutput(res.dev, res.nexthop, skb);
}
