/**
 * FIB: routing tables with longest-prefix match. Tables local (255) and main (254) are
 * consulted in that order, as the default `ip rule` list does.
 */
import { formatIp } from '../net/ipv4';
import type { Device } from './device';

export type RouteType = 'unicast' | 'local' | 'broadcast' | 'blackhole' | 'unreachable' | 'prohibit';
export type Scope = 'global' | 'link' | 'host';

export const TABLE_LOCAL = 255;
export const TABLE_MAIN = 254;
export const TABLE_DEFAULT = 253;

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

  /**
   * fib_lookup over the default rules: local, then main, then default. Within a table the
   * longest prefix wins, then the lowest metric. `minScope` filters as fib_check_nh does
   * when it resolves a gateway (it wants routes of scope link or narrower).
   */
  lookup(dst: number, opts: { minScope?: Scope; oif?: Device } = {}): Route | undefined {
    const minRank = opts.minScope ? scopeRank(opts.minScope) : 0;
    const oif = opts.oif;
    for (const table of LOOKUP_TABLES) {
      const list = this.byTable.get(table);
      if (!list) continue;
      for (let i = 0; i < list.length; i++) {
        const r = list[i]!;
        // inPrefix(dst, r.dst, r.len), without the calls: this loop runs for every packet.
        if (((dst ^ r.dst) & prefixMask(r.len)) !== 0) continue;
        if (minRank !== 0 && scopeRank(r.scope) < minRank) continue;
        if (oif && r.dev && r.dev !== oif && r.type !== 'local') continue;
        return this.exceptions.size === 0 ? r : this.bindException(r, dst);
      }
    }
    return undefined;
  }

  /** rt_bind_exception: a gatewayed route whose nexthop holds an exception for dst uses its gateway. */
  private bindException(r: Route, dst: number): Route {
    const x = this.exceptions.get(dst >>> 0);
    if (!x || r.gateway === undefined || r.dev !== x.dev) return r;
    return { ...r, gateway: x.gw, redirected: { expiresUs: x.expiresUs } };
  }
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
  return s;
}
