/**
 * The queue of packets waiting for a neighbour to resolve (neigh->arp_queue, filled by
 * __neigh_event_send for ARP and neighbour discovery alike). Its bound is in bytes of
 * skb->truesize, unres_qlen_bytes (SK_WMEM_MAX, 212992, by default): when a packet does not
 * fit, the oldest ones are dropped to make room. A handful of packets always fits; about a
 * hundred full-size ones do.
 */
import { packetLength } from '../net/encode';
import type { Skb } from './skb';

/** NEIGH_VAR_QUEUE_LEN_BYTES's default (SK_WMEM_MAX on 64-bit). */
export const UNRES_QLEN_BYTES = 212992;

/**
 * skb->truesize of a packet of this length, as SKB_TRUESIZE counts it: a kmalloc'd head that
 * holds headroom, the data and struct skb_shared_info (320 bytes), rounded up to its slab
 * (a power of two), plus struct sk_buff (256 once aligned).
 */
export function skbTruesize(skb: Skb): number {
  const need = 64 + packetLength(skb) + 320;
  let slab = 512;
  while (slab < need) slab *= 2;
  return slab + 256;
}

export interface QueuedPacket {
  skb: Skb;
  done: (mac: string | undefined) => void;
}

/** __neigh_event_send in NUD_INCOMPLETE: drop the oldest until the new packet fits, then queue it. */
export function neighEnqueue(queue: QueuedPacket[], q: QueuedPacket): void {
  const size = skbTruesize(q.skb);
  let bytes = queue.reduce((n, x) => n + skbTruesize(x.skb), 0);
  while (queue.length > 0 && bytes + size > UNRES_QLEN_BYTES) bytes -= skbTruesize(queue.shift()!.skb);
  queue.push(q);
}
