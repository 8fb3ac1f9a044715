/**
 * The kernel's ip_set lookup: the test `-m set --match-set NAME src,dst` (and an nft set of the
 * same members) makes against the sets the `ipset` command created in this namespace.
 */
import { inPrefix, parseIp } from '../../net/ipv4';
import type { Layer } from '../../net/layers';
import type { Netns } from '../netns';
import type { IpSet, IpSetType } from './state';
import { protoNumber } from './tables';

/** A member's dimension kinds, in order. */
export const DIMS: Record<IpSetType, ('ip' | 'net' | 'port')[]> = {
  'hash:ip': ['ip'],
  'hash:net': ['net'],
  'hash:ip,port': ['ip', 'port'],
  'hash:ip,port,ip': ['ip', 'port', 'ip'],
  'hash:ip,port,net': ['ip', 'port', 'net'],
  'bitmap:port': ['port'],
};

/** Whether a canonical member string is in the set (hash:net and ,net dimensions match by containment). */
export function memberMatches(set: IpSet, member: string): boolean {
  if (set.members.has(member)) return true;
  const dims = DIMS[set.type];
  if (!dims.includes('net')) return false;
  const want = member.split(',');
  for (const m of set.members) {
    const have = m.split(',');
    if (dims.every((d, i) => (d === 'net' ? netContains(have[i]!, want[i]!) : have[i] === want[i])))
      return true;
  }
  return false;
}

function netContains(net: string, addr: string): boolean {
  const [a, l] = net.split('/');
  const [b] = addr.split('/');
  const n = parseIp(a!);
  const x = parseIp(b!);
  if (n === null || x === null) return false;
  return inPrefix(x, n, l === undefined ? 32 : Number(l));
}

/** The packet fields -m set looks at. */
export interface IpsetFields {
  src: string;
  dst: string;
  /** IP protocol: name ("tcp") or number. */
  proto: string | number;
  sport?: number;
  dport?: number;
}

const PORT_PROTOS: Record<number, string> = { 6: 'tcp', 17: 'udp', 132: 'sctp', 136: 'udplite' };

function fieldsOf(layers: Layer[]): IpsetFields | undefined {
  const ip = layers[0];
  if (ip?.proto !== 'ipv4') return undefined;
  const l4 = layers[1];
  const ports = l4 && (l4.proto === 'tcp' || l4.proto === 'udp') ? { sport: l4.sport, dport: l4.dport } : {};
  return { src: ip.src, dst: ip.dst, proto: ip.protocol, ...ports };
}

/**
 * `-m set --match-set NAME flags`: whether the packet's src/dst (per flag, one per
 * dimension) is in the set. Accepts the fields or the layers from the IPv4 header on.
 * A missing set matches nothing.
 */
export function ipsetHas(
  ns: Netns,
  name: string,
  packet: IpsetFields | Layer[],
  flags: ('src' | 'dst')[],
): boolean {
  const set = ns.iptables?.ipsets.get(name);
  if (!set) return false;
  const f = Array.isArray(packet) ? fieldsOf(packet) : packet;
  if (!f) return false;
  const protoNum = typeof f.proto === 'number' ? f.proto : protoNumber(f.proto);
  const parts: string[] = [];
  const dims = DIMS[set.type];
  for (let i = 0; i < dims.length; i++) {
    const dir = flags[i] ?? flags[flags.length - 1] ?? 'src';
    if (dims[i] === 'port') {
      const proto = PORT_PROTOS[protoNum];
      const port = dir === 'src' ? f.sport : f.dport;
      if (!proto || port === undefined) return false;
      parts.push(set.type === 'bitmap:port' ? String(port) : `${proto}:${port}`);
    } else parts.push(dir === 'src' ? f.src : f.dst);
  }
  return memberMatches(set, parts.join(','));
}
