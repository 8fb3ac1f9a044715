/**
 * `ip rule` and `ip -6 rule`: add, del, flush and show the policy routing list, parsed as
 * iproute2's iprule_modify does and applied as fib_nl_newrule / fib_nl_delrule do. Each
 * family has its own list (fib4_rules_ops, fib6_rules_ops); only the prefixes differ.
 */
import { CommandError } from '../kernel/errors';
import {
  defaultRulePref,
  formatRuleOf,
  insertRule,
  prefixWord4,
  ruleExists,
  ruleFind,
  TABLE_DEFAULT,
  TABLE_LOCAL,
  TABLE_MAIN,
  type FibRule,
  type Prefix,
  type PrefixWord,
  type RuleAddr,
  type RuleQuery,
} from '../kernel/fib-rules';
import { prefixWord6 } from '../kernel/fib6-rules';
import type { Netns } from '../kernel/netns';
import { parseCidr6 } from '../net/ipv6';
import { parsePrefixArg } from './ip-addr';
import type { CommandContext } from './types';
import { Args, matches } from './words';

/** iproute2's invarg(): the message names the word it could not take. */
function invarg(msg: string, word: string): CommandError {
  return new CommandError(`Error: argument "${word}" is wrong: ${msg}`, 1);
}

/** get_u32 with base 0: decimal, 0x hex or 0 octal. */
function u32(v: string): number | undefined {
  if (!/^(0x[0-9a-f]+|0[0-7]*|[1-9]\d*)$/i.test(v)) return undefined;
  const n = /^0[0-7]+$/.test(v) ? parseInt(v, 8) : Number(v);
  return n <= 0xffffffff ? n : undefined;
}

/** rtnl_rttable_a2n: the rt_tables names, or a number. */
export function parseRuleTable(v: string): number {
  if (v === 'main') return TABLE_MAIN;
  if (v === 'local') return TABLE_LOCAL;
  if (v === 'default') return TABLE_DEFAULT;
  const n = u32(v);
  if (n === undefined) throw invarg('invalid table ID', v);
  return n;
}

/** What differs between `ip rule` and `ip -6 rule`: the list, and how a prefix is read and written. */
interface RuleFamily<A extends RuleAddr> {
  owner: { readonly rules: readonly FibRule<A>[]; editRules(change: (rules: FibRule<A>[]) => void): void };
  parse(v: string): Prefix<A>;
  word: PrefixWord<A>;
  /** fib6_rule_configure: a rule that looks in a table makes the table. */
  made?(table: number): void;
}

function parsePrefix4(v: string): Prefix {
  // get_addr_ipv4: fewer than four numbers leave the rest zero ("0/8", "10/8").
  const [addr, len] = v.split('/');
  const parts = addr!.split('.');
  const full = /^\d+(\.\d+){0,3}$/.test(addr!) ? [...parts, '0', '0', '0'].slice(0, 4).join('.') : addr!;
  const p = parsePrefixArg(len === undefined ? full : `${full}/${len}`);
  return { addr: p.addr >>> 0, len: p.len };
}

/** get_prefix for AF_INET6: the address as written, host bits kept (the kernel stores it so). */
function parsePrefix6(v: string): Prefix<bigint> {
  const p = parseCidr6(v);
  if (!p) throw new CommandError(`Error: inet6 prefix is expected rather than "${v}".`, 1);
  return p;
}

function family4(ns: Netns): RuleFamily<number> {
  return { owner: ns.routes, parse: parsePrefix4, word: prefixWord4 };
}

function family6(ns: Netns): RuleFamily<bigint> {
  return {
    owner: ns.routes6,
    parse: parsePrefix6,
    word: prefixWord6,
    made: (t) => ns.routes6.makeTable(t),
  };
}

/** `from all`, `any` and `default` select nothing. */
function parsePrefix<A extends RuleAddr>(f: RuleFamily<A>, v: string): Prefix<A> | undefined {
  return v === 'all' || v === 'any' || v === 'default' ? undefined : f.parse(v);
}

function parseFwmark(v: string): { mark: number; mask: number } {
  const [m, k] = v.split('/');
  const mark = u32(m!);
  if (mark === undefined) throw invarg('fwmark value is invalid', v);
  if (k === undefined) return { mark, mask: 0xffffffff };
  const mask = u32(k);
  if (mask === undefined) throw invarg('fwmask value is invalid', k);
  return { mark, mask };
}

const TYPES: Record<string, FibRule['action']> = {
  unicast: 'lookup',
  unreachable: 'unreachable',
  prohibit: 'prohibit',
  blackhole: 'blackhole',
  nop: 'nop',
};

type Query<A extends RuleAddr> = RuleQuery<A> & { tableGiven: boolean };

/** iprule_modify's argument loop: the selector and action words, in any order. */
function parseRuleArgs<A extends RuleAddr>(f: RuleFamily<A>, a: Args): Query<A> {
  const q: Query<A> = { prefGiven: false, tableGiven: false };
  while (!a.done) {
    const w = a.next()!;
    if (w === 'not') q.invert = true;
    else if (matches(w, 'from')) q.src = parsePrefix(f, a.value());
    else if (matches(w, 'to')) q.dst = parsePrefix(f, a.value());
    else if (matches(w, 'preference') || matches(w, 'order') || matches(w, 'priority')) {
      const v = a.value();
      const n = u32(v);
      if (n === undefined) throw invarg('preference value is invalid', v);
      q.pref = n;
      q.prefGiven = true;
    } else if (w === 'tos' || matches(w, 'dsfield')) {
      const v = a.value();
      const n = u32(v);
      if (n === undefined || n > 0xff) throw invarg('TOS value is invalid', v);
      q.tos = n;
    } else if (matches(w, 'fwmark')) q.fwmark = parseFwmark(a.value());
    else if (matches(w, 'table') || w === 'lookup') {
      q.table = parseRuleTable(a.value());
      q.tableGiven = true;
    } else if (matches(w, 'suppress_prefixlength')) {
      const v = a.value();
      if (!/^-?\d+$/.test(v)) throw invarg('suppress_prefixlength value is invalid', v);
      q.suppressPrefixlen = Number(v);
    } else if (matches(w, 'dev') || w === 'iif') q.iif = a.value();
    else if (w === 'oif') q.oif = a.value();
    else {
      const t = w === 'type' ? a.value() : w;
      const action = TYPES[t];
      if (!action) throw invarg('Failed to parse rule type', t);
      q.action = action;
    }
  }
  return q;
}

function ruleAdd<A extends RuleAddr>(ns: Netns, f: RuleFamily<A>, a: Args, origin: string): string {
  const q = parseRuleArgs(f, a);
  const rules = f.owner.rules;
  const r: FibRule<A> = {
    pref: q.prefGiven ? q.pref! : defaultRulePref(rules),
    invert: q.invert ?? false,
    tos: q.tos ?? 0,
    action: q.action ?? 'lookup',
    // iprule_modify: a rule that names no table looks in main.
    table: q.tableGiven ? q.table! : TABLE_MAIN,
    suppressPrefixlen: q.suppressPrefixlen ?? -1,
    origin,
  };
  if (q.action && q.action !== 'lookup' && !q.tableGiven) r.table = 0;
  if (q.src) r.src = q.src;
  if (q.dst) r.dst = q.dst;
  if (q.fwmark) r.fwmark = q.fwmark;
  if (q.iif !== undefined) r.iif = q.iif;
  if (q.oif !== undefined) r.oif = q.oif;
  if (ruleExists(rules, r)) throw new CommandError('RTNETLINK answers: File exists', 2);
  if (r.action === 'lookup') f.made?.(r.table);
  f.owner.editRules((list) => insertRule(list, r));
  ns.changed('routes');
  return '';
}

function ruleDel<A extends RuleAddr>(ns: Netns, f: RuleFamily<A>, a: Args): string {
  if (a.done) throw new CommandError('"ip rule del" requires arguments.', 1);
  const q = parseRuleArgs(f, a);
  const victim = ruleFind(f.owner.rules, q);
  if (!victim) throw new CommandError('RTNETLINK answers: No such file or directory', 2);
  f.owner.editRules((list) => list.splice(list.indexOf(victim), 1));
  ns.changed('routes');
  return '';
}

/** iprule_flush: every rule but those of priority 0. */
function ruleFlush<A extends RuleAddr>(ns: Netns, f: RuleFamily<A>): string {
  f.owner.editRules((list) => {
    const keep = list.filter((r) => r.pref === 0);
    list.splice(0, list.length, ...keep);
  });
  ns.changed('routes');
  return '';
}

/** The rule list as `ip rule` prints it. */
export function ruleRows(ns: Netns): string[] {
  const f = family4(ns);
  return f.owner.rules.map((r) => formatRuleOf(r, (name) => ns.device(name) !== undefined, f.word));
}

function ruleShow<A extends RuleAddr>(ns: Netns, f: RuleFamily<A>, a: Args): string {
  const q = a.done ? undefined : parseRuleArgs(f, a);
  const rows: string[] = [];
  for (const r of f.owner.rules) {
    if (q?.tableGiven && r.table !== q.table) continue;
    if (q?.prefGiven && r.pref !== q.pref) continue;
    rows.push(formatRuleOf(r, (name) => ns.device(name) !== undefined, f.word));
  }
  return rows.join('\n');
}

function ruleCommand<A extends RuleAddr>(ctx: CommandContext, f: RuleFamily<A>, a: Args): string {
  const sub = a.peek();
  if (sub === undefined || matches(sub, 'show') || matches(sub, 'list')) {
    if (sub !== undefined) a.next();
    return ruleShow(ctx.ns, f, a);
  }
  a.next();
  if (matches(sub, 'add')) return ruleAdd(ctx.ns, f, a, ctx.origin);
  if (matches(sub, 'delete')) return ruleDel(ctx.ns, f, a);
  if (matches(sub, 'flush')) return ruleFlush(ctx.ns, f);
  throw new CommandError(`Command "${sub}" is unknown, try "ip rule help".`, 255);
}

/** `ip rule` (family 4) or `ip -6 rule` (family 6, or an IPv6 prefix among the words). */
export function ipRule(ctx: CommandContext, a: Args, family: 4 | 6 = 4): string {
  return family === 6 ? ruleCommand(ctx, family6(ctx.ns), a) : ruleCommand(ctx, family4(ctx.ns), a);
}
