/**
 * FIB: routing tables with longest-prefix match. Tables local (255) and main (254) are
 * consulted in that order, as the default `ip rule` list does.
 */
import { formatIp, inPrefix } from '../net/ipv4';
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
}

export class RouteTables {
  /** Per table, ordered for lookup: longest prefix first, then lowest metric, then insertion. */
  private byTable = new Map<number, Route[]>();
  /** Routes by (table, dst, len, metric): the key the kernel refuses duplicates on. */
  private byKey = new Map<string, Route[]>();
  private all: Route[] | undefined;

  /** Every route, in insertion order within each table. */
  get routes(): Route[] {
    if (!this.all) this.all = [...this.byTable.values()].flat();
    return this.all;
  }

  private static key(r: Pick<Route, 'table' | 'dst' | 'len' | 'metric'>): string {
    return `${r.table}/${r.dst >>> 0}/${r.len}/${r.metric}`;
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
    const k = RouteTables.key(r);
    const same = this.byKey.get(k);
    if (same) same.push(r);
    else this.byKey.set(k, [r]);
    this.all = undefined;
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
      const k = RouteTables.key(r);
      const same = this.byKey.get(k)!.filter((x) => x !== r);
      if (same.length) this.byKey.set(k, same);
      else this.byKey.delete(k);
    }
    if (gone.length) this.all = undefined;
    return gone;
  }

  private sorted = new Map<number, Route[]>();

  /** A table in `ip route` order (cached until the table changes). */
  table(id: number): Route[] {
    let t = this.sorted.get(id);
    if (!t) this.sorted.set(id, (t = sortRoutes(this.byTable.get(id) ?? [])));
    return t;
  }

  /** The same key (table, dst/len, metric) as the kernel uses to refuse duplicates with EEXIST. */
  findSame(r: Pick<Route, 'table' | 'dst' | 'len' | 'metric'>): Route | undefined {
    return this.byKey.get(RouteTables.key(r))?.[0];
  }

  /** All routes with that key (several devices may carry the same kernel prefix route). */
  findAllSame(r: Pick<Route, 'table' | 'dst' | 'len' | 'metric'>): Route[] {
    return this.byKey.get(RouteTables.key(r)) ?? [];
  }

  /**
   * fib_lookup over the default rules: local, then main, then default. Within a table the
   * longest prefix wins, then the lowest metric. `minScope` filters as fib_check_nh does
   * when it resolves a gateway (it wants routes of scope link or narrower).
   */
  lookup(dst: number, opts: { minScope?: Scope; oif?: Device } = {}): Route | undefined {
    for (const table of [TABLE_LOCAL, TABLE_MAIN, TABLE_DEFAULT]) {
      const list = this.byTable.get(table);
      if (!list) continue;
      for (const r of list) {
        if (!inPrefix(dst, r.dst, r.len)) continue;
        if (opts.minScope && scopeRank(r.scope) < scopeRank(opts.minScope)) continue;
        if (opts.oif && r.dev && r.dev !== opts.oif && r.type !== 'local') continue;
        return r;
      }
    }
    return undefined;
  }
}

/** RT_SCOPE ordering: universe(global)=0 < link=253 < host=254. */
export function scopeRank(s: Scope): number {
  return s === 'global' ? 0 : s === 'link' ? 253 : 254;
}

/** Trie order, as `ip route` lists: by destination, then prefix length, then metric. */
export function sortRoutes(rs: Route[]): Route[] {
  return rs.slice().sort((a, b) => (a.dst >>> 0) - (b.dst >>> 0) || a.len - b.len || a.metric - b.metric);
}

function prefixText(r: Route): string {
  if (r.len === 0) return 'default';
  return r.len === 32 ? formatIp(r.dst) : `${formatIp(r.dst)}/${r.len}`;
}

const formatted = new WeakMap<Route, { key: string; text: string }>();

/** One row as `ip route show` prints it (for the local table the type word leads). */
export function formatRoute(r: Route): string {
  // A row changes only with its device's name and link state: cache it on that key.
  const key = r.dev ? `${r.dev.name}/${r.dev.operUp() ? 1 : 0}` : '';
  const hit = formatted.get(r);
  if (hit && hit.key === key) return hit.text;
  const text = formatRouteText(r);
  formatted.set(r, { key, text });
  return text;
}

function formatRouteText(r: Route): string {
  const parts: string[] = [];
  if (r.type !== 'unicast') parts.push(r.type);
  parts.push(prefixText(r));
  if (r.gateway !== undefined) parts.push('via', formatIp(r.gateway));
  if (r.dev) parts.push('dev', r.dev.name);
  if (r.table !== TABLE_MAIN) parts.push('table', r.table === TABLE_LOCAL ? 'local' : String(r.table));
  if (r.proto !== 'boot') parts.push('proto', r.proto);
  const defaultScope: Scope = r.type === 'local' ? 'host' : r.type === 'broadcast' ? 'link' : 'global';
  if (r.scope !== 'global' || defaultScope !== 'global') {
    if (r.scope !== 'global') parts.push('scope', r.scope);
  }
  if (r.src !== undefined) parts.push('src', formatIp(r.src));
  if (r.metric !== 0) parts.push('metric', String(r.metric));
  if (r.onlink) parts.push('onlink');
  if (r.dev && !r.dev.operUp() && r.type === 'unicast') parts.push('linkdown');
  return parts.join(' ');
}
