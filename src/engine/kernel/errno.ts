/**
 * The errors a socket reports, with glibc's strerror words, and how the kernel turns an
 * ICMP error into one (icmp_err_convert in net/ipv4/icmp.c, tcp_v4_err, __udp4_lib_err).
 */
import type { IcmpLayer, Icmpv6Layer } from '../net/layers';

export type Errno =
  | 'ENETUNREACH'
  | 'EHOSTUNREACH'
  | 'ECONNREFUSED'
  | 'EMSGSIZE'
  | 'EACCES'
  | 'EINVAL'
  | 'ENOPROTOOPT'
  | 'EOPNOTSUPP'
  | 'EHOSTDOWN'
  | 'ENONET'
  | 'EPROTO'
  | 'ETIMEDOUT';

export const STRERROR: Record<Errno, string> = {
  ENETUNREACH: 'Network is unreachable',
  EHOSTUNREACH: 'No route to host',
  ECONNREFUSED: 'Connection refused',
  EMSGSIZE: 'Message too long',
  EACCES: 'Permission denied',
  EINVAL: 'Invalid argument',
  ENOPROTOOPT: 'Protocol not available',
  EOPNOTSUPP: 'Operation not supported',
  EHOSTDOWN: 'Host is down',
  ENONET: 'Machine is not on the network',
  EPROTO: 'Protocol error',
  ETIMEDOUT: 'Connection timed out',
};

/** icmp_err_convert[code] for ICMP_DEST_UNREACH: the errno and whether it is a hard error. */
const UNREACH: readonly [Errno, boolean][] = [
  ['ENETUNREACH', false], // net unreachable
  ['EHOSTUNREACH', false], // host unreachable
  ['ENOPROTOOPT', true], // protocol unreachable
  ['ECONNREFUSED', true], // port unreachable
  ['EMSGSIZE', false], // fragmentation needed
  ['EOPNOTSUPP', false], // source route failed
  ['ENETUNREACH', true], // net unknown
  ['EHOSTDOWN', true], // host unknown
  ['ENONET', true], // host isolated
  ['ENETUNREACH', true], // net administratively prohibited
  ['EHOSTUNREACH', true], // host administratively prohibited
  ['ENETUNREACH', false], // net unreachable for TOS
  ['EHOSTUNREACH', false], // host unreachable for TOS
  ['EHOSTUNREACH', true], // communication administratively prohibited
  ['EHOSTUNREACH', true], // precedence violation
  ['EHOSTUNREACH', true], // precedence cutoff
];

/**
 * The socket error an ICMP error means, or undefined when the kernel acts on it without
 * telling the socket (a redirect updates the route; source quench is ignored).
 * `hard` is icmp_err_convert's "fatal": a UDP socket without IP_RECVERR sees only hard
 * errors; a TCP connection still in SYN_SENT is aborted by any of them (tcp_v4_err).
 */
export function icmpErrno(icmp: IcmpLayer): { errno: Errno; hard: boolean } | undefined {
  switch (icmp.type) {
    case 3:
      if (icmp.code === 4) return { errno: 'EMSGSIZE', hard: true };
      return icmp.code < UNREACH.length
        ? { errno: UNREACH[icmp.code]![0], hard: UNREACH[icmp.code]![1] }
        : { errno: 'EHOSTUNREACH', hard: false };
    case 11:
      return { errno: 'EHOSTUNREACH', hard: false };
    case 12:
      return { errno: 'EPROTO', hard: true };
    default:
      return undefined;
  }
}

/** icmpv6_err_convert's tab_unreach[code]: no route, prohibited, beyond scope, address, port, policy, reject route. */
const UNREACH6: readonly [Errno, boolean][] = [
  ['ENETUNREACH', false],
  ['EACCES', true],
  ['EHOSTUNREACH', false],
  ['EHOSTUNREACH', false],
  ['ECONNREFUSED', true],
  ['EACCES', true],
  ['EACCES', true],
];

/**
 * icmpv6_err_convert (net/ipv6/icmp.c): the errno an ICMPv6 error means and whether it is
 * fatal. Packet too big only lowers the path MTU (tcp_v6_err, __udp6_lib_err handle it first).
 */
export function icmpv6Errno(m: Icmpv6Layer): { errno: Errno; hard: boolean } | undefined {
  switch (m.type) {
    case 1:
      return m.code < UNREACH6.length
        ? { errno: UNREACH6[m.code]![0], hard: UNREACH6[m.code]![1] }
        : { errno: 'EPROTO', hard: false };
    case 2:
      return { errno: 'EMSGSIZE', hard: false };
    case 3:
      return { errno: 'EHOSTUNREACH', hard: false };
    case 4:
      return { errno: 'EPROTO', hard: true };
    default:
      return undefined;
  }
}

/** Either family's error message, as the socket layer converts it. */
export function anyIcmpErrno(m: IcmpLayer | Icmpv6Layer): { errno: Errno; hard: boolean } | undefined {
  return m.proto === 'icmp' ? icmpErrno(m) : icmpv6Errno(m);
}
