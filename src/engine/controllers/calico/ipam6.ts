/**
 * Calico IPAM for an IPv6 pool: the same blocks and affinities as IPv4, keyed under
 * /calico/ipam/v2/.../ipv6/, with /122 blocks by default (64 addresses). The pool's rules are
 * the IPPool CRD's validations (api/pkg/apis/projectcalico/v3/ippool.go), in its words: IPIP
 * is not supported on IPv6 pools (IPv6 is routed natively or by VXLAN), and an IPv6 block is
 * between /116 and /128.
 */
import { formatIp6, inPrefix6, networkOf6, parseCidr6, parseIp6 } from '../../net/ipv6';
import { IpamError } from './ipam';

export const BLOCKS6 = '/calico/ipam/v2/assignment/ipv6/block/';
/** The block size Calico gives an IPv6 pool that names none. */
export const DEFAULT_BLOCK6 = 122;

export interface Cidr6 {
  addr: bigint;
  len: number;
}

export interface Pool6 {
  name: string;
  cidr: Cidr6;
  blockSize: number;
}

export interface Block6 {
  cidr: Cidr6;
  affinity: string;
  /** Ordinal -> handle ("default.pod-a"). */
  allocations: Map<number, string>;
}

export const cidr6Text = (c: Cidr6): string => `${formatIp6(c.addr)}/${c.len}`;
/** Calico writes a block's key as its network and length joined by a dash (`fd00:10:244:1::-122`). */
export const blockKey6 = (b: Cidr6): string => `${BLOCKS6}${formatIp6(b.addr)}-${b.len}`;
export const hostAffinityKey6 = (node: string, b: Cidr6): string =>
  `/calico/ipam/v2/host/${node}/ipv6/block/${formatIp6(b.addr)}-${b.len}`;

/** Does this IPPool spec name an IPv6 network? (The family decides which IPAM serves it.) */
export function isPool6(j: Record<string, unknown>): boolean {
  return typeof j.cidr === 'string' && j.cidr.includes(':');
}

const LINK_LOCAL = { addr: parseIp6('fe80::')!, len: 10 };

/** An IPv6 IPPool's spec, refused as the CRD's validation rules refuse it. */
export function parsePool6(name: string, j: Record<string, unknown>): Pool6 {
  const where = `ippool ${name}`;
  const c = typeof j.cidr === 'string' ? parseCidr6(j.cidr, true) : null;
  if (!c) throw new IpamError(`${where}: cidr must be an IPv6 network like fd00:10:244::/56`);
  if (networkOf6(c.addr, c.len) !== c.addr)
    throw new IpamError(`${where}: IPPool CIDR must be strictly masked`);
  if (inPrefix6(c.addr, LINK_LOCAL.addr, LINK_LOCAL.len) || inPrefix6(LINK_LOCAL.addr, c.addr, c.len))
    throw new IpamError(`${where}: IPPool CIDR overlaps with IPv6 link local range fe80::/10`);
  const mode = j.ipipMode;
  if (mode !== undefined && mode !== 'Never' && mode !== '')
    throw new IpamError(`${where}: IPIP is not supported on IPv6 pools`);
  const size = j.blockSize === undefined || j.blockSize === 0 ? DEFAULT_BLOCK6 : j.blockSize;
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 116 || size > 128)
    throw new IpamError(
      `${where}: blockSize must be between 20 and 32 for IPv4 pools, and between 116 and 128 for IPv6 pools`,
    );
  if (c.len > size)
    throw new IpamError(
      `${where}: IP pool size is too small for use with Calico IPAM. It must be equal to or greater than the block size.`,
    );
  return { name, cidr: c, blockSize: size };
}

export function blockValue6(b: Block6): string {
  const alloc = [...b.allocations.entries()]
    .sort(([x], [y]) => x - y)
    .map(([o, h]) => `"${formatIp6(b.cidr.addr + BigInt(o))}":"${h}"`)
    .join(',');
  return `{"cidr":"${cidr6Text(b.cidr)}","affinity":"${b.affinity}","allocations":{${alloc}}}`;
}

export function parseBlock6(value: string): Block6 | undefined {
  try {
    const j = JSON.parse(value) as { cidr?: string; affinity?: string; allocations?: Record<string, string> };
    const c = j.cidr ? parseCidr6(j.cidr, true) : null;
    if (!c) return undefined;
    const allocations = new Map<number, string>();
    for (const [ip, h] of Object.entries(j.allocations ?? {})) {
      const a = parseIp6(ip);
      if (a !== null && inPrefix6(a, c.addr, c.len)) allocations.set(Number(a - c.addr), h);
    }
    return { cidr: c, affinity: j.affinity ?? '', allocations };
  } catch {
    return undefined;
  }
}

/** The first /blockSize of the pool no node holds yet. */
export function freeBlock6(pool: Pool6, taken: Cidr6[]): Cidr6 {
  const step = 1n << BigInt(128 - pool.blockSize);
  const count = 1n << BigInt(pool.blockSize - pool.cidr.len);
  // A /56 pool holds 2^66 blocks: look at the first ones, as many as a cluster could hold.
  for (let i = 0n; i < count && i < 65536n; i++) {
    const a = pool.cidr.addr + i * step;
    if (!taken.some((t) => t.addr === a)) return { addr: a, len: pool.blockSize };
  }
  throw new IpamError(`no free block of /${pool.blockSize} left in ${cidr6Text(pool.cidr)}`);
}

/** A pinned block must be a block of the pool. */
export function checkBlock6(pool: Pool6, b: Cidr6): void {
  if (
    b.len !== pool.blockSize ||
    !inPrefix6(b.addr, pool.cidr.addr, pool.cidr.len) ||
    networkOf6(b.addr, b.len) !== b.addr
  )
    throw new IpamError(
      `${cidr6Text(b)} is not a /${pool.blockSize} block of the pool ${cidr6Text(pool.cidr)}`,
    );
}

/** One address from the block: the requested one, or the lowest free ordinal. */
export function assign6(block: Block6, handle: string, want?: bigint): bigint {
  const size = 2 ** (128 - block.cidr.len);
  if (want !== undefined) {
    if (!inPrefix6(want, block.cidr.addr, block.cidr.len))
      throw new IpamError(`${formatIp6(want)} is not in the block ${cidr6Text(block.cidr)}`);
    const o = Number(want - block.cidr.addr);
    const holder = block.allocations.get(o);
    if (holder !== undefined && holder !== handle)
      throw new IpamError(`${formatIp6(want)} is already assigned to ${holder}`);
    block.allocations.set(o, handle);
    return want;
  }
  for (let o = 0; o < size; o++) {
    if (!block.allocations.has(o)) {
      block.allocations.set(o, handle);
      return block.cidr.addr + BigInt(o);
    }
  }
  throw new IpamError(`the block ${cidr6Text(block.cidr)} is full`);
}
