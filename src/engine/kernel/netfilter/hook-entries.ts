/**
 * nf_hook_entries: what is registered at each IPv4 hook, ordered by priority, as the kernel
 * keeps it (include/uapi/linux/netfilter_ipv4.h, enum nf_ip_hook_priorities). A hook walks its
 * entries in order; each entry is a small named stage that lets the packet go on or ends it.
 * iptables' tables and nftables' base chains register side by side, so both front ends coexist
 * and run in priority order. Ties: nf_hook_entries_grow (net/netfilter/core.c) copies the old
 * entries while `reg->priority > orig_ops[i]->priority` and puts the new one before the first
 * entry whose priority is not lower, so of equal priorities the one registered last runs first:
 * an nft base chain made after iptables' filter table runs before it, and the other way round.
 */
import type { Hook } from '../nf-hook';

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
  /** When it registered (nfRegistrationTick); 0: before anything the namespace's commands made. */
  registered?: number;
  hooks: readonly Hook[];
  fn: (state: S) => NfStageResult;
}

let clock = 0;

/**
 * A registration time: nf_register_net_hook runs when a table or base chain is made, so the
 * order of these ticks is the order the kernel inserted the entries in. Only their order
 * within one namespace matters, so one counter serves every world.
 */
export function nfRegistrationTick(): number {
  return ++clock;
}

type Registered = { priority: number; registered?: number };

/** nf_hook_entries order: by priority, then the latest registration first (nf_hook_entries_grow). */
export function hookOrder(a: Registered, b: Registered): number {
  return a.priority - b.priority || (b.registered ?? 0) - (a.registered ?? 0);
}

/** The entries of one hook, in the order the hook walks them. */
export function hookEntries<S>(ops: readonly NfHookOps<S>[], hook: Hook): NfHookOps<S>[] {
  // Array.prototype.sort is stable: entries registered at the same tick keep the listed order.
  return ops.filter((op) => op.hooks.includes(hook)).sort(hookOrder);
}

/** nf_hook_slow: walk the entries in order until one ends the packet. */
export function nfHookSlow<S>(entries: readonly NfHookOps<S>[], state: S): boolean {
  for (const e of entries) if (e.fn(state) === 'stolen') return false;
  return true;
}
