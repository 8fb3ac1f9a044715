import { Device, type DeviceKind } from '../device';
import type { Skb } from '../skb';

/** dummy: a device that holds addresses and swallows what is sent to it (dummy_xmit frees the skb). */
export class Dummy extends Device {
  readonly kind: DeviceKind = 'dummy';

  transmit(_skb: Skb): void {}
}
