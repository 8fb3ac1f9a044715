/**
 * IPv6 address configuration (net/ipv6/addrconf.c): the addresses a device gets when it
 * comes up (::1 on lo, the EUI-64 link-local address elsewhere), the routes every address
 * brings, and the flush when the device goes down (keep_addr_on_down 0). Duplicate address
 * detection is taken as already done: the lab waits until no address is tentative before
 * a flow starts, so no flow ever meets an address still under DAD.
 */
import { isLinkLocal6, linkLocalFromMac, LOOPBACK6, networkOf6, parseIp6, scopeOf6 } from '../net/ipv6';
import type { Device, If6Addr } from './device';
import type { Netns } from './netns';
import { RT6_TABLE_LOCAL, RT6_TABLE_MAIN, type Route6 } from './route6';

const FE80 = parseIp6('fe80::')!;
const FF00 = parseIp6('ff00::')!;

/** Devices addrconf_dev_config configures: Ethernet-like ones; tunnels without a link layer get none. */
function getsLinkLocal(dev: Device): boolean {
  return dev.kind !== 'loopback' && dev.linkType === 'eth' && !dev.noarp;
}

export function ipv6Disabled(ns: Netns): boolean {
  return ns.sysctl.get('net.ipv6.conf.all.disable_ipv6') !== 0;
}

function route(
  dev: Device,
  table: number,
  type: Route6['type'],
  dst: bigint,
  len: number,
  metric: number,
): Route6 {
  return { table, type, dst, len, dev, metric, proto: 'kernel', origin: 'kernel' };
}

/**
 * The devices whose link is ready (IF_READY): addrconf_dev_config has run. A device that
 * comes up without carrier (a bridge with no port up, a veth whose peer is down) waits for
 * NETDEV_CHANGE; losing the carrier later does not clear it, only going down does.
 */
const ready = new WeakSet<Device>();

/**
 * addrconf_notify(NETDEV_UP): ::1 for lo (init_loopback); elsewhere the routes of the
 * permanent addresses, then, only once the link is ready (addrconf_link_ready, carrier
 * on), fe80::/64, ff00::/8 and the link-local address.
 */
export function addrconfUp(ns: Netns, dev: Device): void {
  if (ipv6Disabled(ns)) return;
  if (dev.kind === 'loopback') {
    if (!dev.addrs6.some((a) => a.addr === LOOPBACK6)) insertAddr(dev, kernelAddr(LOOPBACK6, 128));
  }
  for (const a of dev.addrs6) addrRoutes(ns, dev, a);
  addrconfLinkChange(ns, dev);
  ns.changed('addrs');
  ns.changed('routes');
}

/**
 * addrconf_notify(NETDEV_CHANGE): the carrier came on ("link becomes ready"), so the
 * device gets its link-local address now. Added after any address configured by hand, it
 * still lists before those of its scope (ipv6_link_dev_addr), as `ip -6 addr` shows.
 */
export function addrconfLinkChange(ns: Netns, dev: Device): void {
  if (ipv6Disabled(ns) || !dev.adminUp || !dev.carrier() || ready.has(dev)) return;
  ready.add(dev);
  if (!getsLinkLocal(dev)) return;
  const has = (table: number, dst: bigint, len: number): boolean =>
    ns.routes6.find((r) => r.table === table && r.dev === dev && r.dst === dst && r.len === len) !==
    undefined;
  if (!has(RT6_TABLE_MAIN, FE80, 64)) ns.routes6.add(route(dev, RT6_TABLE_MAIN, 'unicast', FE80, 64, 256));
  if (!has(RT6_TABLE_LOCAL, FF00, 8)) ns.routes6.add(route(dev, RT6_TABLE_LOCAL, 'multicast', FF00, 8, 256));
  const ll = linkLocalFromMac(dev.mac);
  if (!dev.addrs6.some((a) => a.addr === ll)) {
    const a = kernelAddr(ll, 64);
    insertAddr(dev, a);
    addrRoutes(ns, dev, a);
  }
  ns.changed('addrs');
  ns.changed('routes');
}

/** addrconf_ifdown: every IPv6 address and route of the device goes (keep_addr_on_down 0). */
export function addrconfDown(ns: Netns, dev: Device): void {
  ready.delete(dev);
  if (dev.addrs6.length === 0 && !ns.routes6.find((r) => r.dev === dev)) return;
  dev.addrs6 = [];
  ns.routes6.remove((r) => r.dev === dev);
  ns.neigh6.flushDevice(dev);
  ns.changed('addrs');
  ns.changed('routes');
}

function kernelAddr(addr: bigint, len: number): If6Addr {
  return { addr, len, scope: scopeOf6(addr), nodad: false, noprefixroute: false, origin: 'kernel' };
}

/** ipv6_link_dev_addr: before the first address of the same or a smaller scope. */
function insertAddr(dev: Device, a: If6Addr): void {
  const rank = (x: If6Addr): number => (x.scope === 'global' ? 2 : x.scope === 'link' ? 1 : 0);
  const at = dev.addrs6.findIndex((x) => rank(a) >= rank(x));
  if (at < 0) dev.addrs6.push(a);
  else dev.addrs6.splice(at, 0, a);
}

/** The local /128 route, and the prefix route unless noprefixroute (a /128 gets one too: measured). */
function addrRoutes(ns: Netns, dev: Device, a: If6Addr): void {
  if (!dev.adminUp) return;
  const lo = ns.loopback;
  if (!ns.routes6.find((r) => r.table === RT6_TABLE_LOCAL && r.len === 128 && r.dst === a.addr))
    ns.routes6.add({
      ...route(dev, RT6_TABLE_LOCAL, 'local', a.addr, 128, 0),
      dev: a.addr === LOOPBACK6 ? lo : dev,
    });
  if (a.noprefixroute || dev.kind === 'loopback') return;
  const net = networkOf6(a.addr, a.len);
  const have = ns.routes6.find(
    (r) =>
      r.table === RT6_TABLE_MAIN && r.dev === dev && r.dst === net && r.len === a.len && r.proto === 'kernel',
  );
  if (!have) ns.routes6.add(route(dev, RT6_TABLE_MAIN, 'unicast', net, a.len, 256));
}

/** `ip -6 addr add`: inet6_addr_add. */
export function addAddr6(ns: Netns, dev: Device, a: If6Addr): void {
  insertAddr(dev, a);
  addrRoutes(ns, dev, a);
  ns.changed('addrs');
  ns.changed('routes');
}

/** `ip -6 addr del`: the address, its local route and (when no other address needs it) its prefix route. */
export function delAddr6(ns: Netns, dev: Device, a: If6Addr): void {
  dev.addrs6 = dev.addrs6.filter((x) => x !== a);
  ns.routes6.remove((r) => r.table === RT6_TABLE_LOCAL && r.type === 'local' && r.dst === a.addr);
  const net = networkOf6(a.addr, a.len);
  const shared = dev.addrs6.some((x) => x.len === a.len && networkOf6(x.addr, x.len) === net);
  if (!shared && !isLinkLocal6(a.addr))
    ns.routes6.remove((r) => r.proto === 'kernel' && r.dev === dev && r.dst === net && r.len === a.len);
  ns.changed('addrs');
  ns.changed('routes');
}

/** Is `ip` one of this namespace's own addresses (a local route in the local table)? */
export function isLocal6(ns: Netns, ip: bigint): boolean {
  return ns.routes6.lookup(ip)?.type === 'local';
}
