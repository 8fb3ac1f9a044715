/**
 * The netfilter state of one namespace: the iptables tables and the ipsets. Created on
 * first use; a namespace without it accepts everything (no rules loaded).
 */
import { BUILTIN_CHAINS, type Chain, type Table, type TableId } from './types';

export type IpSetType =
  'hash:ip' | 'hash:net' | 'hash:ip,port' | 'hash:ip,port,ip' | 'hash:ip,port,net' | 'bitmap:port';

export interface IpSet {
  name: string;
  type: IpSetType;
  /** Canonical member strings as `ipset list` prints them (e.g. "10.0.0.1", "10.0.0.0/24", "10.0.0.1,tcp:80"). */
  members: Set<string>;
  comment: boolean;
  origin: string;
  /** `ipset create` options as given (ipset.ts); hashsize/maxelem default to 1024/65536. */
  hashsize?: number;
  maxelem?: number;
  /** Default timeout of the set (seconds), when created with `timeout N`. */
  timeout?: number;
  /** bitmap:port's `range FROM-TO`. */
  range?: { from: number; to: number };
  /** Per-member text `ipset list` prints after the member (` timeout 100`, ` comment "x"`). */
  extras?: Map<string, string>;
}

/**
 * Which kernel interface a rule set lives in: nf_tables (iptables-nft, Debian's default
 * `iptables`) or the x_tables tables of ip_tables.ko (iptables-legacy). The kernel runs both;
 * each tool sees only its own.
 */
export type XtBackend = 'nft' | 'legacy';

export class IptablesState {
  readonly tables: Record<TableId, Table>;
  readonly ipsets = new Map<string, IpSet>();
  /**
   * nf_tables only: the chains iptables-nft has created, "table chain" in creation order. It
   * makes a base chain on first write to it (nft_chain_builtin_init), so `nft list ruleset`
   * shows only those, tables in the order their first chain came. A Set keeps that order and
   * answers "made yet?" without a scan (kube-proxy makes tens of thousands of chains).
   */
  readonly nftChains = new Set<string>();
  /**
   * When each of this front end's hooks was registered (a per-namespace sequence number), for
   * ties at equal priority: a legacy table registers all its hooks on first use ("filter"), an
   * iptables-nft base chain when it is made ("filter INPUT").
   */
  readonly registered = new Map<string, number>();

  constructor(readonly backend: XtBackend = 'nft') {
    const mk = (id: TableId): Table => {
      const chains = new Map<string, Chain>();
      for (const name of BUILTIN_CHAINS[id])
        chains.set(name, { name, policy: 'ACCEPT', rules: [], counters: { packets: 0, bytes: 0 } });
      return { id, chains };
    };
    this.tables = { raw: mk('raw'), mangle: mk('mangle'), nat: mk('nat'), filter: mk('filter') };
  }
}

/*
 * netfilter's per-namespace state (struct net's netns_nf and xt members), declared here and
 * not in netns.ts: the kernel core holds it for netfilter but never reads it, so the core
 * does not depend on netfilter's types; only netfilter and the tools above it use it.
 */
declare module '../netns' {
  interface Netns {
    /** iptables tables and ipsets, once a rule or set was written in this namespace. */
    iptables?: IptablesState;
    /** ip6tables' tables (NFPROTO_IPV6 has its own xtables), once an ip6tables command ran here. */
    ip6tables?: IptablesState;
    /** iptables-legacy's x_tables tables, a rule set of their own on the same hooks. */
    iptablesLegacy?: IptablesState;
    /** ip6tables-legacy's ip6_tables tables, beside ip6tables-nft's as for IPv4. */
    ip6tablesLegacy?: IptablesState;
  }
}
