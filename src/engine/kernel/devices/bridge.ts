import { Device, type DeviceKind, type LowerEvent } from '../device';
import { Fdb } from '../fdb';
import type { Skb } from '../skb';
import { bridgeDeviceXmit, bridgeHandleFrame } from './br-forward';

/** A Linux bridge: a learning switch whose ports are other devices of the same netns. */
export class Bridge extends Device {
  readonly kind: DeviceKind = 'bridge';
  readonly fdb: Fdb = new Fdb(this);
  stp = false;
  /** Ports with hairpin mode on: frames may leave by the port they came in on (BR_HAIRPIN_MODE). */
  readonly hairpin = new Set<Device>();
  /** net.bridge.bridge-nf-call-iptables applies per bridge only when br_netfilter is loaded. */

  ports(): Device[] {
    return this.netns.devicesInOrder().filter((d) => d.master === this);
  }

  /** A bridge has carrier while at least one port is up with carrier (forwarding state). */
  override carrier(): boolean {
    return this.ports().some((p) => p.operUp());
  }

  /**
   * br_stp_recalculate_bridge_id: unless an address was set by hand, the bridge takes
   * the numerically lowest MAC among its ports.
   */
  recalcMac(): void {
    if (!this.macSet) {
      const ports = this.ports();
      if (ports.length > 0) {
        this.mac = ports.map((p) => p.mac).sort()[0]!;
      }
    }
    this.fdb.syncLocal(this.ports());
  }

  /**
   * br_device_event and br_del_if: an unlinked port's learned entries go (its local ones
   * too), a port that went down loses its learned entries, and any change of the port set
   * or of a port's state may change the bridge's own address.
   */
  override lowerEvent(event: LowerEvent, port: Device): void {
    // br_add_if and br_del_if: the port's frames come to the bridge through its rx_handler.
    if (event === 'linked')
      port.rxHandler = (dev, skb) => {
        bridgeHandleFrame(this, dev, skb);
        return 'consumed';
      };
    if (event === 'unlinked') {
      port.rxHandler = undefined;
      this.fdb.flushPort(port, true);
    }
    if (event === 'down') this.fdb.flushPort(port);
    else this.recalcMac();
  }

  transmit(skb: Skb): void {
    bridgeDeviceXmit(this, skb);
  }
}
