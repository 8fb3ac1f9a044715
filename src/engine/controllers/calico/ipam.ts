/**
 * Calico IPAM: the pool is cut into blocks (/26 by default); each node claims blocks by
 * affinity and hands its pods /32 addresses from them, and its tunl0 one address too.
 * Blocks and affinities live in the datastore under /calico/ipam/v2/, as Calico keeps them.
 */
import { formatIp, inPrefix, maskOf, parseCidr } from '../../net/ipv4';
import { CalicoError, parseResource } from './errors';

export const POOLS = '/calico/resources/v3/projectcalico.org/ippools/';
export const BLOCKS = '/calico/ipam/v2/assignment/ipv4/block/';
export const hostAffinityKey = (node: string, block: Cidr): string =>
  `/calico/ipam/v2/host/${node}/ipv4/block/${formatIp(block.addr)}-${block.len}`;
export const blockKey = (b: Cidr): string => `${BLOCKS}${formatIp(b.addr)}-${b.len}`;

export interface Cidr {
  addr: number;
  len: number;
}

export type IpipMode = 'Never' | 'Always' | 'CrossSubnet';

export interface Pool {
  name: string;
  cidr: Cidr;
  blockSize: number;
  ipipMode: IpipMode;
}

export class IpamError extends CalicoError {}

export const cidrText = (c: Cidr): string => `${formatIp(c.addr)}/${c.len}`;

/** An IPPool resource as `calicoctl get ippool -o json` shows its spec. */
export function parsePool(name: string, text: string): Pool {
  let j: Record<string, unknown>;
  try {
    j = parseResource(`ippool ${name}`, text);
  } catch (e) {
    throw new IpamError((e as Error).message);
  }
  const c = typeof j.cidr === 'string' ? parseCidr(j.cidr) : null;
  if (!c) throw new IpamError(`ippool ${name}: cidr must be an IPv4 network like 10.244.0.0/16`);
  const blockSize = typeof j.blockSize === 'number' ? j.blockSize : 26;
  if (blockSize < c.len || blockSize > 32)
    throw new IpamError(`ippool ${name}: blockSize ${blockSize} must be between ${c.len} and 32`);
  const mode = j.ipipMode ?? 'Never';
  if (mode !== 'Never' && mode !== 'Always' && mode !== 'CrossSubnet')
    throw new IpamError(`ippool ${name}: ipipMode must be Never, Always or CrossSubnet`);
  return { name, cidr: { addr: (c.addr & maskOf(c.len)) >>> 0, len: c.len }, blockSize, ipipMode: mode };
}

export interface Block {
  cidr: Cidr;
  affinity: string;
  /** Ordinal -> handle ("default.pod-a", "ipip-tunnel-addr-node1"). */
  allocations: Map<number, string>;
}

export function blockValue(b: Block): string {
  const alloc = [...b.allocations.entries()]
    .sort(([x], [y]) => x - y)
    .map(([o, h]) => `"${formatIp((b.cidr.addr + o) >>> 0)}":"${h}"`)
    .join(',');
  return `{"cidr":"${cidrText(b.cidr)}","affinity":"${b.affinity}","allocations":{${alloc}}}`;
}

export function parseBlock(value: string): Block | undefined {
  try {
    const j = JSON.parse(value) as { cidr?: string; affinity?: string; allocations?: Record<string, string> };
    const c = j.cidr ? parseCidr(j.cidr) : null;
    if (!c) return undefined;
    const allocations = new Map<number, string>();
    for (const [ip, h] of Object.entries(j.allocations ?? {})) {
      const a = parseCidr(`${ip}/32`);
      if (a) allocations.set((a.addr - c.addr) >>> 0, h);
    }
    return { cidr: c, affinity: j.affinity ?? '', allocations };
  } catch {
    return undefined;
  }
}

/** The first block of the pool no node holds yet (Calico claims a free block for a node with none). */
export function freeBlock(pool: Pool, taken: Cidr[]): Cidr {
  const step = 2 ** (32 - pool.blockSize);
  const end = pool.cidr.addr + 2 ** (32 - pool.cidr.len);
  for (let a = pool.cidr.addr; a < end; a += step) {
    if (!taken.some((t) => t.addr >>> 0 === a >>> 0)) return { addr: a >>> 0, len: pool.blockSize };
  }
  throw new IpamError(`no free block of /${pool.blockSize} left in ${cidrText(pool.cidr)}`);
}

/** Check that a pinned block is a block of the pool. */
export function checkBlock(pool: Pool, b: Cidr): void {
  if (
    b.len !== pool.blockSize ||
    !inPrefix(b.addr, pool.cidr.addr, pool.cidr.len) ||
    (b.addr & ~maskOf(b.len)) !== 0
  )
    throw new IpamError(
      `${cidrText(b)} is not a /${pool.blockSize} block of the pool ${cidrText(pool.cidr)}`,
    );
}

/**
 * Assign one address from the block: the requested one (Calico's ipAddrs annotation) or the
 * lowest free ordinal, as Calico's block allocator walks its unallocated list in order.
 */
export function assign(block: Block, handle: string, want?: number): number {
  const size = 2 ** (32 - block.cidr.len);
  if (want !== undefined) {
    const o = (want - block.cidr.addr) >>> 0;
    if (o >= size) throw new IpamError(`${formatIp(want)} is not in the block ${cidrText(block.cidr)}`);
    const holder = block.allocations.get(o);
    if (holder !== undefined && holder !== handle)
      throw new IpamError(`${formatIp(want)} is already assigned to ${holder}`);
    block.allocations.set(o, handle);
    return want >>> 0;
  }
  for (let o = 0; o < size; o++) {
    if (!block.allocations.has(o)) {
      block.allocations.set(o, handle);
      return (block.cidr.addr + o) >>> 0;
    }
  }
  throw new IpamError(`the block ${cidrText(block.cidr)} is full`);
}
