/**
 * FIB: routing tables with longest-prefix match, consulted in the order of the `ip rule`
 * list (fib_rules_lookup); without custom rules that is local, main, default.
 */
import { formatIp } from '../net/ipv4';
import type { Device } from './device';
import { multipathHashV4, upperBounds } from './multipath-hash';
import {
  defaultRules,
  fibRuleMatch,
  isDefaultRules,
  TABLE_DEFAULT,
  TABLE_LOCAL,
  TABLE_MAIN,
  type FibRule,
} from './fib-rules';

export { TABLE_DEFAULT, TABLE_LOCAL, TABLE_MAIN };

export type RouteType = 'unicast' | 'local' | 'broadcast' | 'blackhole' | 'unreachable' | 'prohibit';
export type Scope = 'global' | 'link' | 'host';

export interface Route {
  table: number;
  type: RouteType;
  dst: number;
  len: number;
  gateway?: number;
  dev?: Device;
  onlink: boolean;
  metric: number;
  scope: Scope;
  /** rtm_protocol as iproute2 names it: kernel, boot, static, bird, ... */
  proto: string;
  src?: number;
  /** Who wrote this row ("kernel", "setup line 12", "flanneld on A"). */
  origin: string;
  /** A next-hop exception an ICMP redirect made (fib_nh_exception): the gateway is the new one. */
  redirected?: { expiresUs: number };
  /**
   * A multipath route's next hops (`nexthop via A dev D weight W ...`). The route itself then
   * has no gateway or device; a lookup answers with the next hop fib_select_multipath picks.
   */
  nexthops?: Nexthop[];
}

/** One next hop of a multipath route (struct fib_nh). */
export interface Nexthop {
  gateway?: number;
  dev: Device;
  weight: number;
  onlink: boolean;
}

/** fib_nh_exception: a redirect's new gateway for one destination, on the nexthop's device. */
interface NhException {
  gw: number;
  dev: Device;
  expiresUs: number;
}

/** maskOf, as an int32, kept in this module: a call across modules costs more under some loaders. */
function prefixMask(len: number): number {
  return len <= 0 ? 0 : len >= 32 ? -1 : -1 << (32 - len);
}

/** The default `ip rule` list: the tables fib_lookup consults, in order. */
const LOOKUP_TABLES = [TABLE_LOCAL, TABLE_MAIN, TABLE_DEFAULT];

/** The errors a rule's action gives (fib4_rule_action); no matching rule at all is ENETUNREACH. */
export type FibErr = 'ENETUNREACH' | 'EACCES' | 'EINVAL';

/** struct flowi4 as a route lookup sees it. */
export interface FibFlow {
  /** The sender's source, when it has one (the flow's saddr; 0 or absent: not chosen yet). */
  src?: number;
  /** The receiving device; absent for a locally generated packet (the rules see `lo`). */
  iif?: Device;
  /** A device the sender is bound to: the rules see it, and the table keeps to it. */
  oif?: Device;
  mark?: number;
  tos?: number;
  /** fib_check_nh's resolution of a gateway wants routes of scope link or narrower. */
  minScope?: Scope;
  /**
   * The addresses a multipath route hashes (ip_multipath_l3_keys: a forwarded ICMP error's
   * inner header); without them the flow's own source (0 before it is chosen) and destination.
   */
  hashKeys?: { src: number; dst: number };
}

/** fib_lookup's answer: the route, or the error of the rule that ended the walk. */
export type FibResult = { rt: Route; rule?: FibRule } | { rt?: undefined; err: FibErr; rule?: FibRule };

const RULE_ERR: Record<string, FibErr> = {
  unreachable: 'ENETUNREACH',
  prohibit: 'EACCES',
  blackhole: 'EINVAL',
};

export class RouteTables {
  /** Per table, ordered for lookup: longest prefix first, then lowest metric, then insertion. */
  private byTable = new Map<number, Route[]>();
  /**
   * Routes by table, then destination, in insertion order: with len and metric, the key
   * (table, dst, len, metric) the kernel refuses duplicates on.
   */
  private byKey = new Map<number, Map<number, Route[]>>();
  private all: Route[] | undefined;
  private shown: Route[] | undefined;
  /** Per destination; empty unless a redirect was accepted (then lookup binds it, as rt_bind_exception). */
  private exceptions = new Map<number, NhException>();
  /** The `ip rule` list, by priority. */
  private ruleList: FibRule[] = defaultRules();
  /** fib_has_custom_rules: once the list is not the default one, lookups walk it. */
  private custom = false;
  /** net.ipv4.fib_multipath_hash_seed, read when a multipath route picks its next hop. */
  multipathSeed: () => number = () => 0;

  get rules(): readonly FibRule[] {
    return this.ruleList;
  }

  /** Apply a change to the rule list (ip rule add/del/flush), then note whether it is custom. */
  editRules(change: (rules: FibRule[]) => void): void {
    change(this.ruleList);
    this.custom = !isDefaultRules(this.ruleList);
  }

  /** Whether `ip rule` differs from the default list (then the Trace shows it). */
  get customRules(): boolean {
    return this.custom;
  }

  /** update_or_create_fnhe: remember `gw` for `dst` on `dev` until `expiresUs`. */
  redirect(dst: number, gw: number, dev: Device, expiresUs: number): void {
    this.exceptions.set(dst >>> 0, { gw, dev, expiresUs });
  }

  /** Every route, in insertion order within each table. */
  get routes(): Route[] {
    if (!this.all) this.all = [...this.byTable.values()].flat();
    return this.all;
  }

  private sameDst(r: Pick<Route, 'table' | 'dst'>): Route[] | undefined {
    return this.byKey.get(r.table)?.get(r.dst >>> 0);
  }

  add(r: Route): void {
    let list = this.byTable.get(r.table);
    if (!list) this.byTable.set(r.table, (list = []));
    let i = list.length;
    while (
      i > 0 &&
      (list[i - 1]!.len < r.len || (list[i - 1]!.len === r.len && list[i - 1]!.metric > r.metric))
    )
      i--;
    list.splice(i, 0, r);
    this.sorted.delete(r.table);
    let byDst = this.byKey.get(r.table);
    if (!byDst) this.byKey.set(r.table, (byDst = new Map()));
    const same = byDst.get(r.dst >>> 0);
    if (same) same.push(r);
    else byDst.set(r.dst >>> 0, [r]);
    this.all = undefined;
    this.shown = undefined;
  }

  remove(pred: (r: Route) => boolean): Route[] {
    const gone: Route[] = [];
    for (const [t, list] of this.byTable) {
      const keep = list.filter((r) => {
        if (!pred(r)) return true;
        gone.push(r);
        return false;
      });
      if (keep.length !== list.length) {
        this.byTable.set(t, keep);
        this.sorted.delete(t);
      }
    }
    for (const r of gone) {
      const byDst = this.byKey.get(r.table)!;
      const same = byDst.get(r.dst >>> 0)!;
      same.splice(same.indexOf(r), 1);
      if (same.length === 0) byDst.delete(r.dst >>> 0);
    }
    if (gone.length) {
      this.all = undefined;
      this.shown = undefined;
    }
    return gone;
  }

  private sorted = new Map<number, Route[]>();

  /** A table in `ip route` order (cached until the table changes). */
  table(id: number): Route[] {
    let t = this.sorted.get(id);
    if (!t) this.sorted.set(id, (t = sortRoutes(this.byTable.get(id) ?? [])));
    return t;
  }

  /**
   * The rows the Trace's route table lists: main, then any other table, then local (as
   * `ip route show table all` prints them). Cached until a route is added or removed.
   */
  shownOrder(): readonly Route[] {
    if (!this.shown) {
      const shown = this.table(TABLE_MAIN).slice();
      for (const [t, list] of this.byTable) if (t !== TABLE_MAIN && t !== TABLE_LOCAL) shown.push(...list);
      shown.push(...this.table(TABLE_LOCAL));
      this.shown = shown;
    }
    return this.shown;
  }

  /** The same key (table, dst/len, metric) as the kernel uses to refuse duplicates with EEXIST. */
  findSame(r: Pick<Route, 'table' | 'dst' | 'len' | 'metric'>): Route | undefined {
    const same = this.sameDst(r);
    if (same) for (const x of same) if (x.len === r.len && x.metric === r.metric) return x;
    return undefined;
  }

  /** All routes with that key (several devices may carry the same kernel prefix route). */
  findAllSame(r: Pick<Route, 'table' | 'dst' | 'len' | 'metric'>): Route[] {
    return this.sameDst(r)?.filter((x) => x.len === r.len && x.metric === r.metric) ?? [];
  }

  /** fib_lookup's route, or undefined for any error (no route, or a rule's unreachable/prohibit/blackhole). */
  lookup(dst: number, flow: FibFlow = {}): Route | undefined {
    return this.fibLookup(dst, flow).rt;
  }

  /**
   * fib_lookup: without custom rules, local, then main, then default; otherwise
   * fib_rules_lookup walks the rules by priority, and the first whose selector matches and
   * whose action ends the walk decides (a table without a matching route lets it go on).
   */
  fibLookup(dst: number, flow: FibFlow = {}): FibResult {
    if (!this.custom) {
      for (const table of LOOKUP_TABLES) {
        const rt = this.tableLookup(table, dst, flow);
        if (rt) return { rt };
      }
      return { err: 'ENETUNREACH' };
    }
    return this.fibRulesLookup(dst, flow);
  }

  /** fib_rules_lookup: the rules in order; -ESRCH (no rule decided) reads as ENETUNREACH. */
  private fibRulesLookup(dst: number, flow: FibFlow): FibResult {
    const fl = {
      dst,
      src: flow.src ?? 0,
      tos: flow.tos ?? 0,
      mark: flow.mark ?? 0,
      iif: flow.iif?.name ?? 'lo',
      oif: flow.oif?.name,
    };
    for (const rule of this.ruleList) {
      if (!fibRuleMatch(rule, fl) || rule.action === 'nop') continue;
      if (rule.action !== 'lookup') return { err: RULE_ERR[rule.action]!, rule };
      const rt = this.tableLookup(rule.table, dst, flow);
      // fib4_rule_suppress: a result this unspecific is thrown away and the walk goes on.
      if (!rt || rt.len <= rule.suppressPrefixlen) continue;
      return { rt, rule };
    }
    return { err: 'ENETUNREACH' };
  }

  /**
   * fib_table_lookup: within a table the longest prefix wins, then the lowest metric.
   * `minScope` filters as fib_check_nh does when it resolves a gateway.
   */
  private tableLookup(table: number, dst: number, flow: FibFlow): Route | undefined {
    const list = this.byTable.get(table);
    if (!list) return undefined;
    const minRank = flow.minScope ? scopeRank(flow.minScope) : 0;
    const oif = flow.oif;
    for (let i = 0; i < list.length; i++) {
      const r = list[i]!;
      // inPrefix(dst, r.dst, r.len), without the calls: this loop runs for every packet.
      if (((dst ^ r.dst) & prefixMask(r.len)) !== 0) continue;
      if (minRank !== 0 && scopeRank(r.scope) < minRank) continue;
      if (oif && r.dev && r.dev !== oif && r.type !== 'local') continue;
      const rt = r.nexthops ? this.selectMultipath(r, dst, flow) : r;
      return this.exceptions.size === 0 ? rt : this.bindException(rt, dst);
    }
    return undefined;
  }

  /**
   * fib_select_path / fib_select_multipath: the next hops of a dead device (down) are out
   * (fib_rebalance gives them no share); each live one scores 2 when its device's address is
   * the flow's source and 1 when the hash falls in its share, and the first best one wins.
   * A flow bound to a device keeps the first next hop (fib_select_path skips the hash).
   */
  private selectMultipath(r: Route, dst: number, flow: FibFlow): Route {
    const nhs = r.nexthops!;
    const live = nhs.filter((nh) => nh.dev.adminUp);
    const bounds = upperBounds(live.map((nh) => nh.weight));
    const keys = flow.hashKeys ?? { src: flow.src ?? 0, dst };
    const hash = multipathHashV4(keys.src, keys.dst, this.multipathSeed());
    const saddr = flow.src ?? 0;
    let pick = flow.oif ? (nhs.find((nh) => nh.dev === flow.oif) ?? nhs[0]!) : (live[0] ?? nhs[0]!);
    if (!flow.oif) {
      let score = -1;
      live.forEach((nh, i) => {
        const s = (saddr !== 0 && nhSaddr(nh) === saddr >>> 0 ? 2 : 0) + (hash <= bounds[i]! ? 1 : 0);
        if (s > score) {
          score = s;
          pick = nh;
        }
      });
    }
    return {
      ...r,
      dev: pick.dev,
      onlink: pick.onlink,
      ...(pick.gateway !== undefined ? { gateway: pick.gateway } : {}),
    };
  }

  /** rt_bind_exception: a gatewayed route whose nexthop holds an exception for dst uses its gateway. */
  private bindException(r: Route, dst: number): Route {
    const x = this.exceptions.get(dst >>> 0);
    if (!x || r.gateway === undefined || r.dev !== x.dev) return r;
    return { ...r, gateway: x.gw, redirected: { expiresUs: x.expiresUs } };
  }
}

/** fib_nh's nh_saddr: inet_select_addr on its device, a primary in the gateway's subnet first. */
function nhSaddr(nh: Nexthop): number | undefined {
  const primaries = nh.dev.addrs.filter((a) => !a.secondary && a.scope !== 'host');
  const gw = nh.gateway;
  const near =
    gw === undefined ? undefined : primaries.find((a) => ((a.addr ^ gw) & prefixMask(a.len)) === 0);
  const a = (near ?? primaries[0])?.addr;
  return a === undefined ? undefined : a >>> 0;
}

/** RT_SCOPE ordering: universe(global)=0 < link=253 < host=254. */
export function scopeRank(s: Scope): number {
  return s === 'global' ? 0 : s === 'link' ? 253 : 254;
}

function byKey(a: Route, b: Route): number {
  return (a.dst >>> 0) - (b.dst >>> 0) || a.len - b.len || a.metric - b.metric;
}

/** Trie order, as `ip route` lists: by destination, then prefix length, then metric. */
export function sortRoutes(rs: Route[]): Route[] {
  if (rs.length > 32) return rs.slice().sort(byKey);
  // A stable insertion sort, as Array#sort would order them: tables are small, and a
  // comparator call per comparison costs more than the sort itself.
  const out = rs.slice();
  for (let i = 1; i < out.length; i++) {
    const r = out[i]!;
    let j = i;
    while (j > 0 && byKey(out[j - 1]!, r) > 0) {
      out[j] = out[j - 1]!;
      j--;
    }
    out[j] = r;
  }
  return out;
}

function prefixText(r: Route): string {
  if (r.len === 0) return 'default';
  return r.len === 32 ? formatIp(r.dst) : `${formatIp(r.dst)}/${r.len}`;
}

/**
 * One row as `ip route show` prints it (for the local table the type word leads): words
 * joined by single spaces, in iproute2's order.
 */
export function formatRoute(r: Route): string {
  let s = r.type !== 'unicast' ? `${r.type} ${prefixText(r)}` : prefixText(r);
  if (r.gateway !== undefined) s += ' via ' + formatIp(r.gateway);
  if (r.dev) s += ' dev ' + r.dev.name;
  if (r.table !== TABLE_MAIN) s += ' table ' + (r.table === TABLE_LOCAL ? 'local' : String(r.table));
  if (r.proto !== 'boot') s += ' proto ' + r.proto;
  if (r.scope !== 'global') s += ' scope ' + r.scope;
  if (r.src !== undefined) s += ' src ' + formatIp(r.src);
  if (r.metric !== 0) s += ' metric ' + String(r.metric);
  if (r.onlink) s += ' onlink';
  if (r.dev && !r.dev.operUp() && r.type === 'unicast') s += ' linkdown';
  // print_rta_multipath: each next hop on a line of its own, after a tab.
  for (const nh of r.nexthops ?? []) {
    s += '\n\tnexthop';
    if (nh.gateway !== undefined) s += ' via ' + formatIp(nh.gateway);
    s += ` dev ${nh.dev.name} weight ${nh.weight}`;
    if (nh.onlink) s += ' onlink';
    if (!nh.dev.operUp()) s += ' linkdown';
  }
  return s;
}
