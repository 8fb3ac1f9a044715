/**
 * netif_receive_skb: a frame arrives on a device. A bridge port hands it to the bridge;
 * otherwise the Ethernet header decides whether it is ours and which protocol gets it.
 */
import { ETH_P_ARP, ETH_P_IP, ETH_P_IPV6, type EthLayer } from '../../net/layers';
import { isMulticastMac, BROADCAST_MAC } from '../../net/mac';
import type { Device } from '../device';
import { Bridge } from '../devices/bridge';
import { macvlanPort } from '../devices/macvlan-port';
import { withLayers, type Skb } from '../skb';
import { arpRcv } from './arp';
import { bridgeHandleFrame } from './bridge';
import { capture, emit as emitEvent, type Emit } from './emit';
import { ipRcv } from './ip-input';
import { ipv6Rcv } from './ip6';
import { describeFrame } from './describe';
import { macvlanHandleFrame } from './macvlan';

/** The codes this module reports (kernel/message-codes.ts). */
const emit: Emit<'core'> = emitEvent;

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
  if (dev.master instanceof Bridge && !opts.viaBridge) {
    bridgeHandleFrame(dev.master, dev, skb);
    return;
  }
  // The rx_handler of a macvlan's lower device (a bridge port cannot be one: rx_handler is taken).
  const port = macvlanPort(dev);
  if (port && macvlanHandleFrame(port, skb)) return;
  const first = skb.layers[0];
  if (!first) return;
  if (first.proto === 'ipv4') {
    // Devices without a link layer (tun, ipip) hand IP straight up.
    ipRcv(dev, skb);
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
  const inner = withLayers(skb, skb.layers.slice(1));
  if (eth.type === ETH_P_ARP) arpRcv(dev, inner, eth);
  else if (eth.type === ETH_P_IP && inner.layers[0]?.proto === 'ipv4') ipRcv(dev, inner);
  else if (eth.type === ETH_P_IPV6 && inner.layers[0]?.proto === 'ipv6') ipv6Rcv(dev, inner, eth);
}
