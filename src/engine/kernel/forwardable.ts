/**
 * is_skb_forwardable: when one device hands a frame straight to another's receive or
 * transmit path without routing it (veth_xmit into its peer through __dev_forward_skb,
 * br_dev_queue_push_xmit onto a bridge port), the frame must fit the device that takes it:
 * at most dev->mtu + dev->hard_header_len + VLAN_HLEN bytes. Nothing fragments it there, and a
 * bigger frame is freed and counted in that device's rx_dropped (veth) or simply dropped (bridge),
 * never captured on it. So an IP packet up to 4 bytes over the receiver's MTU still passes.
 */
import { packetLength } from '../net/encode';
import type { Device } from './device';
import type { Skb } from './skb';
import { emit as emitEvent, type Emit } from './emit';

/** The codes this module reports (kernel/message-codes.ts). */
const emit: Emit<'forward'> = emitEvent;

const ETH_HLEN = 14;
const VLAN_HLEN = 4;

/** Devices without a link layer (tun, ipip, gre) take no Ethernet header: hard_header_len is 0. */
function hardHeaderLen(dev: Device): number {
  return dev.linkType === 'raw' ? 0 : ETH_HLEN;
}

export function isSkbForwardable(dev: Device, skb: Skb): boolean {
  if (!dev.adminUp) return false;
  return packetLength(skb) <= dev.mtu + hardHeaderLen(dev) + VLAN_HLEN;
}

/** The drop as the model reports it: on the device that refused the frame, with the sizes. */
export function dropNotForwardable(dev: Device, skb: Skb, from: Device): void {
  emit(dev.netns, {
    kind: 'drop',
    dev,
    skb,
    reason: 'PKT_TOO_BIG',
    code: 'drop.not-forwardable',
    args: {
      dev: dev.name,
      from: from.name,
      len: packetLength(skb),
      max: dev.mtu + hardHeaderLen(dev) + VLAN_HLEN,
      mtu: dev.mtu,
    },
  });
}
