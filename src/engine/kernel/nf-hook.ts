/**
 * Netfilter hook points of the IPv4 path, in the kernel's order. A namespace without a
 * netfilter instance (no rules loaded) accepts everything, as a kernel without iptables
 * modules does. The netfilter engine plugs in through `Netns.netfilter`.
 * This is include/linux/netfilter.h's part (NF_HOOK, nf_ct_attach): the stack calls it and
 * netfilter implements it, so it sits in the kernel core below both.
 */
import { ETH_P_IP, ETH_P_IPV6 } from '../net/layers';
import type { Device } from './device';
import type { Netns } from './netns';
import type { Skb } from './skb';

export type Hook = 'PREROUTING' | 'INPUT' | 'FORWARD' | 'OUTPUT' | 'POSTROUTING';

export interface HookContext {
  in?: Device;
  out?: Device;
  /** br_netfilter: the frame is being bridged; these are the bridge ports it came in and goes out on. */
  bridged?: { physIn?: Device; physOut?: Device };
}

/** A hook returns the (possibly rewritten) packet to continue with, or null when it was dropped or stolen. */
export interface NetfilterHooks {
  run(ns: Netns, hook: Hook, skb: Skb, ctx: HookContext): Skb | null;
  /**
   * nf_ct_attach: the conntrack entry a packet the kernel makes in answer to `orig` (an ICMP
   * error, a reset) starts with: orig's own entry, related, in the other direction.
   */
  attach(orig: Skb): Skb['ct'];
}

/** nf_ct_attach, for callers in the stack: nothing when no netfilter is loaded here. */
export function nfCtAttach(ns: Netns, orig: Skb): Skb['ct'] {
  return ns.netfilter?.attach(orig);
}

export function nfHook(ns: Netns, hook: Hook, skb: Skb, ctx: HookContext): Skb | null {
  if (!ns.netfilter) return skb;
  // A frame the bridge passed up keeps its nf_bridge info: INPUT, a routed FORWARD and
  // POSTROUTING still see its input port, and no output port (measured: --physdev-in and
  // --physdev-is-in match there, --physdev-is-bridged does not).
  const bridged = ctx.bridged ?? (skb.brnf === ns.name ? { physIn: skb.physIn } : undefined);
  return ns.netfilter.run(ns, hook, skb, bridged ? { ...ctx, bridged } : ctx);
}

/**
 * br_netfilter is active for a bridged frame of this ethertype in this namespace:
 * net.bridge.bridge-nf-call-iptables for IPv4, bridge-nf-call-ip6tables for IPv6 (br_nf_pre_routing).
 */
export function brNetfilter(ns: Netns, ethertype: number = ETH_P_IP): boolean {
  if (ns.netfilter === undefined) return false;
  if (ethertype === ETH_P_IP) return ns.sysctl.get('net.bridge.bridge-nf-call-iptables') !== 0;
  if (ethertype === ETH_P_IPV6) return ns.sysctl.get('net.bridge.bridge-nf-call-ip6tables') !== 0;
  return false;
}
