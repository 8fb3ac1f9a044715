/**
 * inet_init, arp_init and ipv6_packet_init: at boot the kernel adds IPv4, ARP and IPv6 to
 * ptype_base, and the core's netif_receive_skb reaches them only through that table. Here the
 * modules that send (ip_local_out's, the IPv6 output's) load this one, so the protocols are
 * there before any frame can be received.
 */
import { ETH_P_ARP, ETH_P_IP, ETH_P_IPV6 } from '../../net/layers';
import { devAddPack } from '../receive';
import { arpRcv } from './arp';
import { ipRcv } from './ip-input';
import { ipv6Rcv } from './ip6';

// ARP needs a link layer: a device without one (tun, ipip) never passes ARP up.
devAddPack(ETH_P_ARP, (dev, skb, eth) => {
  if (eth) arpRcv(dev, skb, eth);
});
// ip_rcv_core and ip6_rcv_core drop what is not a header of their version.
devAddPack(ETH_P_IP, (dev, skb) => {
  if (skb.layers[0]?.proto === 'ipv4') ipRcv(dev, skb);
});
devAddPack(ETH_P_IPV6, (dev, skb, eth) => {
  if (skb.layers[0]?.proto === 'ipv6') ipv6Rcv(dev, skb, eth);
});
