import { Device, type DeviceKind } from './device';
import type { Skb } from './skb';
import { LINK_DELAY_US } from './timing';
import { capture } from './emit';
import { netifReceive } from './receive';

/**
 * lo: what is sent comes straight back in. tcpdump sees it once, incoming: libpcap discards
 * the outgoing copy on the loopback device (pcap-linux.c), so the capture is rx only.
 */
export class Loopback extends Device {
  readonly kind: DeviceKind = 'loopback';

  transmit(skb: Skb): void {
    this.netns.world.sched.deliver(LINK_DELAY_US, () => {
      capture(this, skb, 'rx');
      netifReceive(this, skb, { captured: true });
    });
  }
}
