import { Device, type DeviceKind } from '../device';
import type { Segment, SegmentPort } from '../segment';
import type { Skb } from '../skb';

/** A physical Ethernet NIC cabled to an L2 segment (the switch between machines). */
export class Ether extends Device implements SegmentPort {
  readonly kind: DeviceKind = 'ether';
  segment?: Segment;

  override carrier(): boolean {
    return this.segment !== undefined;
  }

  transmit(skb: Skb): void {
    this.segment?.carry(this, skb);
  }

  override detach(): void {
    this.segment?.unplug(this);
  }
}
