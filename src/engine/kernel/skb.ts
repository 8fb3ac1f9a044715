/**
 * The kernel's view of a packet in flight (after sk_buff): the header stack plus the
 * metadata the stack needs. Layers are treated as immutable: a hop that changes a
 * header replaces that layer object, so captures can keep references safely.
 */
import type { Layer, Packet } from '../net/layers';

export interface Skb {
  /** Identity of the packet across hops (kept through forwarding and encapsulation). */
  id: number;
  layers: Layer[];
  payload: number;
  /** netfilter mark. */
  mark: number;
  /** The conntrack entry this packet belongs to in the namespace `netns` (skb->_nfct). */
  ct?: { netns: string; ref: unknown };
  /** br_netfilter already ran PREROUTING for this packet in this netns (ip_sabotage_in skips a second pass). */
  brnf?: string;
}

export function toPacket(skb: Skb): Packet {
  return { layers: skb.layers, payload: skb.payload };
}

export function withLayers(skb: Skb, layers: Layer[]): Skb {
  return { ...skb, layers };
}

/** Replace the layer at `index` with a changed copy. */
export function patchLayer<L extends Layer>(skb: Skb, index: number, patch: Partial<L>): Skb {
  const layers = skb.layers.slice();
  layers[index] = { ...(layers[index] as L), ...patch };
  return { ...skb, layers };
}
