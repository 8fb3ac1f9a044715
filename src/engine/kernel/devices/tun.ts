/**
 * A TUN device: IP packets without an Ethernet header, exchanged with a user-space
 * process holding /dev/net/tun. What the kernel routes into it, the process reads;
 * what the process writes, the kernel receives as if it came from a wire.
 */
import { Device, type DeviceKind } from '../device';
import type { Skb } from '../skb';
import { LINK_DELAY_US } from '../timing';
import { emit as emitEvent, type Emit } from '../emit';

/** The codes this module reports (kernel/message-codes.ts). */
const emit: Emit<'tun'> = emitEvent;

export type TunReader = (skb: Skb) => void;

export class Tun extends Device {
  readonly kind: DeviceKind = 'tun';
  override noarp = true;
  /** The process that has the device open (flanneld for flannel0). */
  reader?: { process: string; read: TunReader };

  override get linkType(): 'eth' | 'raw' {
    return 'raw';
  }

  /** A TUN device has carrier only while a process has it open. */
  override carrier(): boolean {
    return this.reader !== undefined;
  }

  transmit(skb: Skb): void {
    const r = this.reader;
    if (!r) return;
    this.netns.world.sched.at(LINK_DELAY_US, () => {
      emit(this.netns, {
        kind: 'userspace',
        dev: this,
        skb,
        code: 'tun.read',
        args: { dev: this.name, process: r.process },
      });
      r.read(skb);
    });
  }
}
