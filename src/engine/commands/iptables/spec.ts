/** What the iptables argument parser produces: the command, its options and the rule as written. */
import type { AddrMatch, IfaceMatch, Match, Target } from '../../kernel/netfilter/types';

export type IptCommand = 'A' | 'C' | 'D' | 'I' | 'R' | 'L' | 'S' | 'F' | 'Z' | 'N' | 'X' | 'E' | 'P';

/** One rule as written, before -s/-d lists are expanded and chains are checked. */
export interface RuleSpec {
  srcs?: AddrMatch[];
  dsts?: AddrMatch[];
  in?: IfaceMatch;
  out?: IfaceMatch;
  proto?: { name: string; neg: boolean };
  matches: Match[];
  target?: Target;
}

export interface ParsedArgs {
  command?: IptCommand;
  /** -Z given together with -L. */
  zero: boolean;
  chain?: string;
  rulenum?: number;
  /** -E's new name or -P's policy. */
  arg2?: string;
  table: string;
  tableGiven: boolean;
  numeric: boolean;
  verbose: boolean;
  exact: boolean;
  lineNumbers: boolean;
  spec: RuleSpec;
  /** Counters given with -c P B (iptables-restore's `[p:b]` becomes this too). */
  counters?: { packets: number; bytes: number };
}

export interface ParseContext {
  /** "iptables" or "iptables-restore" (only used in a few messages). */
  tool: string;
  /** Whether an ipset exists, for `-m set --match-set` ("Set x doesn't exist."). */
  ipsetExists: (name: string) => boolean;
  /** ip6tables reads IPv6 addresses and loads the IPv6 matches and targets. */
  family?: 'ipv4' | 'ipv6';
}
