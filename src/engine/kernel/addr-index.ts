/**
 * A device's IPv4 addresses looked up by (address, length) and by (network, length), the two
 * questions adding an address asks (is it there already; is it secondary). The kernel walks
 * the list for both (__inet_insert_ifa, inet_rtm_newaddr's find_matching_ifa); kube-proxy's
 * IPVS mode puts one /32 per Service on kube-ipvs0, so 10,000 Services made that walk
 * quadratic. The index follows the list while addresses are only appended through it; any
 * other change (a new array, another length) has it rebuilt on the next lookup. A device with
 * few addresses is walked, as before.
 */
import { networkOf } from '../net/ipv4';
import type { Device, IfAddr } from './device';

interface AddrIndex {
  list: IfAddr[];
  /** How many of the list's addresses are indexed. */
  n: number;
  /** The first address of each (address, length). */
  exact: Map<number, IfAddr>;
  /** The first address of each (network, length). */
  nets: Map<number, IfAddr>;
}

const indexes = new WeakMap<Device, AddrIndex>();

const key = (addr: number, len: number): number => (addr >>> 0) * 64 + len;

function note(ix: AddrIndex, a: IfAddr): void {
  ix.n++;
  const k = key(a.addr, a.len);
  if (!ix.exact.has(k)) ix.exact.set(k, a);
  const nk = key(networkOf(a.addr, a.len), a.len);
  if (!ix.nets.has(nk)) ix.nets.set(nk, a);
}

function indexOf(dev: Device): AddrIndex {
  let ix = indexes.get(dev);
  if (ix && ix.list === dev.addrs && ix.n === dev.addrs.length) return ix;
  ix = { list: dev.addrs, n: 0, exact: new Map(), nets: new Map() };
  for (const a of dev.addrs) note(ix, a);
  indexes.set(dev, ix);
  return ix;
}

/** A device with no more addresses than this is walked: most have one or two, and no index. */
const WALK = 16;

/** The first of `dev`'s addresses that is `addr`/`len`. */
export function findAddr(dev: Device, addr: number, len: number): IfAddr | undefined {
  if (dev.addrs.length <= WALK) return dev.addrs.find((x) => x.addr === addr && x.len === len);
  return indexOf(dev).exact.get(key(addr, len));
}

/** Whether one of `dev`'s addresses has prefix length `len` and lies in `addr`/`len`'s network. */
export function hasNetwork(dev: Device, addr: number, len: number): boolean {
  const net = networkOf(addr, len);
  if (dev.addrs.length <= WALK) return dev.addrs.some((x) => x.len === len && networkOf(x.addr, len) === net);
  return indexOf(dev).nets.has(key(net, len));
}

/** Appends `a` to `dev`'s addresses, keeping the index (once there is one). */
export function appendAddr(dev: Device, a: IfAddr): void {
  const ix = indexes.get(dev);
  const kept = ix !== undefined && ix.list === dev.addrs && ix.n === dev.addrs.length;
  dev.addrs.push(a);
  if (kept) note(ix, a);
}
