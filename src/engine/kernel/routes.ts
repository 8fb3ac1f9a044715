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
  readonly routes: Route[] = [];

  add(r: Route): void {
    this.routes.push(r);
  }

  remove(pred: (r: Route) => boolean): Route[] {
    const gone: Route[] = [];
    for (let i = this.routes.length - 1; i >= 0; i--) {
      if (pred(this.routes[i]!)) gone.push(...this.routes.splice(i, 1));
    }
    return gone;
  }

  table(id: number): Route[] {
    return sortRoutes(this.routes.filter((r) => r.table === id));
  }

  /** The same key (table, dst/len, metric) as the kernel uses to refuse duplicates with EEXIST. */
  findSame(r: Pick<Route, 'table' | 'dst' | 'len' | 'metric'>): Route | undefined {
    return this.routes.find(
      (x) => x.table === r.table && x.dst === r.dst && x.len === r.len && x.metric === r.metric,
    );
  }

  /**
   * fib_lookup over the default rules: local, then main, then default. Within a table the
   * longest prefix wins, then the lowest metric. `minScope` filters as fib_check_nh does
   * when it resolves a gateway (it wants routes of scope link or narrower).
   */
  lookup(dst: number, opts: { minScope?: Scope; oif?: Device } = {}): Route | undefined {
    for (const table of [TABLE_LOCAL, TABLE_MAIN, TABLE_DEFAULT]) {
      let best: Route | undefined;
      for (const r of this.routes) {
        if (r.table !== table || !inPrefix(dst, r.dst, r.len)) continue;
        if (opts.minScope && scopeRank(r.scope) < scopeRank(opts.minScope)) continue;
        if (opts.oif && r.dev && r.dev !== opts.oif && r.type !== 'local') continue;
        if (!best || r.len > best.len || (r.len === best.len && r.metric < best.metric)) best = r;
      }
      if (best) return best;
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

/** One row as `ip route show` prints it (for the local table the type word leads). */
export function formatRoute(r: Route): string {
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
