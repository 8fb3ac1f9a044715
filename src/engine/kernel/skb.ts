/**
 * The kernel's view of a packet in flight (after sk_buff): the header stack plus the
 * metadata the stack needs. Layers are treated as immutable: a hop that changes a
 * header replaces that layer object, so captures can keep references safely.
 */
import type { Layer, Packet } from '../net/layers';
import type { Device } from './device';

/** The packet's metadata travels field by field through withLayers: a new field goes there too. */
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
  /**
   * nf_bridge->physindev: the bridge port the frame came in on, kept (with `brnf`) when the
   * bridge passes it up to be delivered locally or routed, so -m physdev still sees it.
   */
  physIn?: Device;
  /**
   * br_netfilter's bridged DNAT (nf_bridge->bridged_dnat): the frame goes out through the
   * bridge device's neighbour output, and br_dev_xmit restores the original source MAC and
   * forwards it from the port it came in on.
   */
  bridgedDnat?: { src: string; port: Device };
  /** The next hop the route chose, for devices without a link layer that need it (an NBMA tunnel's far end). */
  nexthop?: number;
  /**
   * Set by the OUTPUT hook when mangle changed the mark, addresses or tos: __ip_local_out must
   * route again (ip_route_me_harder), and clears it.
   */
  meHarder?: boolean;
}

export function toPacket(skb: Skb): Packet {
  return { layers: skb.layers, payload: skb.payload };
}

/**
 * `{ ...skb, ...changes }`: the same fields in the same order. Node's V8 copies a spread
 * literal that adds a property its source lacks on a slow path (microseconds, and the
 * copy stays slow to read), so the copy is made with Object.assign.
 */
export function skbWith(skb: Skb, changes: Partial<Skb>): Skb {
  return Object.assign({}, skb, changes);
}

/**
 * The same packet with other layers: every hop makes one, so the fields are copied one by
 * one (the optional ones only when set), which keeps every copy the same cheap shape.
 */
export function withLayers(skb: Skb, layers: Layer[]): Skb {
  const out: Skb = { id: skb.id, layers, payload: skb.payload, mark: skb.mark };
  if (skb.ct !== undefined) out.ct = skb.ct;
  if (skb.brnf !== undefined) out.brnf = skb.brnf;
  if (skb.physIn !== undefined) out.physIn = skb.physIn;
  if (skb.bridgedDnat !== undefined) out.bridgedDnat = skb.bridgedDnat;
  if (skb.nexthop !== undefined) out.nexthop = skb.nexthop;
  if (skb.meHarder !== undefined) out.meHarder = skb.meHarder;
  return out;
}

/** Replace the layer at `index` with a changed copy. */
export function patchLayer<L extends Layer>(skb: Skb, index: number, patch: Partial<L>): Skb {
  const layers = skb.layers.slice();
  layers[index] = { ...(layers[index] as L), ...patch };
  return withLayers(skb, layers);
}
