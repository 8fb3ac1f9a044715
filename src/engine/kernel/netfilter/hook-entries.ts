/**
 * nf_hook_entries: what is registered at each IPv4 hook, ordered by priority, as the kernel
 * keeps it (include/uapi/linux/netfilter_ipv4.h, enum nf_ip_hook_priorities). A hook walks its
 * entries in order; each entry is a small named stage that lets the packet go on or ends it.
 * iptables' tables and nftables' base chains register side by side, so both front ends coexist
 * and run in priority order. Ties: nf_hook_entries_grow inserts a new entry before the first one
 * whose priority is not lower, so of equal priorities the one registered last runs first; the
 * list given here is taken to be in that order already (newest first among ties).
 */
import type { Hook } from '../stack/hooks';

export const NF_IP_PRI_RAW = -300;
export const NF_IP_PRI_CONNTRACK = -200;
export const NF_IP_PRI_MANGLE = -150;
export const NF_IP_PRI_NAT_DST = -100;
export const NF_IP_PRI_FILTER = 0;
export const NF_IP_PRI_SECURITY = 50;
export const NF_IP_PRI_NAT_SRC = 100;
export const NF_IP_PRI_CONNTRACK_CONFIRM = 2147483647;

/** What a stage tells the hook: go on to the next entry, or the packet is gone (dropped or stolen). */
export type NfStageResult = 'continue' | 'stolen';

export interface NfHookOps<S> {
  /** The module or chain that registered it, as a kernel reader would name it. */
  name: string;
  priority: number;
  hooks: readonly Hook[];
  fn: (state: S) => NfStageResult;
}

/** The entries of one hook, stably sorted by priority. */
export function hookEntries<S>(ops: readonly NfHookOps<S>[], hook: Hook): NfHookOps<S>[] {
  return ops
    .map((op, i) => ({ op, i }))
    .filter(({ op }) => op.hooks.includes(hook))
    .sort((a, b) => a.op.priority - b.op.priority || a.i - b.i)
    .map(({ op }) => op);
}

/** nf_hook_slow: walk the entries in order until one ends the packet. */
export function nfHookSlow<S>(entries: readonly NfHookOps<S>[], state: S): boolean {
  for (const e of entries) if (e.fn(state) === 'stolen') return false;
  return true;
}
