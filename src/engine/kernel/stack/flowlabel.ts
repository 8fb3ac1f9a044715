/**
 * IPv6 flow labels as Linux sets them (net.ipv6.auto_flowlabels). Measured on 6.18: TCP, UDP,
 * ping's echo requests, the kernel's echo replies, ICMPv6 errors and resets for no socket all
 * carry a non-zero label; neighbour discovery and MLD carry 0 (ndisc builds its own header).
 */
import { fold32, type SockAddr } from '../addr';
import type { Netns } from '../netns';

/**
 * ip6_make_flowlabel with auto_flowlabels on: the low 20 bits of the flow's hash turned by
 * 16. For a socket that hash is sk_txhash, a random number drawn per socket, so each end of a
 * connection has its own label, kept for the connection's life; a reset sent for no socket
 * hashes its flow with a random boot-time key. The kernel's values are random; this
 * deterministic stand-in keeps what can be checked: never 0, one per socket, 0 when the
 * sysctl is off.
 */
export function autoFlowLabel(
  ns: Netns,
  t: { local: SockAddr; lport: number; remote: SockAddr; rport: number },
): number {
  if (ns.sysctl.get('net.ipv6.auto_flowlabels') === 0) return 0;
  let h = 2166136261;
  for (const c of ns.name) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  for (const v of [fold32(t.local), t.lport, fold32(t.remote), t.rport]) h = Math.imul(h ^ v, 16777619) >>> 0;
  const label = (((h << 16) | (h >>> 16)) >>> 0) & 0xfffff || 1;
  return ns.sysctl.get('net.ipv6.flowlabel_state_ranges') === 1 ? label | 0x80000 : label;
}

/** The label of a packet the kernel or a ping socket sends, keyed by its addresses (skb_get_hash_flowi6). */
export function flowLabelOf(ns: Netns, src: SockAddr, dst: SockAddr): number {
  return autoFlowLabel(ns, { local: src, lport: 0, remote: dst, rport: 0 });
}
