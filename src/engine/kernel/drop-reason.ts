/**
 * Why the kernel freed a packet: the closed set a drop in the Trace carries. Where Linux has an
 * skb drop reason (include/net/dropreason-core.h, `enum skb_drop_reason`, printed without its
 * SKB_DROP_REASON_ prefix by the kfree_skb tracepoint and dropwatch) the name is the kernel's;
 * the few the model adds for drops Linux does not name are marked below and keep the same style.
 */
export const DROP_REASONS = [
  // Kernel names.
  'NOT_SPECIFIED',
  'NO_SOCKET',
  'OTHERHOST',
  'NETFILTER_DROP',
  'IP_NOROUTE',
  'IP_OUTNOROUTES',
  'IP_INADDRERRORS',
  'IP_INVALID_SOURCE',
  'IP_INVALID_DEST',
  'IP_RPFILTER',
  'IP_INHDR',
  'IP_NOPROTO',
  'PKT_TOO_BIG',
  'NEIGH_FAILED',
  'DEV_READY',
  'VXLAN_INVALID_HDR',
  'VXLAN_VNI_NOT_FOUND',
  'VXLAN_NO_REMOTE',
  'UDP_CSUM',
  // The model's own: no kernel reason names these.
  /** A bridge hands a frame back out of the port it came in on (br_forward's should_deliver). */
  'BRIDGE_SAME_PORT',
  /** The model does not fragment: a packet larger than the MTU without DF. */
  'FRAGMENTATION_UNMODELLED',
  /** An IPIP packet for which no tunnel device matches (ipip_rcv finds none). */
  'IPIP_NO_TUNNEL',
  /** vxlan proxy: an ARP request with no neighbour entry to answer from (an L3 miss). */
  'VXLAN_L3MISS',
  /** flanneld's UDP backend (user space) has no lease for the destination subnet. */
  'FLANNEL_NO_LEASE',
] as const;

export type DropReason = (typeof DROP_REASONS)[number];
