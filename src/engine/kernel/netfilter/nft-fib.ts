/**
 * nft_fib for IPv4 (net/ipv4/netfilter/nft_fib_ipv4.c): a route lookup made for a rule.
 * `oif`/`oifname` ask where the FIB would send the packet's source or destination address
 * (nft_fib4_eval); `type` asks what kind of address it is (nft_fib4_eval_type, through
 * inet_dev_addr_type). `. iif` and `. oif` narrow both to one device: the lookup must leave
 * by it, or the local address must be on it.
 */
import { inPrefix, isMulticastIp, parseIp } from '../../net/ipv4';
import type { Device } from '../device';
import type { Netns } from '../netns';
import { TABLE_LOCAL, type Route, type RouteType } from '../routes';
import type { PacketView } from './match';
import type { NftFib } from './nft-types';

/** RTN_* numbers, as nft's fib_addrtype values. */
const RTN: Record<RouteType, number> = {
  unicast: 1,
  local: 2,
  broadcast: 3,
  blackhole: 6,
  unreachable: 7,
  prohibit: 8,
};
const RTN_MULTICAST = 5;

/** The longest prefix of the local table holding `addr` (local and broadcast routes live there). */
function localTableLookup(ns: Netns, addr: number): Route | undefined {
  let best: Route | undefined;
  for (const r of ns.routes.table(TABLE_LOCAL))
    if (inPrefix(addr, r.dst, r.len) && (!best || r.len > best.len)) best = r;
  return best;
}

/** __inet_dev_addr_type: broadcast, multicast, else what the local table says (on `dev`), else unicast. */
export function inetDevAddrType(ns: Netns, addr: number, dev?: Device): number {
  if (addr === 0 || addr >>> 0 === 0xffffffff) return RTN.broadcast;
  if (isMulticastIp(addr)) return RTN_MULTICAST;
  const r = localTableLookup(ns, addr);
  if (!r || (dev && r.dev !== dev)) return RTN.unicast;
  return RTN[r.type];
}

/** The device `. iif` or `. oif` names, if the tuple has one. */
function fibDev(f: NftFib, v: PacketView): Device | undefined {
  if (f.flags.includes('iif')) return v.in;
  if (f.flags.includes('oif')) return v.out;
  return undefined;
}

/** nft_fib4_eval: the device the FIB sends the address to, or undefined (missing). */
function fibOif(f: NftFib, v: PacketView, saddr: number, daddr: number): Device | undefined {
  const oif = fibDev(f, v);
  // nft_fib_is_loopback: what came in on lo is answered with lo itself.
  if (v.in?.kind === 'loopback') return v.in;
  if (saddr === 0 && (daddr >>> 0 === 0xffffffff || daddr >>> 8 === 0xe00000)) return v.in;
  const rt = v.ns.routes.lookup(f.key === 'daddr' ? daddr : saddr);
  // fib_lookup fails on blackhole, unreachable and prohibit routes; RTN_LOCAL "should not" be seen.
  if (
    !rt ||
    rt.type === 'local' ||
    rt.type === 'blackhole' ||
    rt.type === 'unreachable' ||
    rt.type === 'prohibit'
  )
    return undefined;
  if (!oif) return rt.dev;
  return rt.dev === oif ? oif : undefined;
}

/**
 * The value a fib expression stores in its register: 1/0 for `oif` (compared with exists and
 * missing), the interface name for `oifname` ('' when none), the RTN_* number for `type`.
 * Undefined when the packet is not IPv4.
 */
export function nftFibValue(f: NftFib, v: PacketView): number | string | undefined {
  const ip = v.layers[0];
  if (ip?.proto !== 'ipv4') return undefined;
  const saddr = parseIp(ip.src) ?? 0;
  const daddr = parseIp(ip.dst) ?? 0;
  if (f.result === 'type') return inetDevAddrType(v.ns, f.key === 'daddr' ? daddr : saddr, fibDev(f, v));
  const dev = fibOif(f, v, saddr, daddr);
  return f.result === 'oif' ? (dev ? 1 : 0) : (dev?.name ?? '');
}
