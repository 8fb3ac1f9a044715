/**
 * netif_receive_skb (net/core/dev.c): a frame arrives on a device. The taps see it first; a
 * device with an rx_handler (a bridge port: br_handle_frame) hands it over; otherwise the
 * Ethernet header decides whether it is ours, and the protocol registered for its ethertype
 * takes it. The core knows neither the protocols nor the drivers: the stack adds its
 * protocols here (dev_add_pack) and a master device sets its ports' rx_handler.
 */
import { ETH_P_IP, type EthLayer } from '../net/layers';
import { isMulticastMac, BROADCAST_MAC } from '../net/mac';
import type { Device } from './device';
import { withLayers, type Skb } from './skb';
import { capture, emit as emitEvent, type Emit } from './emit';
import { describeFrame } from './describe';

/** The codes this module reports (kernel/message-codes.ts). */
const emit: Emit<'core'> = emitEvent;

/**
 * A protocol's receive function (struct packet_type's func): the frame without its Ethernet
 * header, and that header when the device has one.
 */
export type PacketHandler = (dev: Device, skb: Skb, eth?: EthLayer) => void;

/** ptype_base: the protocols' receive functions by ethertype. */
const ptypeBase = new Map<number, PacketHandler>();

/** dev_add_pack: a protocol (arp_init, inet_init, ipv6_packet_init) takes the frames of its ethertype. */
export function devAddPack(type: number, handler: PacketHandler): void {
  ptypeBase.set(type, handler);
}

/** dev_remove_pack: the protocol no longer takes its frames. */
export function devRemovePack(type: number): void {
  ptypeBase.delete(type);
}

export function netifReceive(
  dev: Device,
  skb: Skb,
  opts: { captured?: boolean; viaBridge?: boolean; host?: boolean } = {},
): void {
  const ns = dev.netns;
  if (!dev.operUp() && dev.kind !== 'loopback') return;
  if (!opts.captured) {
    emit(ns, {
      kind: 'rx',
      dev,
      skb,
      code: 'rx',
      args: { dev: dev.name, what: describeFrame(skb.layers, skb.payload) },
    });
    capture(dev, skb, 'rx');
  }
  if (dev.rxHandler && !opts.viaBridge && dev.rxHandler(dev, skb) === 'consumed') return;
  const first = skb.layers[0];
  if (!first) return;
  if (first.proto === 'ipv4') {
    // Devices without a link layer (tun, ipip) hand IP straight up: their driver sets
    // skb->protocol to ETH_P_IP.
    ptypeBase.get(ETH_P_IP)?.(dev, skb);
    return;
  }
  if (first.proto !== 'eth') return;
  const eth = first as EthLayer;
  // opts.host: macvlan_handle_frame already set PACKET_HOST (passthru takes any unicast).
  const forUs =
    opts.host === true ||
    eth.dst === dev.mac ||
    eth.dst === BROADCAST_MAC ||
    isMulticastMac(eth.dst) ||
    dev.kind === 'loopback';
  if (!forUs) {
    // eth_type_trans marks it PACKET_OTHERHOST; ip_rcv and arp_rcv discard those.
    emit(ns, {
      kind: 'ignore',
      dev,
      skb,
      reason: 'OTHERHOST',
      code: 'ignore.other-host',
      args: { dev: dev.name, dst: eth.dst, mac: dev.mac },
    });
    return;
  }
  ptypeBase.get(eth.type)?.(dev, withLayers(skb, skb.layers.slice(1)), eth);
}
