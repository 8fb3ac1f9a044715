/**
 * nf_tables as the kernel holds it: tables of a family, chains (base chains hooked at a
 * priority), rules as lists of expressions, and named sets and maps. The `nft` command
 * compiles its language into these; the evaluator (nft-eval.ts) runs them at the hooks.
 */
import type { Hook } from '../nf-hook';

export type NftFamily = 'ip' | 'ip6' | 'inet';
export type NftHookName = 'prerouting' | 'input' | 'forward' | 'output' | 'postrouting';
export type NftChainType = 'filter' | 'nat' | 'route';

export const NFT_HOOKS: Record<NftHookName, Hook> = {
  prerouting: 'PREROUTING',
  input: 'INPUT',
  forward: 'FORWARD',
  output: 'OUTPUT',
  postrouting: 'POSTROUTING',
};

/** The payload, meta and ct keys a rule can compare. */
export type NftField =
  | 'ip saddr'
  | 'ip daddr'
  | 'ip protocol'
  | 'ip6 saddr'
  | 'ip6 daddr'
  | 'ip6 nexthdr'
  | 'ip6 hoplimit'
  | 'meta nfproto'
  | 'meta l4proto'
  | 'meta iifname'
  | 'meta oifname'
  | 'meta iif'
  | 'meta oif'
  | 'meta mark'
  | 'ct mark'
  | 'ct state'
  | 'ct status'
  | 'tcp dport'
  | 'tcp sport'
  | 'udp dport'
  | 'udp sport'
  | 'th dport'
  | 'th sport'
  | 'icmp type'
  | 'icmpv6 type'
  | 'icmpv6 code'
  | 'fib saddr type'
  | 'fib daddr type'
  | 'numgen';

export type NftDatatype =
  | 'ipv4_addr'
  | 'ipv6_addr'
  | 'inet_proto'
  | 'nf_proto'
  | 'ifname'
  | 'mark'
  | 'inet_service'
  | 'ct_state'
  | 'ct_status'
  | 'icmp_type'
  | 'icmpv6_type'
  | 'icmpv6_code'
  | 'fib_addrtype'
  | 'integer'
  /** An 8-bit integer field (ip6 hoplimit): nft checks the value's range. */
  | 'uint8'
  | 'verdict';

/**
 * One value or interval of a datatype. Numbers (and addresses) compare by [lo, hi]; interface
 * names by `s`. `text` is how nft prints it.
 */
export interface NftElem {
  lo: number;
  hi: number;
  s?: string;
  /** An IPv6 address or prefix, as the 128-bit interval it covers (lo and hi stay 0). */
  a6?: { lo: bigint; hi: bigint };
  text: string;
  /** A concatenation's parts (`10.96.0.10 . udp . 53`), one per field of the key. */
  parts?: NftElem[];
  /** An element's own comment (kube-proxy names the Service this way). */
  comment?: string;
  /** A dynamic set's element lives until then (scheduler microseconds). */
  expires?: number;
}

/**
 * What a key is beyond one field: a concatenation (`ip daddr . meta l4proto . th dport`, whose
 * first field is the expression's `field`) or a number generator (`numgen random mod 2`,
 * whose `field` is 'numgen').
 */
export type NftKey =
  | { kind: 'concat'; fields: NftField[] }
  | { kind: 'numgen'; mode: 'random' | 'inc'; mod: number; offset: number };

export type NftVerdict =
  { kind: 'accept' | 'drop' | 'return' | 'continue' } | { kind: 'jump' | 'goto'; chain: string };

/** What a comparison's right-hand side is: one value, an anonymous set, or a named set. */
export type NftRhs =
  { kind: 'value'; elem: NftElem } | { kind: 'set'; elems: NftElem[] } | { kind: 'ref'; name: string };

export interface NftMapElem {
  key: NftElem;
  data: NftElem | NftVerdict;
}

export type NftMapRhs = { kind: 'map'; elems: NftMapElem[] } | { kind: 'ref'; name: string };

export type NftRejectWith = { kind: 'icmp' | 'icmpv6' | 'icmpx'; type: string } | { kind: 'tcp reset' };

/** A NAT statement's target: an address and/or port, or a map looked up by a packet field. */
export interface NftNatTo {
  addr?: NftElem;
  port?: NftElem;
  map?: { field: NftField; rhs: NftMapRhs };
}

/**
 * nft_fib: a route lookup for the packet's source or destination address (`. iif`, `. oif`,
 * `. mark` narrow it), compared by the result asked for: the output interface (index or name;
 * `missing` and `exists` test that there is one) or the address type (RTN_*).
 */
export interface NftFib {
  key: 'saddr' | 'daddr';
  flags: ('iif' | 'oif' | 'mark')[];
  result: 'oif' | 'oifname' | 'type';
}

export type NftExpr =
  | {
      op: 'cmp';
      field: NftField;
      neg: boolean;
      rhs: NftRhs;
      key?: NftKey;
      /** `mark and 0x4000 == 0`: the value is masked first (a bitwise expression). */
      mask?: number;
    }
  | { op: 'fib'; fib: NftFib; neg: boolean; rhs: NftRhs }
  | { op: 'counter'; packets: number; bytes: number }
  | { op: 'verdict'; verdict: NftVerdict }
  | { op: 'vmap'; field: NftField; rhs: NftMapRhs; key?: NftKey }
  | { op: 'reject'; with?: NftRejectWith }
  | { op: 'snat' | 'dnat'; to: NftNatTo }
  | { op: 'masquerade'; port?: NftElem; fullyRandom?: boolean }
  | { op: 'redirect'; port?: NftElem }
  | {
      op: 'set';
      key: 'meta mark' | 'ct mark';
      value: number;
      /** `mark set mark or 0x4000`: the old value combined with this one. */
      bitop?: { from: 'meta mark' | 'ct mark'; op: 'or' | 'xor' | 'and' };
    }
  /** `update @set { ip saddr }`: the packet's key goes into a dynamic set (its timeout restarts). */
  | { op: 'update'; set: string; field: NftField }
  | { op: 'log'; prefix?: string };

export interface NftRule {
  handle: number;
  exprs: NftExpr[];
  comment?: string;
  /** Provenance: the command (or controller) that added the rule. */
  origin: string;
}

export interface NftBaseChain {
  type: NftChainType;
  hook: NftHookName;
  priority: number;
  policy: 'accept' | 'drop';
}

export interface NftChain {
  name: string;
  handle: number;
  comment?: string;
  base?: NftBaseChain;
  rules: NftRule[];
}

export interface NftSet {
  name: string;
  handle: number;
  /** A map has a data type; a set has none. */
  map: boolean;
  keyType: NftDatatype;
  /** A concatenated key's datatypes (`ipv4_addr . inet_proto . inet_service`); keyType is the first. */
  keyTypes?: NftDatatype[];
  comment?: string;
  /** Default element timeout in seconds (`timeout 10800s`). */
  timeout?: number;
  dataType?: NftDatatype;
  flags: string[];
  elems: NftElem[];
  /** A map's data, index for index with `elems`. */
  data: (NftElem | NftVerdict)[];
}

export interface NftTable {
  family: NftFamily;
  name: string;
  handle: number;
  comment?: string;
  chains: Map<string, NftChain>;
  sets: Map<string, NftSet>;
  /** Chains, sets and rules are numbered per table, from 1. */
  nextHandle: number;
}

/** One namespace's nf_tables ruleset, tables in the order they were added. */
export class NftState {
  tables: NftTable[] = [];
  nextTableHandle = 1;

  table(family: NftFamily, name: string): NftTable | undefined {
    return this.tables.find((t) => t.family === family && t.name === name);
  }

  /** A copy a transaction can change and then commit or drop (rules are shared, unchanged). */
  clone(): NftState {
    const c = new NftState();
    c.nextTableHandle = this.nextTableHandle;
    c.tables = this.tables.map((t) => ({
      ...t,
      chains: new Map([...t.chains].map(([k, ch]) => [k, { ...ch, rules: [...ch.rules] }])),
      sets: new Map([...t.sets].map(([k, s]) => [k, { ...s, elems: [...s.elems], data: [...s.data] }])),
    }));
    return c;
  }
}

/* The nf_tables ruleset is netfilter's per-namespace state (struct net's nft member); see state.ts. */
declare module '../netns' {
  interface Netns {
    /** The nf_tables ruleset, once `nft` added a table here. */
    nftables?: NftState;
  }
}
