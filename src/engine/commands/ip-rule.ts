/**
 * `ip rule`: add, del, flush and show the policy routing list, parsed as iproute2's
 * iprule_modify does and applied as fib_nl_newrule / fib_nl_delrule do.
 */
import { CommandError } from '../kernel/errors';
import {
  defaultRulePref,
  formatRule,
  insertRule,
  ruleExists,
  ruleFind,
  TABLE_DEFAULT,
  TABLE_LOCAL,
  TABLE_MAIN,
  type FibRule,
  type RuleQuery,
} from '../kernel/fib-rules';
import type { Netns } from '../kernel/netns';
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

function parsePrefix(v: string): FibRule['src'] {
  if (v === 'all' || v === 'any' || v === 'default') return undefined;
  // get_addr_ipv4: fewer than four numbers leave the rest zero ("0/8", "10/8").
  const [addr, len] = v.split('/');
  const parts = addr!.split('.');
  const full = /^\d+(\.\d+){0,3}$/.test(addr!) ? [...parts, '0', '0', '0'].slice(0, 4).join('.') : addr!;
  const p = parsePrefixArg(len === undefined ? full : `${full}/${len}`);
  return { addr: p.addr >>> 0, len: p.len };
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

/** iprule_modify's argument loop: the selector and action words, in any order. */
function parseRuleArgs(a: Args): RuleQuery & { tableGiven: boolean } {
  const q: RuleQuery & { tableGiven: boolean } = { prefGiven: false, tableGiven: false };
  while (!a.done) {
    const w = a.next()!;
    if (w === 'not') q.invert = true;
    else if (matches(w, 'from')) q.src = parsePrefix(a.value());
    else if (matches(w, 'to')) q.dst = parsePrefix(a.value());
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

function ruleAdd(ns: Netns, a: Args, origin: string): string {
  const q = parseRuleArgs(a);
  const rules = ns.routes.rules;
  const r: FibRule = {
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
  ns.routes.editRules((list) => insertRule(list, r));
  ns.changed('routes');
  return '';
}

function ruleDel(ns: Netns, a: Args): string {
  if (a.done) throw new CommandError('"ip rule del" requires arguments.', 1);
  const q = parseRuleArgs(a);
  const victim = ruleFind(ns.routes.rules, q);
  if (!victim) throw new CommandError('RTNETLINK answers: No such file or directory', 2);
  ns.routes.editRules((list) => list.splice(list.indexOf(victim), 1));
  ns.changed('routes');
  return '';
}

/** iprule_flush: every rule but those of priority 0. */
function ruleFlush(ns: Netns): string {
  ns.routes.editRules((list) => {
    const keep = list.filter((r) => r.pref === 0);
    list.splice(0, list.length, ...keep);
  });
  ns.changed('routes');
  return '';
}

/** The rule list as `ip rule` prints it. */
export function ruleRows(ns: Netns): string[] {
  return ns.routes.rules.map((r) => formatRule(r, (name) => ns.device(name) !== undefined));
}

function ruleShow(ns: Netns, a: Args): string {
  const q = a.done ? undefined : parseRuleArgs(a);
  const rows: string[] = [];
  for (const r of ns.routes.rules) {
    if (q?.tableGiven && r.table !== q.table) continue;
    if (q?.prefGiven && r.pref !== q.pref) continue;
    rows.push(formatRule(r, (name) => ns.device(name) !== undefined));
  }
  return rows.join('\n');
}

export function ipRule(ctx: CommandContext, a: Args): string {
  const sub = a.peek();
  if (sub === undefined || matches(sub, 'show') || matches(sub, 'list')) {
    if (sub !== undefined) a.next();
    return ruleShow(ctx.ns, a);
  }
  a.next();
  if (matches(sub, 'add')) return ruleAdd(ctx.ns, a, ctx.origin);
  if (matches(sub, 'delete')) return ruleDel(ctx.ns, a);
  if (matches(sub, 'flush')) return ruleFlush(ctx.ns);
  throw new CommandError(`Command "${sub}" is unknown, try "ip rule help".`, 255);
}
