import { Device, type DeviceKind } from '../device';
import type { Skb } from '../skb';
import { LINK_DELAY_US } from '../timing';
import { netifReceive } from '../stack/receive';

/** lo: what is sent comes straight back in; tcpdump sees it once (the rx copy is PACKET_LOOPBACK). */
export class Loopback extends Device {
  readonly kind: DeviceKind = 'loopback';

  transmit(skb: Skb): void {
    this.netns.world.sched.at(LINK_DELAY_US, () => netifReceive(this, skb, { captured: true }));
  }
}
