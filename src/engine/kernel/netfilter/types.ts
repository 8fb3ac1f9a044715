/**
 * iptables rules as data. The command parser (iptables, iptables-restore) builds these;
 * the formatter prints them exactly as iptables-save does; the evaluator (engine.ts)
 * runs them against packets.
 */

export type TableId = 'raw' | 'mangle' | 'nat' | 'filter';

export const BUILTIN_CHAINS: Record<TableId, string[]> = {
  raw: ['PREROUTING', 'OUTPUT'],
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
};

export interface AddrMatch {
  /** The IPv4 network (0 in an ip6tables rule). */
  addr: number;
  len: number;
  neg: boolean;
  /** ip6tables: the IPv6 network, host bits cleared; len is then up to 128. */
  addr6?: bigint;
}

export interface IfaceMatch {
  /** Interface name; a trailing "+" matches any name with that prefix. */
  name: string;
  neg: boolean;
}

export type CtState = 'NEW' | 'ESTABLISHED' | 'RELATED' | 'INVALID' | 'UNTRACKED' | 'SNAT' | 'DNAT';
export type AddrType =
  | 'UNSPEC'
  | 'UNICAST'
  | 'LOCAL'
  | 'BROADCAST'
  | 'ANYCAST'
  | 'MULTICAST'
  | 'BLACKHOLE'
  | 'UNREACHABLE'
  | 'PROHIBIT';

export interface PortRange {
  from: number;
  to: number;
}

/** A `-m NAME ...` match (or the implicit protocol match of -p tcp/udp/icmp with its options). */
export type Match =
  | {
      module: 'tcp' | 'udp';
      sport?: PortRange & { neg: boolean };
      dport?: PortRange & { neg: boolean };
      tcpFlags?: { mask: string[]; comp: string[]; neg: boolean };
      syn?: { neg: boolean };
    }
  | { module: 'icmp'; icmpType?: { type: number; code?: number; name: string; neg: boolean } }
  /** libip6t_icmp6 (`-p ipv6-icmp --icmpv6-type`): the type, and the code when one was named. */
  | { module: 'icmp6'; icmpType?: { type: number; code?: number; name: string; neg: boolean } }
  | { module: 'multiport'; sports?: PortRange[]; dports?: PortRange[]; ports?: PortRange[]; neg: boolean }
  | {
      module: 'addrtype';
      srcType?: { types: AddrType[]; neg: boolean };
      dstType?: { types: AddrType[]; neg: boolean };
      limitIfaceIn?: boolean;
      limitIfaceOut?: boolean;
    }
  | {
      module: 'conntrack';
      ctstate?: { states: CtState[]; neg: boolean };
      ctorigdst?: AddrMatch;
      ctorigdstport?: { port: number; neg: boolean };
    }
  | { module: 'state'; states: CtState[]; neg: boolean }
  | { module: 'comment'; comment: string }
  | { module: 'mark'; mark: number; mask: number; neg: boolean }
  | { module: 'connmark'; mark: number; mask: number; neg: boolean }
  | { module: 'statistic'; mode: 'random'; probability: number; neg: boolean }
  | { module: 'statistic'; mode: 'nth'; every: number; packet: number; neg: boolean }
  | { module: 'set'; name: string; flags: ('src' | 'dst')[]; neg: boolean }
  | {
      module: 'recent';
      name: string;
      cmd: 'set' | 'rcheck' | 'update' | 'remove';
      neg: boolean;
      seconds?: number;
      reap?: boolean;
      hitcount?: number;
      rttl?: boolean;
      side: 'source' | 'dest';
      mask: number;
    }
  | {
      module: 'physdev';
      physdevIn?: IfaceMatch;
      physdevOut?: IfaceMatch;
      /** --physdev-is-in, --physdev-is-out, --physdev-is-bridged, each possibly after `!`. */
      isIn?: { neg: boolean };
      isOut?: { neg: boolean };
      isBridged?: { neg: boolean };
    };

export type Target =
  | { kind: 'ACCEPT' }
  | { kind: 'DROP' }
  | { kind: 'RETURN' }
  | { kind: 'REJECT'; with: string }
  | { kind: 'LOG'; prefix?: string; level?: string }
  | { kind: 'MARK'; value: number; mask: number; op: 'set-xmark' }
  /** xt_connmark's modes: set the entry's mark, save the packet's into it, or restore it. */
  | { kind: 'CONNMARK'; mode: 'set' | 'save' | 'restore'; ctmark: number; ctmask: number; nfmask: number }
  | { kind: 'MASQUERADE'; toPorts?: PortRange; randomFully?: boolean; random?: boolean }
  | { kind: 'SNAT'; to: NatRange; randomFully?: boolean; random?: boolean; persistent?: boolean }
  | { kind: 'DNAT'; to: NatRange }
  | { kind: 'REDIRECT'; toPorts?: PortRange }
  /** Jump (or goto, with `goto`) to a user chain. */
  | { kind: 'CHAIN'; chain: string; goto: boolean };

export interface NatRange {
  /** First and last address of the range (equal for a single address). */
  addrFrom: number;
  addrTo: number;
  /** An ip6tables range's addresses (addrFrom and addrTo are then 0). */
  addr6From?: bigint;
  addr6To?: bigint;
  ports?: PortRange;
}

export interface Rule {
  src?: AddrMatch;
  dst?: AddrMatch;
  in?: IfaceMatch;
  out?: IfaceMatch;
  /** -p: protocol name (tcp, udp, icmp, all) or number. */
  proto?: { name: string; neg: boolean };
  matches: Match[];
  target?: Target;
  counters: { packets: number; bytes: number };
  /** Who wrote it ("dockerd on host1", "setup line 12"). */
  origin: string;
}

export interface Chain {
  name: string;
  /** ACCEPT or DROP for built-in chains; undefined for user chains (printed as "-"). */
  policy?: 'ACCEPT' | 'DROP';
  rules: Rule[];
  /** Policy counters of a built-in chain. */
  counters: { packets: number; bytes: number };
}

export interface Table {
  id: TableId;
  /** Chains in creation order: built-ins first, then user chains. */
  chains: Map<string, Chain>;
}
