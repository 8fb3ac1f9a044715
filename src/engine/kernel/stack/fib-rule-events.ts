/**
 * What the Trace says when an `ip rule` or `ip -6 rule` decides a lookup: the rule that
 * chose, or the rule that refused.
 */
import type { Ipv4Layer, Ipv6Layer } from '../../net/layers';
import type { Device } from '../device';
import {
  formatRule,
  formatRuleOf,
  isDefaultRule,
  tableName,
  type FailAction,
  type FibRule,
} from '../fib-rules';
import { isDefaultRule6, prefixWord6, type FibRule6 } from '../fib6-rules';
import type { Netns } from '../netns';
import type { Route } from '../routes';
import type { Skb } from '../skb';
import { emit as emitEvent, type Emit } from '../emit';
import { icmpSendError, ICMP } from './icmp';
import { icmpv6Send } from './icmpv6';

/** The codes this module reports (kernel/message-codes.ts). */
const emit: Emit<'route'> = emitEvent;

/** The rule's row exactly as the routes table lists it. */
export function ruleRow(ns: Netns, r: FibRule): string {
  return formatRule(r, (name) => ns.device(name) !== undefined);
}

/** An IPv6 rule's row as `ip -6 rule` (and the routes table) lists it. */
export function ruleRow6(ns: Netns, r: FibRule6): string {
  return formatRuleOf(r, (name) => ns.device(name) !== undefined, prefixWord6);
}

/** A rule other than the default three sent the lookup to its table. */
export function ruleEvent(
  ns: Netns,
  skb: Skb,
  dev: Device | undefined,
  r: FibRule,
  rt: Route | undefined,
): void {
  if (isDefaultRule(r) || r.action !== 'lookup' || !rt) return;
  lookupEvent(ns, skb, dev, r, ruleRow(ns, r));
}

/** The same for IPv6, where the starting rules are local and main only. */
export function ruleEvent6(ns: Netns, skb: Skb, dev: Device | undefined, r: FibRule6): void {
  if (isDefaultRule6(r) || r.action !== 'lookup') return;
  lookupEvent(ns, skb, dev, r, ruleRow6(ns, r));
}

function lookupEvent(
  ns: Netns,
  skb: Skb,
  dev: Device | undefined,
  r: FibRule<number> | FibRule6,
  row: string,
): void {
  const ip = skb.layers[0] as Ipv4Layer | Ipv6Layer;
  emit(ns, {
    kind: 'route-lookup',
    ...(dev ? { dev } : {}),
    skb,
    decidedBy: { table: 'routes', row },
    code: 'route.rule',
    args: {
      pref: r.pref,
      table: tableName(r.table),
      src: ip.src,
      dst: ip.dst,
      mark: '0x' + skb.mark.toString(16),
    },
  });
}

/**
 * A rule whose action is unreachable, prohibit or blackhole ended the input lookup
 * (fib4_rule_action: ENETUNREACH, EACCES, EINVAL); ip_error answers as for the route types.
 */
export function ruleDrop(ns: Netns, dev: Device, skb: Skb, r: FibRule, action: FailAction): void {
  const ip = skb.layers[0] as Ipv4Layer;
  emit(ns, {
    kind: 'drop',
    dev,
    skb,
    decidedBy: { table: 'routes', row: ruleRow(ns, r) },
    reason: action === 'unreachable' ? 'IP_NOROUTE' : 'NOT_SPECIFIED',
    code: `drop.rule-${action}`,
    args: { dst: ip.dst, src: ip.src, rule: ruleRow(ns, r), pref: r.pref },
  });
  if (action === 'unreachable') icmpSendError(ns, skb, ICMP.DEST_UNREACH, ICMP.NET_UNREACH, {});
  if (action === 'prohibit') icmpSendError(ns, skb, ICMP.DEST_UNREACH, ICMP.PKT_FILTERED, {});
}

/**
 * An IPv6 rule ended the input lookup (__fib6_rule_action): unreachable answers as
 * ip6_null_entry does (ip6_pkt_discard: no route, code 0), prohibit as ip6_prohibit_entry
 * (administratively prohibited, code 1), blackhole as ip6_blk_hole_entry (dst_discard, silent).
 */
export function ruleDrop6(ns: Netns, dev: Device, skb: Skb, r: FibRule6, action: FailAction): void {
  const ip = skb.layers[0] as Ipv6Layer;
  const row = ruleRow6(ns, r);
  emit(ns, {
    kind: 'drop',
    dev,
    skb,
    decidedBy: { table: 'routes', row },
    reason: action === 'unreachable' ? 'IP_NOROUTE' : 'NOT_SPECIFIED',
    code: `drop.rule-${action}`,
    args: { dst: ip.dst, src: ip.src, rule: row, pref: r.pref },
  });
  if (action !== 'blackhole') icmpv6Send(ns, skb, 1, action === 'prohibit' ? 1 : 0, {}, dev);
}
