/**
 * The Trace: the contract between the engine and every viewer (canvas, panels, CLI,
 * JSON and pcapng export). It is plain JSON; its schema lives in schema/trace.schema.json.
 */
import type { Layer } from '../net/layers';
import type { DropReason } from './drop-reason';
import type { MessageCode } from './message-codes';

/**
 * 2: `hops` groups the events as a learner follows them.
 * 3: `tables` holds only the namespaces the journey touches (listed in `tableNetns`); any
 * other namespace's tables are unchanged by the flow and computed on demand.
 * 4: a big iptables table (kube-proxy's, thousands of rules) is recorded in part: `rows`
 * holds the built-in chains and the chains the journey walked, `total` the whole table's rows.
 * 5: a big IPVS table (kube-proxy's IPVS mode) is recorded in part too: `rows` holds the
 * `ipvsadm -Ln` header and the virtual services the journey was scheduled by.
 * 6: a long run of iptables rules passed without a match is one `traversed` entry (`count`,
 * `last`), and a long chain of a big table keeps only the rules the journey evaluated one by
 * one and the ends of its runs.
 */
export const TRACE_VERSION = 6;

export type Verdict =
  | 'delivered'
  | 'dropped'
  | 'unreachable'
  | 'timeout'
  | 'refused'
  /** The program's name lookup failed (NXDOMAIN, SERVFAIL, no answer): nothing was sent to it. */
  | 'unresolved'
  | 'error';

export type EventKind =
  | 'command'
  | 'tx'
  | 'rx'
  | 'bridge-forward'
  | 'bridge-flood'
  | 'route-lookup'
  | 'neigh-resolve'
  | 'arp'
  | 'forward'
  | 'netfilter'
  | 'nat'
  | 'encap'
  | 'decap'
  | 'deliver'
  | 'icmp-error'
  | 'drop'
  | 'ignore'
  | 'bridge-learn'
  | 'userspace'
  | 'control';

/** The table row that decided an event, as the real tool prints it. */
export interface DecidedBy {
  /** Which table: routes (`ip route`), neigh (`ip neigh`), fdb (`bridge fdb show`), sysctl, socket, ... */
  table: TableName;
  netns: string;
  /** The row exactly as it appears in the matching table snapshot's `rows`. */
  row: string;
}

export type TableName =
  | 'routes'
  | 'neigh'
  | 'fdb'
  | 'addrs'
  | 'links'
  | 'sysctl'
  | 'sockets'
  | 'iptables'
  /** ip6tables' own tables (NFPROTO_IPV6), rows as `ip6tables -S` prints them. */
  | 'ip6tables'
  | 'nftables'
  | 'conntrack'
  | 'ipvs';

/** A structured explanation: a message code plus the real values, so it can be rendered in any language. */
export interface Explain {
  /** From the closed set of message-codes.ts. */
  code: MessageCode;
  args: Record<string, string | number>;
}

export interface TraversedRule {
  table: string;
  chain: string;
  /** The rule as `iptables -S` prints it (the row in the iptables table), or the chain's `-P` line. */
  row: string;
  matched: boolean;
  /** For `-m statistic --mode random`: the probability of matching when reached. */
  probability?: number;
  /**
   * A run of rules of `chain` passed without a match, recorded as one entry (a long chain:
   * kube-proxy's KUBE-SERVICES): `row` is its first rule, `last` its last, `count` how many.
   */
  count?: number;
  last?: string;
}

export interface TraceEvent {
  step: number;
  /** Simulated time in microseconds since the flow started. */
  time: number;
  netns: string;
  /** The machine that owns `netns`. */
  machine: string;
  interface?: string;
  kind: EventKind;
  /** Which packet of the flow this is (1-based, in the order packets were created). */
  packetId?: number;
  /** The header stack at this moment, outermost first. */
  packet?: Layer[];
  payload?: number;
  decidedBy?: DecidedBy;
  /** iptables rules evaluated at this step, in order, with whether each matched (and its odds for -m statistic). */
  traversed?: TraversedRule[];
  /** Why a drop happened: the kernel's skb drop reason where one exists (see drop-reason.ts). */
  reason?: DropReason;
  explain: Explain;
  /** The English rendering of `explain`. */
  explanation: string;
}

export interface Capture {
  step: number;
  time: number;
  netns: string;
  machine: string;
  interface: string;
  direction: 'tx' | 'rx';
  packetId: number;
  /** Link type of the capture point: Ethernet, or raw IP for TUN/IPIP devices. */
  link: 'eth' | 'raw';
  layers: Layer[];
  payload: number;
  /** Frame length in bytes as tcpdump reports it. */
  length: number;
  /** The line `tcpdump -nn -e -i <interface>` prints for this frame (without timestamp). */
  tcpdump: string;
}

/**
 * One version of one table of one netns, valid from `step` until the next version. The
 * iptables, conntrack and ipvs tables of a namespace have no version until they have rows:
 * no version means empty.
 */
export interface TableSnapshot {
  step: number;
  netns: string;
  table: TableName;
  rows: string[];
  /** Parallel to rows: who wrote each row ("setup line 12", "kernel", "flanneld on A"...). */
  origins?: string[];
  /**
   * Present when `rows` is part of the table (a big iptables rule set: its built-in chains and
   * the chains the journey walked; a big IPVS table: the virtual services the journey used; a
   * big routing table: the local table's routes only where the journey's lookups named them):
   * the number of rows of the whole table, which the engine gives on demand (netnsTables).
   */
  total?: number;
}

export interface TopologyInterface {
  name: string;
  ifindex: number;
  kind: string;
  mac: string;
  mtu: number;
  up: boolean;
  addrs: string[];
  /** Bridge this interface is enslaved to (by name, same netns). */
  master?: string;
  /** The other end of a veth pair: netns and name. */
  peer?: { netns: string; interface: string };
  /** L2 segment a physical NIC is cabled to. */
  segment?: string;
}

export interface TopologyNetns {
  name: string;
  machine: string;
  /** True for a machine's root namespace. */
  root: boolean;
  interfaces: TopologyInterface[];
}

export interface Topology {
  machines: { name: string; role?: string; title?: string }[];
  netns: TopologyNetns[];
  segments: { name: string; title?: string }[];
}

export interface SetupLogEntry {
  machine: string;
  netns: string;
  command: string;
  /** Where the command came from, e.g. "scenarios/x.yaml:14" or "--exec". */
  source: string;
  by?: string;
  ok: boolean;
  output: string;
  expectedFailure?: boolean;
}

/** The chapters of a journey, in the order a request usually meets them. */
export type Chapter =
  | 'resolve'
  | 'leave-pod'
  | 'bridge'
  | 'route'
  | 'netfilter'
  | 'encapsulate'
  | 'underlay'
  | 'decapsulate'
  | 'deliver'
  | 'reply';

/** Moments worth stopping on: they change the packet or decide its fate. */
export type KeyMoment = 'nat' | 'encap' | 'decap' | 'drop' | 'icmp-error' | 'backend' | 'proxy-arp';

/** Events grouped as a learner follows them (see hops.ts). */
export interface Hop {
  /** Inclusive indices into trace.events; hops partition the events in order (every event in exactly one hop). */
  first: number;
  last: number;
  /** Index into trace.events of the event that represents the hop (shown when playback stops on the hop). */
  focus: number;
  /** move: one packet goes from one interface to the next; decision: a decision inside a namespace; resolve: a folded ARP/neighbour resolution. */
  kind: 'move' | 'decision' | 'resolve';
  chapter: Chapter;
  machine: string;
  netns: string;
  from?: { netns: string; interface: string };
  to?: { netns: string; interface: string };
  packetId?: number;
  /** True when the packet is a reply / goes back toward the flow's source. */
  reply: boolean;
  key?: KeyMoment[];
  /** Message code + args (render with the existing messages machinery, en and zh) and its English rendering. */
  explain: Explain;
  title: string;
}

export interface Trace {
  version: number;
  scenario: string;
  flow: string;
  command: { netns: string; line: string };
  verdict: Verdict;
  reason?: string;
  /** What the flow's command printed, as the real tool would. */
  output: string;
  topology: Topology;
  setup: SetupLogEntry[];
  events: TraceEvent[];
  /** The events grouped into hops, in order; they cover every event exactly once. */
  hops: Hop[];
  captures: Capture[];
  /** Versions of the tables of the namespaces in `tableNetns` only. */
  tables: TableSnapshot[];
  /**
   * The namespaces whose tables `tables` records: those the journey touches. Another
   * namespace's tables stay as the world was built; ask the engine for them (netnsTables).
   */
  tableNetns: string[];
}
