/**
 * IPv6 policy routing rules (net/ipv6/fib6_rules.c): the same ordered list as IPv4's
 * (fib-rules.ts), with IPv6 prefixes. A network namespace starts with two rules, not three:
 * fib6_rules_net_init adds local (0) and main (32766) only; there is no `default` table rule.
 */
import { formatIp6, inPrefix6 } from '../net/ipv6';
import { isMatchAllLookup, rule, TABLE_LOCAL, TABLE_MAIN, type FibRule, type PrefixWord } from './fib-rules';

export type FibRule6 = FibRule<bigint>;

/** fib6_rules_net_init: fib_default_rule_add(local, 0) and (main, 0x7FFE). */
export function defaultRules6(): FibRule6[] {
  return [rule<bigint>(0, TABLE_LOCAL), rule<bigint>(32766, TABLE_MAIN)];
}

/** The flow fields an IPv6 rule selects on (struct flowi6). */
export interface Rule6Flow {
  dst: bigint;
  /**
   * Absent while the sender has no source yet (an unbound socket's lookup): without
   * RT6_LOOKUP_F_HAS_SADDR a rule with a `from` prefix does not match (fib6_rule_match;
   * iproute2 never sets FIB_RULE_FIND_SADDR).
   */
  src?: bigint;
  /** The DS field of the traffic class; a rule's tos compares with its DSCP bits. */
  tclass: number;
  mark: number;
  /** flowi6_iif by name: the receiving device, `lo` for a locally generated packet. */
  iif: string;
  oif?: string;
}

/** fib_rule_match with fib6_rule_match: every selector given must hold, then `not` inverts. */
export function fib6RuleMatch(r: FibRule6, fl: Rule6Flow): boolean {
  const hit =
    (r.iif === undefined || r.iif === fl.iif) &&
    (r.oif === undefined || r.oif === fl.oif) &&
    (!r.fwmark || ((r.fwmark.mark ^ fl.mark) & r.fwmark.mask) === 0) &&
    (!r.dst || inPrefix6(fl.dst, r.dst.addr, r.dst.len)) &&
    (!r.src || (fl.src !== undefined && inPrefix6(fl.src, r.src.addr, r.src.len))) &&
    (r.tos === 0 || r.tos === (fl.tclass & 0xfc));
  return r.invert ? !hit : hit;
}

/** fib6_rule_action's errors for the actions that end a lookup. */
export const RULE6_ERR = { unreachable: 'ENETUNREACH', prohibit: 'EACCES', blackhole: 'EINVAL' } as const;

/** print_rule for AF_INET6: the address as given (its host bits kept), /LEN unless 128. */
export const prefixWord6: PrefixWord<bigint> = (p) =>
  p.len === 128 ? formatIp6(p.addr) : `${formatIp6(p.addr)}/${p.len}`;

/** fib6_rule_default for the two starting rules: no selector, local at 0 or main at 32766. */
export function isDefaultRule6(r: FibRule6): boolean {
  return (
    isMatchAllLookup(r) &&
    r.suppressPrefixlen === -1 &&
    ((r.pref === 0 && r.table === TABLE_LOCAL) || (r.pref === 32766 && r.table === TABLE_MAIN))
  );
}

/** Whether the list is still the starting two (then lookups take fib6_lookup's fast path). */
export function isDefaultRules6(rules: readonly FibRule6[]): boolean {
  return rules.length === 2 && rules[0]!.pref === 0 && rules.every(isDefaultRule6);
}
