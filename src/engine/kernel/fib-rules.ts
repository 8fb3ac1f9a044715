/**
 * Policy routing rules (net/core/fib_rules.c, net/ipv4/fib_rules.c): an ordered list that
 * fib_lookup walks by priority, each rule a selector (from, to, tos, fwmark, iif, oif, not)
 * and an action (look in a table, or fail with unreachable, prohibit or blackhole).
 * The list, its order and its commands are the family-independent core (struct fib_rule);
 * the addresses are the family's (number for IPv4 here, bigint in fib6-rules.ts).
 */
import { formatIp } from '../net/ipv4';

export const TABLE_LOCAL = 255;
export const TABLE_MAIN = 254;
export const TABLE_DEFAULT = 253;

/** FR_ACT_*: what a matching rule does. */
export type RuleAction = 'lookup' | 'unreachable' | 'prohibit' | 'blackhole' | 'nop';
/** The actions that end a lookup with an error (fib4_rule_action); nop rules are skipped. */
export type FailAction = Exclude<RuleAction, 'lookup' | 'nop'>;
export const isFailAction = (a: RuleAction): a is FailAction => a !== 'lookup' && a !== 'nop';

/** An address of either family: IPv4 as a number, IPv6 as a bigint. */
export type RuleAddr = number | bigint;

export interface Prefix<A extends RuleAddr = number> {
  addr: A;
  len: number;
}

export interface FibRule<A extends RuleAddr = number> {
  pref: number;
  /** FIB_RULE_INVERT (`not`): the selector's result is negated. */
  invert: boolean;
  src?: Prefix<A>;
  dst?: Prefix<A>;
  tos: number;
  /** FRA_FWMARK / FRA_FWMASK; mask 0xffffffff when only the mark was given. */
  fwmark?: { mark: number; mask: number };
  /** By name, as the kernel keeps iifname/oifname: a rule may name a device that does not exist (yet). */
  iif?: string;
  oif?: string;
  action: RuleAction;
  table: number;
  /** FRA_SUPPRESS_PREFIXLEN: ignore a result whose prefix is this long or shorter (-1: off). */
  suppressPrefixlen: number;
  origin: string;
}

/** The flow fields a rule can select on (struct flowi4). */
export interface RuleFlow {
  dst: number;
  /** 0 when the sender has not chosen its source yet (an unbound socket's first lookup). */
  src: number;
  tos: number;
  mark: number;
  /** flowi4_iif, by name: the receiving device; `lo` for a locally generated packet (LOOPBACK_IFINDEX). */
  iif: string;
  /** flowi4_oif, by name: the device a socket is bound to, if any. */
  oif?: string;
}

export function rule<A extends RuleAddr = number>(pref: number, table: number): FibRule<A> {
  return {
    pref,
    invert: false,
    tos: 0,
    action: 'lookup',
    table,
    suppressPrefixlen: -1,
    origin: 'kernel',
  };
}

/** fib4_rules_init / fib_default_rules_init: local (0), main (32766), default (32767). */
export function defaultRules(): FibRule[] {
  return [rule(0, TABLE_LOCAL), rule(32766, TABLE_MAIN), rule(32767, TABLE_DEFAULT)];
}

function prefixMask(len: number): number {
  return len <= 0 ? 0 : len >= 32 ? -1 : -1 << (32 - len);
}

function inPrefix(addr: number, p: Prefix | undefined): boolean {
  return !p || ((addr ^ p.addr) & prefixMask(p.len)) === 0;
}

/** fib_rule_match with fib4_rule_match: every selector given must hold, then `not` inverts. */
export function fibRuleMatch(r: FibRule, fl: RuleFlow): boolean {
  const hit =
    (r.iif === undefined || r.iif === fl.iif) &&
    (r.oif === undefined || r.oif === fl.oif) &&
    (!r.fwmark || ((r.fwmark.mark ^ fl.mark) & r.fwmark.mask) === 0) &&
    inPrefix(fl.dst, r.dst) &&
    inPrefix(fl.src, r.src) &&
    (r.tos === 0 || r.tos === fl.tos);
  return r.invert ? !hit : hit;
}

/**
 * fib_default_rule_pref: a rule added without a priority takes one less than the second
 * rule's (the first after `local`), or 0 when there is none.
 */
export function defaultRulePref(rules: readonly { pref: number }[]): number {
  const second = rules[1];
  return second && second.pref > 0 ? second.pref - 1 : 0;
}

/** fib_nl_newrule: after every rule whose priority is not larger. */
export function insertRule<R extends { pref: number }>(rules: R[], r: R): void {
  let i = 0;
  while (i < rules.length && rules[i]!.pref <= r.pref) i++;
  rules.splice(i, 0, r);
}

/** The address as one value to compare: IPv4's signed and unsigned forms are the same address. */
const addrKey = (a: RuleAddr | undefined): RuleAddr =>
  a === undefined ? 0 : typeof a === 'number' ? a >>> 0 : a;

function samePrefix<A extends RuleAddr>(a: Prefix<A> | undefined, b: Prefix<A> | undefined): boolean {
  return (a?.len ?? 0) === (b?.len ?? 0) && addrKey(a?.addr) === addrKey(b?.addr);
}

/** fib4_rule_compare / fib6_rule_compare: the addresses and tos only where the request gave them. */
function compareSelectors<A extends RuleAddr>(r: FibRule<A>, q: Partial<FibRule<A>>): boolean {
  if (q.src && q.src.len && !samePrefix(r.src, q.src)) return false;
  if (q.dst && q.dst.len && !samePrefix(r.dst, q.dst)) return false;
  return !q.tos || r.tos === q.tos;
}

/** rule_exists (NLM_F_EXCL): the same action, table, priority and selectors. */
export function ruleExists<A extends RuleAddr>(rules: readonly FibRule<A>[], q: FibRule<A>): boolean {
  return rules.some(
    (r) =>
      r.action === q.action &&
      r.table === q.table &&
      r.pref === q.pref &&
      r.iif === q.iif &&
      r.oif === q.oif &&
      (r.fwmark?.mark ?? 0) === (q.fwmark?.mark ?? 0) &&
      (r.fwmark?.mask ?? 0) === (q.fwmark?.mask ?? 0) &&
      r.suppressPrefixlen === q.suppressPrefixlen &&
      compareSelectors(r, q),
  );
}

/** What `ip rule del` asked for: only the fields given are compared (rule_find). */
export interface RuleQuery<A extends RuleAddr = number> extends Partial<FibRule<A>> {
  prefGiven: boolean;
}

/** rule_find: the first rule every given field agrees with. */
export function ruleFind<A extends RuleAddr>(
  rules: readonly FibRule<A>[],
  q: RuleQuery<A>,
): FibRule<A> | undefined {
  return rules.find(
    (r) =>
      (q.action === undefined || r.action === q.action) &&
      (!q.table || r.table === q.table) &&
      (!q.prefGiven || r.pref === q.pref) &&
      (q.iif === undefined || r.iif === q.iif) &&
      (q.oif === undefined || r.oif === q.oif) &&
      (!q.fwmark?.mark || r.fwmark?.mark === q.fwmark.mark) &&
      (q.fwmark?.mask === undefined || q.fwmark.mask === 0 || r.fwmark?.mask === q.fwmark.mask) &&
      (q.suppressPrefixlen === undefined ||
        q.suppressPrefixlen === -1 ||
        r.suppressPrefixlen === q.suppressPrefixlen) &&
      compareSelectors(r, q),
  );
}

/** rtnl_rttable_n2a: the names in /etc/iproute2/rt_tables, else the number. */
export function tableName(id: number): string {
  return id === TABLE_LOCAL
    ? 'local'
    : id === TABLE_MAIN
      ? 'main'
      : id === TABLE_DEFAULT
        ? 'default'
        : String(id);
}

/** A prefix as print_rule writes it: the address alone for a host, else ADDR/LEN. */
export type PrefixWord<A extends RuleAddr> = (p: Prefix<A>) => string;

export const prefixWord4: PrefixWord<number> = (p) =>
  p.len === 32 ? formatIp(p.addr) : `${formatIp(p.addr)}/${p.len}`;

/**
 * One rule as iproute2's print_rule writes it: "PREF:\t", then the selectors in its order,
 * then the table or the action. `hasDev` says whether a named device exists ([detached]).
 */
export function formatRule(r: FibRule, hasDev: (name: string) => boolean): string {
  return formatRuleOf(r, hasDev, prefixWord4);
}

/** formatRule for either family, given how the family writes a prefix. */
export function formatRuleOf<A extends RuleAddr>(
  r: FibRule<A>,
  hasDev: (name: string) => boolean,
  word: PrefixWord<A>,
): string {
  const w: string[] = [];
  if (r.invert) w.push('not');
  w.push('from', r.src ? word(r.src) : 'all');
  if (r.dst) w.push('to', word(r.dst));
  if (r.tos) w.push('tos', '0x' + r.tos.toString(16).padStart(2, '0'));
  if (r.fwmark) {
    const { mark, mask } = r.fwmark;
    w.push('fwmark', mask >>> 0 === 0xffffffff ? hex(mark) : `${hex(mark)}/${hex(mask)}`);
  }
  if (r.iif !== undefined) w.push('iif', r.iif, ...(hasDev(r.iif) ? [] : ['[detached]']));
  if (r.oif !== undefined) w.push('oif', r.oif, ...(hasDev(r.oif) ? [] : ['[detached]']));
  if (r.action === 'lookup') {
    w.push('lookup', tableName(r.table));
    if (r.suppressPrefixlen !== -1) w.push('suppress_prefixlength', String(r.suppressPrefixlen));
  } else w.push(r.action);
  return `${r.pref}:\t${w.join(' ')}`;
}

function hex(n: number): string {
  return '0x' + (n >>> 0).toString(16);
}

/** fib_rule_matchall with the family's own selectors: a plain `lookup` that selects nothing. */
export function isMatchAllLookup<A extends RuleAddr>(r: FibRule<A>): boolean {
  return (
    r.action === 'lookup' &&
    !r.invert &&
    !r.src &&
    !r.dst &&
    !r.fwmark &&
    r.iif === undefined &&
    r.oif === undefined &&
    r.tos === 0
  );
}

/** One of fib4_rules_init's own three rules (local 0, main 32766, default 32767), with no selector: not worth a step of its own. */
export function isDefaultRule<A extends RuleAddr>(r: FibRule<A>): boolean {
  return (
    isMatchAllLookup(r) &&
    ((r.pref === 0 && r.table === TABLE_LOCAL) ||
      (r.pref === 32766 && r.table === TABLE_MAIN) ||
      (r.pref === 32767 && r.table === TABLE_DEFAULT))
  );
}

/** Whether the list is still fib4_rules_init's three rules (fib_has_custom_rules unset). */
export function isDefaultRules(rules: readonly FibRule[]): boolean {
  const d = defaultRules();
  return (
    rules.length === d.length &&
    rules.every((r, i) => r.pref === d[i]!.pref && isDefaultRule(r) && r.suppressPrefixlen === -1)
  );
}
