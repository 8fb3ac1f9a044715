/**
 * `ip route`: add, replace, append, change, del, get, show, flush. A route is checked
 * the way fib_create_info/fib_check_nh check it before anything is inserted.
 */
import { formatIp, networkOf, parseIp } from '../net/ipv4';
import type { Device } from '../kernel/device';
import { CommandError } from '../kernel/errors';
import type { Netns } from '../kernel/netns';
import {
  formatRoute,
  TABLE_LOCAL,
  TABLE_MAIN,
  type Nexthop,
  type Route,
  type RouteType,
  type Scope,
} from '../kernel/routes';
import { tableName } from '../kernel/fib-rules';
import { routeOutput, ERRNO_TEXT } from '../kernel/stack/output';
import type { CommandContext } from './types';
import { findDev } from './device-ops';
import { parsePrefixArg, parseScope } from './ip-addr';
import { Args, matches } from './words';

export interface RouteSpec {
  type: RouteType;
  dst?: { addr: number; len: number };
  gateway?: number;
  dev?: Device;
  onlink: boolean;
  metric?: number;
  scope?: Scope;
  proto?: string;
  src?: number;
  table: number;
  /** `nexthop via A dev D weight W` ...: a multipath route. */
  nexthops?: NexthopSpec[];
}

interface NexthopSpec {
  gateway?: number;
  dev?: Device;
  weight: number;
  onlink: boolean;
}

/** parse_multipath: every word after the first `nexthop` belongs to one next hop or another. */
function parseNexthops(ns: Netns, a: Args): NexthopSpec[] {
  const out: NexthopSpec[] = [];
  let nh: NexthopSpec | undefined;
  for (let w = 'nexthop'; ; w = a.next()!) {
    if (w === 'nexthop') out.push((nh = { weight: 1, onlink: false }));
    else if (w === 'via') nh!.gateway = parseAddrArg(a.value());
    else if (w === 'dev') nh!.dev = findDev(ns, a.value());
    else if (w === 'weight') {
      const v = a.value();
      if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 256)
        throw new CommandError(`Error: argument "${v}" is wrong: "weight" is invalid\n`, 1);
      nh!.weight = Number(v);
    } else if (w === 'onlink') nh!.onlink = true;
    else throw new CommandError(`Error: either "to" is duplicate, or "${w}" is a garbage.`, 1);
    if (a.done) return out;
  }
}

const TYPES: RouteType[] = ['unicast', 'local', 'broadcast', 'blackhole', 'unreachable', 'prohibit'];

export function parseTable(v: string): number {
  if (v === 'main') return TABLE_MAIN;
  if (v === 'local') return TABLE_LOCAL;
  if (v === 'default') return 253;
  if (/^\d+$/.test(v)) return Number(v);
  throw new CommandError(`Error: argument "${v}" is wrong: "table" value is invalid`, 1);
}

function parseAddrArg(v: string): number {
  const ip = parseIp(v);
  if (ip === null) throw new CommandError(`Error: inet address is expected rather than "${v}".`, 1);
  return ip;
}

export function parseRouteSpec(ns: Netns, a: Args): RouteSpec {
  const spec: RouteSpec = { type: 'unicast', onlink: false, table: TABLE_MAIN };
  while (!a.done) {
    const w = a.next()!;
    if (w === 'via') {
      let v = a.value();
      if (v === 'inet') v = a.value();
      spec.gateway = parseAddrArg(v);
    } else if (w === 'dev' || w === 'oif') spec.dev = findDev(ns, a.value());
    else if (w === 'onlink') spec.onlink = true;
    else if (w === 'metric' || w === 'priority' || w === 'preference') {
      const v = a.value();
      if (!/^\d+$/.test(v))
        throw new CommandError(`Error: argument "${v}" is wrong: "metric" value is invalid`, 1);
      spec.metric = Number(v);
    } else if (w === 'scope') spec.scope = parseScope(a.value());
    else if (w === 'proto' || w === 'protocol') spec.proto = a.value();
    else if (w === 'src') spec.src = parseAddrArg(a.value());
    else if (w === 'table') spec.table = parseTable(a.value());
    else if (w === 'mtu' || w === 'advmss' || w === 'realm' || w === 'tos') a.value();
    else if (w === 'nexthop') spec.nexthops = parseNexthops(ns, a);
    else if ((TYPES as string[]).includes(w) && spec.dst === undefined) spec.type = w as RouteType;
    else if (spec.dst === undefined) {
      spec.dst = w === 'default' || w === 'all' || w === 'any' ? { addr: 0, len: 0 } : parsePrefixArg(w);
    } else throw new CommandError(`Error: either "to" is duplicate, or "${w}" is a garbage.`, 1);
  }
  return spec;
}

/** fib_create_info + fib_check_nh: build the route or refuse it with the kernel's message. */
export function buildRoute(ns: Netns, spec: RouteSpec, origin: string): Route {
  if (!spec.dst) throw new CommandError('Error: argument is required: destination prefix.', 1);
  const { addr, len } = spec.dst;
  if (networkOf(addr, len) !== addr >>> 0)
    throw new CommandError('Error: Invalid prefix for given prefix length.', 2);
  const nhless = spec.type === 'blackhole' || spec.type === 'unreachable' || spec.type === 'prohibit';
  if (nhless && (spec.gateway !== undefined || spec.dev)) {
    throw new CommandError(
      'Error: Gateway, device and multipath can not be specified for this route type.',
      2,
    );
  }
  const table =
    spec.type === 'local' || spec.type === 'broadcast'
      ? spec.table === TABLE_MAIN
        ? TABLE_LOCAL
        : spec.table
      : spec.table;
  const scope: Scope =
    spec.scope ??
    (spec.type === 'local'
      ? 'host'
      : spec.type === 'unicast' && spec.gateway === undefined && spec.dev
        ? 'link'
        : spec.type === 'broadcast'
          ? 'link'
          : 'global');
  const route: Route = {
    table,
    type: spec.type,
    dst: addr >>> 0,
    len,
    onlink: spec.onlink,
    metric: spec.metric ?? 0,
    scope,
    proto: spec.proto ?? 'boot',
    origin,
  };
  if (spec.src !== undefined) {
    if (!ns.isLocal(spec.src)) throw new CommandError('Error: Invalid prefsrc address.', 2);
    route.src = spec.src;
  }
  if (nhless) return route;
  if (spec.nexthops) {
    route.nexthops = spec.nexthops.map((nh) => checkNexthop(ns, nh));
    return route;
  }
  if (spec.gateway === undefined) {
    if (!spec.dev) throw new CommandError('RTNETLINK answers: No such device', 2);
    if (!spec.dev.adminUp) throw new CommandError('Error: Device for nexthop is not up.', 2);
    route.dev = spec.dev;
    return route;
  }
  if (spec.scope === 'host')
    throw new CommandError('Error: Route with host scope can not have a gateway.', 2);
  route.gateway = spec.gateway >>> 0;
  if (spec.onlink) {
    if (!spec.dev) throw new CommandError('Error: Nexthop device required for onlink.', 2);
    if (!spec.dev.adminUp) throw new CommandError('Error: Nexthop device is not up.', 2);
    route.dev = spec.dev;
    return route;
  }
  // The gateway must be reachable through a route of scope link or host (a connected subnet).
  const via = ns.routes.lookup(spec.gateway, { minScope: 'link', oif: spec.dev });
  if (!via || (via.type !== 'unicast' && via.type !== 'local'))
    throw new CommandError('Error: Nexthop has invalid gateway.', 2);
  const dev = spec.dev ?? via.dev;
  if (!dev) throw new CommandError('Error: No egress device for nexthop.', 2);
  if (!dev.adminUp) throw new CommandError('Error: Nexthop device is not up.', 2);
  route.dev = dev;
  return route;
}

/** fib_check_nh for one next hop of a multipath route. */
function checkNexthop(ns: Netns, nh: NexthopSpec): Nexthop {
  if (nh.gateway === undefined) {
    if (!nh.dev) throw new CommandError('RTNETLINK answers: No such device', 2);
    if (!nh.dev.adminUp) throw new CommandError('Error: Device for nexthop is not up.', 2);
    return { dev: nh.dev, weight: nh.weight, onlink: nh.onlink };
  }
  const gateway = nh.gateway >>> 0;
  if (nh.onlink) {
    if (!nh.dev) throw new CommandError('Error: Nexthop device required for onlink.', 2);
    if (!nh.dev.adminUp) throw new CommandError('Error: Nexthop device is not up.', 2);
    return { gateway, dev: nh.dev, weight: nh.weight, onlink: true };
  }
  const via = ns.routes.lookup(gateway, { minScope: 'link', oif: nh.dev });
  if (!via || (via.type !== 'unicast' && via.type !== 'local'))
    throw new CommandError('Error: Nexthop has invalid gateway.', 2);
  const dev = nh.dev ?? via.dev;
  if (!dev) throw new CommandError('Error: No egress device for nexthop.', 2);
  if (!dev.adminUp) throw new CommandError('Error: Nexthop device is not up.', 2);
  return { gateway, dev, weight: nh.weight, onlink: false };
}

export function ipRoute(ctx: CommandContext, a: Args): string {
  const sub = a.peek();
  if (sub === undefined || matches(sub, 'show') || matches(sub, 'list')) {
    if (sub !== undefined) a.next();
    return routeShow(ctx.ns, a);
  }
  a.next();
  if (matches(sub, 'add')) return routeAdd(ctx, a, 'add');
  if (matches(sub, 'replace')) return routeAdd(ctx, a, 'replace');
  if (matches(sub, 'append')) return routeAdd(ctx, a, 'append');
  if (matches(sub, 'change')) return routeAdd(ctx, a, 'change');
  if (matches(sub, 'delete')) return routeDel(ctx, a);
  if (matches(sub, 'get')) return routeGet(ctx, a);
  if (matches(sub, 'flush')) return routeFlush(ctx, a);
  throw new CommandError(`Command "${sub}" is unknown, try "ip route help".`, 255);
}

export function routeAdd(
  ctx: CommandContext,
  a: Args,
  mode: 'add' | 'replace' | 'append' | 'change',
): string {
  const spec = parseRouteSpec(ctx.ns, a);
  const route = buildRoute(ctx.ns, spec, ctx.origin);
  const same = ctx.ns.routes.findSame(route);
  if (mode === 'add' && same) throw new CommandError('RTNETLINK answers: File exists', 2);
  if (mode === 'change' && !same) throw new CommandError('RTNETLINK answers: No such file or directory', 2);
  if ((mode === 'replace' || mode === 'change') && same) ctx.ns.routes.remove((r) => r === same);
  if (mode === 'append' && same && same.gateway === route.gateway && same.dev === route.dev) {
    throw new CommandError('RTNETLINK answers: File exists', 2);
  }
  ctx.ns.routes.add(route);
  ctx.ns.changed('routes');
  return '';
}

export function routeDel(ctx: CommandContext, a: Args): string {
  const spec = parseRouteSpec(ctx.ns, a);
  if (!spec.dst) throw new CommandError('Error: argument is required: destination prefix.', 1);
  const table = spec.type === 'local' || spec.type === 'broadcast' ? TABLE_LOCAL : spec.table;
  const victim = ctx.ns.routes.routes.find(
    (r) =>
      r.table === table &&
      r.dst === spec.dst!.addr >>> 0 &&
      r.len === spec.dst!.len &&
      (spec.metric === undefined || r.metric === spec.metric) &&
      (spec.gateway === undefined || r.gateway === spec.gateway >>> 0) &&
      (spec.dev === undefined || r.dev === spec.dev) &&
      (spec.type === 'unicast' || r.type === spec.type),
  );
  if (!victim) throw new CommandError('RTNETLINK answers: No such process', 2);
  ctx.ns.routes.remove((r) => r === victim);
  ctx.ns.changed('routes');
  return '';
}

function routeShow(ns: Netns, a: Args): string {
  let table: number | 'all' = TABLE_MAIN;
  let dev: Device | undefined;
  let proto: string | undefined;
  while (!a.done) {
    const w = a.next()!;
    if (w === 'table') {
      const v = a.value();
      table = v === 'all' ? 'all' : parseTable(v);
    } else if (w === 'dev') dev = findDev(ns, a.value());
    else if (w === 'proto') proto = a.value();
  }
  const tables =
    table === 'all' ? [...new Set(ns.routes.routes.map((r) => r.table))].sort((x, y) => y - x) : [table];
  const rows: string[] = [];
  for (const t of table === 'all' ? [TABLE_MAIN, ...tables.filter((x) => x !== TABLE_MAIN)] : tables) {
    for (const r of ns.routes.table(t)) {
      if (dev && r.dev !== dev) continue;
      if (proto && r.proto !== proto) continue;
      const text = formatRoute(r);
      rows.push(table === 'all' ? text : text.replace(/ table local/, ''));
    }
  }
  return rows.join('\n');
}

function routeGet(ctx: CommandContext, a: Args): string {
  let dst: number | undefined;
  let src: number | undefined;
  let oif: Device | undefined;
  while (!a.done) {
    const w = a.next()!;
    if (w === 'from') src = parseAddrArg(a.value());
    else if (w === 'oif' || w === 'dev') oif = findDev(ctx.ns, a.value());
    else if (w === 'to') dst = parseAddrArg(a.value());
    else if (w === 'iif' || w === 'mark' || w === 'tos' || w === 'uid') a.value();
    else if (dst === undefined) dst = parseAddrArg(w);
  }
  if (dst === undefined) throw new CommandError('need at least a destination address', 1);
  const res = routeOutput(ctx.ns, dst, { src, oif });
  if (!res.ok) throw new CommandError(`RTNETLINK answers: ${ERRNO_TEXT[res.err]}`, 2);
  if (res.local) return `local ${formatIp(dst)} dev lo src ${formatIp(res.src)} uid 0 \n    cache <local> `;
  const via = res.rt.gateway !== undefined ? ` via ${formatIp(res.rt.gateway)}` : '';
  // rt_fill_info: with `from` the source is the caller's, printed before the gateway; a
  // route from another table than main names it.
  const from = src !== undefined ? ` from ${formatIp(src)}` : '';
  const table = res.rt.table !== TABLE_MAIN ? ` table ${tableName(res.rt.table)}` : '';
  const srcText = src !== undefined ? '' : ` src ${formatIp(res.src)}`;
  // rt_fill_info: an exception from a redirect shows as RTCF_REDIRECTED with its expiry.
  const x = res.rt.redirected;
  const cache = x
    ? `cache <redirected> expires ${Math.max(0, Math.round((x.expiresUs - ctx.ns.world.sched.now) / 1e6))}sec `
    : 'cache ';
  return `${formatIp(dst)}${from}${via} dev ${res.dev.name}${table}${srcText} uid 0 \n    ${cache}`;
}

function routeFlush(ctx: CommandContext, a: Args): string {
  const spec = parseRouteSpec(ctx.ns, a);
  ctx.ns.routes.remove(
    (r) =>
      r.table === spec.table &&
      (spec.dev === undefined || r.dev === spec.dev) &&
      (spec.dst === undefined || (r.dst === spec.dst.addr >>> 0 && r.len === spec.dst.len)) &&
      (spec.proto === undefined || r.proto === spec.proto),
  );
  ctx.ns.changed('routes');
  return '';
}
