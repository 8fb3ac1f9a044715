/**
 * IPv6 routing tables (net/ipv6/route.c, ip6_fib.c): the main table, the local table and
 * any table a route or rule names, longest prefix first, then the lowest metric; with
 * `ip -6 rule` the lookup walks the rules (fib6_rules.c). `ip -6 route` lists a table as the kernel's
 * fib6 walker visits its radix tree: children before their node, the 0 branch before the 1
 * branch, so a more specific prefix comes before the one that covers it and `default` last.
 */
import { formatIp6, inPrefix6, networkOf6 } from '../net/ipv6';
import type { Device } from './device';
import { isFailAction, type FailAction } from './fib-rules';
import {
  defaultRules6,
  fib6RuleMatch,
  isDefaultRules6,
  RULE6_ERR,
  type FibRule6,
  type Rule6Flow,
} from './fib6-rules';

export type Route6Type = 'unicast' | 'local' | 'multicast' | 'unreachable' | 'blackhole' | 'prohibit';
export const RT6_TABLE_MAIN = 254;
export const RT6_TABLE_LOCAL = 255;

export interface Route6 {
  table: number;
  type: Route6Type;
  dst: bigint;
  len: number;
  dev?: Device;
  gateway?: bigint;
  metric: number;
  /** RTNH_F_ONLINK: the gateway is taken to be on the link without a route to it. */
  onlink?: boolean;
  /** rtm_protocol as iproute2 names it: kernel, boot, static, bird, ... */
  proto: string;
  origin: string;
}

/** What a lookup knows besides the destination (flowi6); all optional. */
export interface Flow6 {
  /** The device a socket is bound to, or a link-local destination's scope. */
  oif?: Device;
  /** The receiving device; absent for a locally generated packet (the rules see `lo`). */
  iif?: Device;
  /** The source, once the sender has one (RT6_LOOKUP_F_HAS_SADDR). */
  src?: bigint;
  mark?: number;
  tclass?: number;
}

/** fib6_lookup's answer: a route, or the error and the rule that gave it. */
export interface Fib6Result {
  rt?: Route6;
  err?: (typeof RULE6_ERR)[FailAction];
  /** The rule that decided, when the rules were walked. */
  rule?: FibRule6;
}

/** FIB6_TABLE_HASHSZ: `table all` dumps the tables bucket by bucket (fib6_tables_dump). */
const FIB6_TABLE_HASHSZ = 256;

/** Post-order position in a binary trie: a covered prefix sorts before its cover. */
function walkOrder(a: Route6, b: Route6): number {
  const len = Math.min(a.len, b.len);
  const na = networkOf6(a.dst, len);
  const nb = networkOf6(b.dst, len);
  if (na !== nb) return na < nb ? -1 : 1;
  return b.len - a.len;
}

export class Route6Tables {
  private routes: Route6[] = [];
  /** Table ids in the order fib6_new_table made them (main and local at namespace start). */
  private made: number[] = [RT6_TABLE_MAIN, RT6_TABLE_LOCAL];
  private ruleList: FibRule6[] = defaultRules6();
  /** fib6_has_custom_rules: once the list is not the starting one, lookups walk it. */
  private custom = false;

  get rules(): readonly FibRule6[] {
    return this.ruleList;
  }

  get customRules(): boolean {
    return this.custom;
  }

  /** Apply a change to the rule list (ip -6 rule add/del/flush). */
  editRules(change: (rules: FibRule6[]) => void): void {
    change(this.ruleList);
    this.custom = !isDefaultRules6(this.ruleList);
  }

  /** fib6_new_table: a route or a rule that names a table creates it (never removed). */
  makeTable(id: number): void {
    if (!this.made.includes(id)) this.made.push(id);
  }

  hasTable(id: number): boolean {
    return this.made.includes(id);
  }

  add(r: Route6): void {
    this.makeTable(r.table);
    this.routes.push(r);
  }

  remove(pred: (r: Route6) => boolean): number {
    const before = this.routes.length;
    this.routes = this.routes.filter((r) => !pred(r));
    return before - this.routes.length;
  }

  find(pred: (r: Route6) => boolean): Route6 | undefined {
    return this.routes.find(pred);
  }

  /** The route fib6_lookup finds (undefined for no route or a rule's error). */
  lookup(dst: bigint, oif?: Device, flow: Omit<Flow6, 'oif'> = {}): Route6 | undefined {
    return this.fibLookup(dst, { ...flow, ...(oif ? { oif } : {}) }).rt;
  }

  /**
   * fib6_lookup: without custom rules, the local table, then main; otherwise
   * fib_rules_lookup walks the rules by priority, and the first whose selector matches and
   * whose table has a route (or whose action is an error) decides.
   */
  fibLookup(dst: bigint, flow: Flow6 = {}): Fib6Result {
    if (!this.custom) {
      const rt =
        this.tableLookup(RT6_TABLE_LOCAL, dst, flow.oif) ?? this.tableLookup(RT6_TABLE_MAIN, dst, flow.oif);
      return rt ? { rt } : { err: 'ENETUNREACH' };
    }
    const fl: Rule6Flow = {
      dst,
      ...(flow.src !== undefined ? { src: flow.src } : {}),
      tclass: flow.tclass ?? 0,
      mark: flow.mark ?? 0,
      iif: flow.iif?.name ?? 'lo',
      ...(flow.oif ? { oif: flow.oif.name } : {}),
    };
    for (const rule of this.ruleList) {
      if (!fib6RuleMatch(rule, fl) || rule.action === 'nop') continue;
      if (isFailAction(rule.action)) return { err: RULE6_ERR[rule.action], rule };
      const rt = this.tableLookup(rule.table, dst, flow.oif);
      // fib6_rule_suppress: a result this unspecific is thrown away and the walk goes on.
      if (!rt || rt.len <= rule.suppressPrefixlen) continue;
      return { rt, rule };
    }
    return { err: 'ENETUNREACH' };
  }

  /** fib6_table_lookup: the longest prefix, then the lowest metric, of routes that can be used. */
  tableLookup(table: number, dst: bigint, oif?: Device): Route6 | undefined {
    let best: Route6 | undefined;
    for (const r of this.routes) {
      if (r.table !== table || !inPrefix6(dst, r.dst, r.len)) continue;
      if (oif && r.dev && r.dev !== oif && r.type !== 'local') continue;
      if (!r.dev?.operUp() && r.type === 'unicast') continue;
      if (!best || r.len > best.len || (r.len === best.len && r.metric < best.metric)) best = r;
    }
    return best;
  }

  /**
   * `table all` in fib6_tables_dump's order: hash bucket by bucket (id mod 256), the table
   * made last first within a bucket (hlist_add_head).
   */
  private dumpOrder(): number[] {
    const seq = new Map(this.made.map((id, i) => [id, i]));
    return [...this.made].sort(
      (a, b) => (a % FIB6_TABLE_HASHSZ) - (b % FIB6_TABLE_HASHSZ) || seq.get(b)! - seq.get(a)!,
    );
  }

  /** One table (or every table, `table all`) in the order `ip -6 route` prints it. */
  list(table: number | 'all'): Route6[] {
    const tables = table === 'all' ? this.dumpOrder() : [table];
    return tables.flatMap((t) => {
      const rows = this.routes.filter((r) => r.table === t);
      // Array#sort is stable: routes to the same prefix stay in the order they were added.
      return rows.sort(walkOrder);
    });
  }
}

/** A row as iproute2 prints it: `2001:db8::/64 dev eth0 proto kernel metric 256 pref medium`. */
export function formatRoute6(r: Route6, showTable = false): string {
  const host = r.len === 128;
  const prefix = r.len === 0 ? 'default' : host ? formatIp6(r.dst) : `${formatIp6(r.dst)}/${r.len}`;
  const words: string[] = [];
  if (r.type !== 'unicast') words.push(r.type);
  words.push(prefix);
  if (r.gateway !== undefined) words.push('via', formatIp6(r.gateway));
  if (r.dev) words.push('dev', r.dev.name);
  if (showTable && r.table !== RT6_TABLE_MAIN)
    words.push('table', r.table === RT6_TABLE_LOCAL ? 'local' : String(r.table));
  if (r.proto !== 'boot') words.push('proto', r.proto);
  words.push('metric', String(r.metric));
  if (r.onlink) words.push('onlink');
  words.push('pref', 'medium');
  return words.join(' ');
}
