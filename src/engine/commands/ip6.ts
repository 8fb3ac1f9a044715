/**
 * `ip -6 addr` and `ip -6 route` (and `ip addr`/`ip route` given an IPv6
 * address), printed as iproute2 prints them. Words and errors are the kernel's and iproute2's.
 */
import { formatIp6, isLinkLocal6, networkOf6, parseCidr6, parseIp6 } from '../net/ipv6';
import type { Device } from '../kernel/device';
import { addAddr6, delAddr6 } from '../kernel/addrconf';
import { CommandError } from '../kernel/errors';
import type { Netns } from '../kernel/netns';
import { formatRoute6, RT6_TABLE_MAIN, type Route6 } from '../kernel/route6';
import type { CommandContext } from './types';
import { findDev } from './device-ops';
import { parseTable } from './ip-route';
import { addr6Lines, linkHeader, linkName } from './print';
import { Args, matches } from './words';

export function looksIpv6(w: string | undefined): boolean {
  return w !== undefined && w.includes(':') && parseCidr6(w) !== null;
}

function parsePrefix6(v: string): { addr: bigint; len: number } {
  const p = parseCidr6(v);
  if (!p) throw new CommandError(`Error: inet6 prefix is expected rather than "${v}".`, 1);
  return p;
}

function disabled(ns: Netns): boolean {
  return ns.sysctl.get('net.ipv6.conf.all.disable_ipv6') !== 0;
}

export function addr6Add(ctx: CommandContext, a: Args): string {
  let prefix: { addr: bigint; len: number } | undefined;
  let devName: string | undefined;
  let nodad = false;
  let noprefixroute = false;
  while (!a.done) {
    const w = a.next()!;
    if (w === 'dev') devName = a.value();
    else if (w === 'local') prefix = parsePrefix6(a.value());
    else if (w === 'nodad') nodad = true;
    else if (w === 'noprefixroute') noprefixroute = true;
    else if (w === 'scope' || w === 'label' || w === 'valid_lft' || w === 'preferred_lft') a.value();
    else if (prefix === undefined) prefix = parsePrefix6(w);
    else throw new CommandError(`Error: either "local" is duplicate, or "${w}" is a garbage.`, 1);
  }
  if (!devName) throw new CommandError('Not enough information: "dev" argument is required.', 1);
  if (!prefix) throw new CommandError('Not enough information: "local" argument is required.', 1);
  const dev = findDev(ctx.ns, devName);
  // inet6_addr_add on a device whose IPv6 is disabled: there is no inet6_dev to add to.
  if (disabled(ctx.ns)) throw new CommandError('RTNETLINK answers: Permission denied', 2);
  if (dev.addrs6.some((x) => x.addr === prefix!.addr))
    throw new CommandError('Error: ipv6: address already assigned.', 2);
  const scope = prefix.addr === 1n ? 'host' : isLinkLocal6(prefix.addr) ? 'link' : 'global';
  addAddr6(ctx.ns, dev, { ...prefix, scope, nodad, noprefixroute, origin: ctx.origin });
  return '';
}

export function addr6Del(ctx: CommandContext, a: Args): string {
  let prefix: { addr: bigint; len: number } | undefined;
  let devName: string | undefined;
  while (!a.done) {
    const w = a.next()!;
    if (w === 'dev') devName = a.value();
    else if (w === 'local') prefix = parsePrefix6(a.value());
    else if (prefix === undefined) prefix = parsePrefix6(w);
  }
  if (!devName) throw new CommandError('Not enough information: "dev" argument is required.', 1);
  if (!prefix) throw new CommandError('Not enough information: "local" argument is required.', 1);
  const dev = findDev(ctx.ns, devName);
  const hit = dev.addrs6.find((x) => x.addr === prefix!.addr);
  if (!hit) throw new CommandError('Error: ipv6: address not found.', 2);
  delAddr6(ctx.ns, dev, hit);
  return '';
}

/**
 * The header `ip -6 addr` prints from the kernel's AF_INET6 link dump (inet6_fill_ifinfo): no
 * qdisc, no link line, and IFLA_LINK only when it differs, named in this namespace.
 */
function shortHeader(ns: Netns, d: Device): string {
  const iflink = d.iflink();
  const at = iflink !== d.ifindex ? `@${ns.deviceByIndex(iflink)?.name ?? `if${iflink}`}` : '';
  return `${d.ifindex}: ${d.name}${at}: <${d.linkFlags().join(',')}> mtu ${d.mtu} state ${d.operState()} qlen 1000`;
}

export function addr6Show(ctx: CommandContext, a: Args, brief: boolean): string {
  let only: string | undefined;
  while (!a.done) {
    const w = a.next()!;
    if (w === 'dev') only = a.value();
    else if (w === 'scope' || w === 'label') a.value();
    else if (w !== 'up') only = w;
  }
  const devs = (only ? [findDev(ctx.ns, only)] : ctx.ns.devicesInOrder()).filter((d) => d.addrs6.length > 0);
  return devs
    .flatMap((d) => {
      if (brief) {
        const list = d.addrs6.map((x) => `${formatIp6(x.addr)}/${x.len} `).join('');
        return [`${linkName(d).padEnd(16)} ${d.operState().padEnd(14)} ${list}`];
      }
      const head = only ? `${linkHeader(d)}${netnsSuffix(d)}` : shortHeader(ctx.ns, d);
      return [head, ...addr6Lines(d)];
    })
    .join('\n');
}

function netnsSuffix(d: Device): string {
  const peer = (d as Device & { peer?: Device }).peer;
  return peer && peer.netns !== d.netns ? ` link-netns ${peer.netns.name}` : '';
}

export function ip6Route(ctx: CommandContext, a: Args): string {
  const sub = a.next();
  if (sub === undefined || matches(sub, 'show') || matches(sub, 'list')) return route6Show(ctx.ns, a);
  if (matches(sub, 'add') || sub === 'replace') return route6Add(ctx, a, sub === 'replace');
  if (matches(sub, 'delete')) return route6Del(ctx, a);
  throw new CommandError(`Command "${sub}" is unknown, try "ip route help".`, 255);
}

function route6Show(ns: Netns, a: Args): string {
  let table: number | 'all' = RT6_TABLE_MAIN;
  let dev: Device | undefined;
  while (!a.done) {
    const w = a.next()!;
    if (w === 'table') {
      const v = a.value();
      table = v === 'all' ? 'all' : parseTable(v);
    } else if (w === 'dev') dev = findDev(ns, a.value());
  }
  // inet6_dump_fib with a table filter: a table no route or rule has made is an error.
  if (table !== 'all' && !ns.routes6.hasTable(table))
    throw new CommandError('Error: ipv6: FIB table does not exist.\nDump terminated', 2);
  const rows = ns.routes6.list(table).filter((r) => !dev || r.dev === dev);
  // As for IPv4, a listing filtered by device leaves "dev NAME" out of each row (measured).
  return rows
    .map((r) => formatRoute6(r, table === 'all'))
    .map((row) => (dev ? row.replace(` dev ${dev.name}`, '') : row))
    .join('\n');
}

interface Route6Spec {
  dst?: { addr: bigint; len: number };
  gateway?: bigint;
  dev?: Device;
  metric: number;
  type: Route6['type'];
  onlink: boolean;
  proto?: string;
  table: number;
}

function parseRoute6(ns: Netns, a: Args): Route6Spec {
  const s: Route6Spec = { metric: 1024, type: 'unicast', onlink: false, table: RT6_TABLE_MAIN };
  while (!a.done) {
    const w = a.next()!;
    if (w === 'via') {
      const v = a.value();
      const g = parseIp6(v === 'inet6' ? a.value() : v);
      if (g === null) throw new CommandError(`Error: inet6 address is expected rather than "${v}".`, 1);
      s.gateway = g;
    } else if (w === 'dev' || w === 'oif') s.dev = findDev(ns, a.value());
    else if (w === 'metric' || w === 'priority' || w === 'preference') {
      const v = a.value();
      if (!/^\d+$/.test(v))
        throw new CommandError(`Error: argument "${v}" is wrong: "metric" value is invalid`, 1);
      s.metric = Number(v);
    } else if (w === 'unreachable' || w === 'blackhole' || w === 'prohibit') s.type = w;
    else if (w === 'onlink') s.onlink = true;
    else if (w === 'proto' || w === 'protocol') s.proto = a.value();
    else if (w === 'table') s.table = parseTable(a.value());
    else if (w === 'mtu' || w === 'pref') a.value();
    else if (s.dst === undefined) s.dst = w === 'default' ? { addr: 0n, len: 0 } : parsePrefix6(w);
    else throw new CommandError(`Error: either "to" is duplicate, or "${w}" is a garbage.`, 1);
  }
  return s;
}

/**
 * ip6_route_check_nh: a gateway named with a table must resolve through that table to a
 * directly connected route (on the given device, if one was given); failing that, or with
 * no table, fib6_lookup (the rules included) must reach it.
 */
function gatewayRoute(ns: Netns, s: Route6Spec, gw: bigint, dev: Device | undefined): Route6 | undefined {
  const direct = (r: Route6 | undefined): boolean =>
    !!r && r.type === 'unicast' && r.gateway === undefined && (!dev || r.dev === dev);
  if (s.table !== RT6_TABLE_MAIN) {
    const inTable = ns.routes6.tableLookup(s.table, gw, dev);
    if (direct(inTable)) return inTable;
  }
  const found = ns.routes6.lookup(gw, dev);
  return found && found.type === 'unicast' && found.gateway === undefined ? found : undefined;
}

/** ip6_route_info_create with ip6_validate_gw: the gateway must be on a link the table already reaches. */
function route6Add(ctx: CommandContext, a: Args, replace: boolean): string {
  const ns = ctx.ns;
  const s = parseRoute6(ns, a);
  if (!s.dst) throw new CommandError('Error: either "to" is duplicate, or "dev" is a garbage.', 1);
  let dev = s.dev;
  if (s.onlink && !dev) throw new CommandError('Error: Nexthop device required for onlink.', 2);
  if (s.gateway !== undefined && s.type === 'unicast' && !s.onlink) {
    if (isLinkLocal6(s.gateway)) {
      if (!dev) throw new CommandError('Error: Egress device not specified.', 2);
    } else {
      const via = gatewayRoute(ns, s, s.gateway, dev);
      if (!via) throw new CommandError('RTNETLINK answers: No route to host', 2);
      dev ??= via.dev;
    }
  }
  if (!dev && s.type === 'unicast') throw new CommandError('Error: Device only routes are not supported.', 2);
  const net = networkOf6(s.dst.addr, s.dst.len);
  const same = (r: Route6): boolean =>
    r.table === s.table && r.dst === net && r.len === s.dst!.len && r.metric === s.metric;
  if (ns.routes6.find(same)) {
    if (!replace) throw new CommandError('RTNETLINK answers: File exists', 2);
    ns.routes6.remove(same);
  }
  ns.routes6.add({
    table: s.table,
    type: s.type,
    dst: net,
    len: s.dst.len,
    ...(dev ? { dev } : { dev: ns.loopback }),
    ...(s.gateway !== undefined ? { gateway: s.gateway } : {}),
    metric: s.metric,
    ...(s.onlink ? { onlink: true } : {}),
    proto: s.proto ?? 'boot',
    origin: ctx.origin,
  });
  ns.changed('routes');
  return '';
}

function route6Del(ctx: CommandContext, a: Args): string {
  const s = parseRoute6(ctx.ns, a);
  if (!s.dst) throw new CommandError('Error: either "to" is duplicate, or "dev" is a garbage.', 1);
  const net = networkOf6(s.dst.addr, s.dst.len);
  const gone = ctx.ns.routes6.remove(
    (r) =>
      r.table === s.table &&
      r.dst === net &&
      r.len === s.dst!.len &&
      (s.dev === undefined || r.dev === s.dev) &&
      (s.gateway === undefined || r.gateway === s.gateway) &&
      (s.proto === undefined || r.proto === s.proto),
  );
  if (gone === 0) throw new CommandError('RTNETLINK answers: No such process', 2);
  ctx.ns.changed('routes');
  return '';
}
