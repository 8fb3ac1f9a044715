import { Device, type DeviceKind } from '../device';
import type { Skb } from '../skb';
import { LINK_DELAY_US } from '../timing';
import { netifReceive } from '../receive';
import { dropNotForwardable, isSkbForwardable } from '../forwardable';

/** veth: a pair of Ethernet devices; a frame sent on one is received on the other, in whatever netns it lives. */
export class Veth extends Device {
  readonly kind: DeviceKind = 'veth';
  peer?: Veth;

  /** A veth has carrier only while its peer is up (veth_open/veth_close toggle the peer's carrier). */
  override carrier(): boolean {
    return this.peer !== undefined && this.peer.adminUp;
  }

  override iflink(): number {
    return this.peer?.ifindex ?? 0;
  }

  transmit(skb: Skb): void {
    const peer = this.peer;
    if (!peer || !peer.adminUp) return;
    // veth_forward_skb: the peer refuses, there and then, a frame too big for its own MTU.
    if (!isSkbForwardable(peer, skb)) {
      dropNotForwardable(peer, skb, this);
      return;
    }
    this.netns.world.sched.deliver(LINK_DELAY_US, () => netifReceive(peer, skb));
  }

  override detach(): void {
    if (this.peer) {
      // Deleting one end of a veth pair deletes the other.
      const peer = this.peer;
      this.peer = undefined;
      peer.peer = undefined;
      peer.netns.removeDevice(peer);
    }
  }
}
