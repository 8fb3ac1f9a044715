/**
 * What a mechanism question needs to know about the world a Trace ran in: the addresses of its
 * interfaces, the hop an event belongs to, the rows of a table at a step, and route rows read as
 * prefixes. Pure: it only reads the Trace.
 */
import { parseCidr, parseIp } from '../../../engine/net/ipv4';
import type { Hop, Trace, TraceEvent } from '../../types';
import { tableAt } from '../../panels/trace-select';

export interface Addr {
  ip: string;
  netns: string;
  dev: string;
}

/** Every IPv4 address configured in the world (loopback left out), in topology order. */
export function addressesOf(trace: Trace): Addr[] {
  const out: Addr[] = [];
  for (const ns of trace.topology.netns)
    for (const i of ns.interfaces) {
      if (i.kind === 'loopback') continue;
      for (const a of i.addrs) {
        const ip = a.split('/')[0]!;
        if (parseIp(ip) !== null) out.push({ ip, netns: ns.name, dev: i.name });
      }
    }
  return out;
}

export function interfaceOf(trace: Trace, netns: string, dev: string) {
  return trace.topology.netns.find((n) => n.name === netns)?.interfaces.find((i) => i.name === dev);
}

export function hopOf(trace: Trace, step: number): Hop | undefined {
  return trace.hops.find((h) => step >= h.first && step <= h.last);
}

/** The rows of a table of a netns as they stood at `step` (empty when the Trace has none). */
export function rowsAt(
  trace: Trace,
  netns: string,
  table: 'routes' | 'iptables' | 'fdb',
  step: number,
): string[] {
  return tableAt(trace, netns, table, step)?.rows ?? [];
}

/** The innermost IPv4 header of an event's packet. */
export function ipOf(e: TraceEvent): { src: string; dst: string } | undefined {
  const layers = e.packet ?? [];
  for (let i = layers.length - 1; i >= 0; i--) {
    const l = layers[i]!;
    if (l.proto === 'ipv4') return { src: String(l.src), dst: String(l.dst) };
  }
  return undefined;
}

/** "10.96.0.100:80" -> "10.96.0.100". */
export const hostOf = (s: string | number | undefined): string => String(s ?? '').replace(/:\d+$/, '');

const ROUTE_TYPES = new Set([
  'local',
  'broadcast',
  'unreachable',
  'blackhole',
  'prohibit',
  'throw',
  'multicast',
  'anycast',
]);

export interface RouteRow {
  row: string;
  /** The table the row lives in (`table X` in the row, else main). */
  table: string;
  type: string;
  prefix: string;
  addr: number;
  len: number;
}

/** A route row as `ip route show table all` prints it, read as type, prefix and table. */
export function readRoute(row: string): RouteRow | null {
  const t = row.split(/\s+/);
  const type = ROUTE_TYPES.has(t[0]!) ? t[0]! : 'unicast';
  const dst = type === 'unicast' ? t[0]! : t[1];
  if (!dst) return null;
  const table = t.includes('table') ? (t[t.indexOf('table') + 1] ?? 'main') : 'main';
  if (dst === 'default') return { row, table, type, prefix: dst, addr: 0, len: 0 };
  const c = parseCidr(dst.includes('/') ? dst : `${dst}/32`);
  return c ? { row, table, type, prefix: dst, addr: c.addr, len: c.len } : null;
}

/** Whether a route row's prefix holds `ip`. */
export function routeHolds(r: RouteRow, ip: string): boolean {
  const a = parseIp(ip);
  if (a === null) return false;
  if (r.len === 0) return true;
  const mask = r.len === 32 ? 0xffffffff : ~(0xffffffff >>> r.len) >>> 0;
  return (a & mask) >>> 0 === (r.addr & mask) >>> 0;
}

/** A small deterministic hash: the same trace and step always give the same order of choices. */
export function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}
