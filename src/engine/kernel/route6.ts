/**
 * IPv6 routing tables (net/ipv6/route.c, ip6_fib.c): the main table and the local table,
 * longest prefix first, then the lowest metric. `ip -6 route` lists a table as the kernel's
 * fib6 walker visits its radix tree: children before their node, the 0 branch before the 1
 * branch, so a more specific prefix comes before the one that covers it and `default` last.
 */
import { formatIp6, inPrefix6, networkOf6 } from '../net/ipv6';
import type { Device } from './device';

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

  add(r: Route6): void {
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

  /** fib6_lookup over the local table, then main: the longest prefix, then the lowest metric. */
  lookup(dst: bigint, oif?: Device): Route6 | undefined {
    for (const table of [RT6_TABLE_LOCAL, RT6_TABLE_MAIN]) {
      let best: Route6 | undefined;
      for (const r of this.routes) {
        if (r.table !== table || !inPrefix6(dst, r.dst, r.len)) continue;
        if (oif && r.dev && r.dev !== oif && r.type !== 'local') continue;
        if (!r.dev?.operUp() && r.type === 'unicast') continue;
        if (!best || r.len > best.len || (r.len === best.len && r.metric < best.metric)) best = r;
      }
      if (best) return best;
    }
    return undefined;
  }

  /** One table (or every table, `table all`) in the order `ip -6 route` prints it. */
  list(table: number | 'all'): Route6[] {
    const tables = table === 'all' ? [RT6_TABLE_MAIN, RT6_TABLE_LOCAL] : [table];
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
