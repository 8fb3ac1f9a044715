/** What the Trace says when an `ip rule` decides a lookup: the rule that chose, or the rule that refused. */
import type { Ipv4Layer } from '../../net/layers';
import type { Device } from '../device';
import { formatRule, isDefaultRule, tableName, type FailAction, type FibRule } from '../fib-rules';
import type { Netns } from '../netns';
import type { Route } from '../routes';
import type { Skb } from '../skb';
import { emit as emitEvent, type Emit } from '../emit';
import { icmpSendError, ICMP } from './icmp';

/** The codes this module reports (kernel/message-codes.ts). */
const emit: Emit<'route'> = emitEvent;

/** The rule's row exactly as the routes table lists it. */
export function ruleRow(ns: Netns, r: FibRule): string {
  return formatRule(r, (name) => ns.device(name) !== undefined);
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
  const ip = skb.layers[0] as Ipv4Layer;
  emit(ns, {
    kind: 'route-lookup',
    ...(dev ? { dev } : {}),
    skb,
    decidedBy: { table: 'routes', row: ruleRow(ns, r) },
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
