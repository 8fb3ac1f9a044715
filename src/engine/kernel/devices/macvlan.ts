/**
 * A macvlan device (drivers/net/macvlan.c): a second MAC address on an Ethernet device, its
 * lower device. The lower's rx_handler (macvlan_handle_frame, macvlan-rx.ts) hands each
 * frame for a macvlan's MAC to that macvlan; what a macvlan sends leaves through its lower,
 * except that in bridge mode frames for another bridge-mode macvlan of the same lower go
 * to it directly. The lower's macvlans form its port (struct macvlan_port).
 */
import { Device, type DeviceKind } from '../device';
import type { Skb } from '../skb';
import { macvlanQueueXmit } from './macvlan-rx';
import { macvlanPortDelete, type MacvlanPort } from './macvlan-port';

export { macvlanPort, macvlanPortOf, type MacvlanPort } from './macvlan-port';

/** enum macvlan_mode, as iproute2 names them (`mode source` is not modelled). */
export type MacvlanMode = 'private' | 'vepa' | 'bridge' | 'passthru';

export const MACVLAN_MODES: readonly MacvlanMode[] = ['private', 'vepa', 'bridge', 'passthru'];

export class Macvlan extends Device {
  readonly kind: DeviceKind = 'macvlan';
  declare port: MacvlanPort;
  declare mode: MacvlanMode;

  constructor(...args: [...ConstructorParameters<typeof Device>, MacvlanPort, MacvlanMode]) {
    const [ns, name, ifindex, mac, mtu, port, mode] = args;
    super(ns, name, ifindex, mac, mtu);
    this.port = port;
    this.mode = mode;
  }

  get lower(): Device {
    return this.port.lower;
  }

  /** netif_stacked_transfer_operstate: the macvlan has carrier while its lower has. */
  override carrier(): boolean {
    return this.lower.operUp();
  }

  override iflink(): number {
    return this.lower.ifindex;
  }

  /** default_operstate: no carrier on a device stacked on another is LOWERLAYERDOWN. */
  override operState(): string {
    if (this.adminUp && !this.carrier()) return 'LOWERLAYERDOWN';
    return super.operState();
  }

  /** iproute2 adds M-DOWN when the link device, looked up in the same namespace, is down. */
  override linkFlags(): string[] {
    const f = super.linkFlags();
    if (this.lower.netns === this.netns && !this.lower.adminUp) f.push('M-DOWN');
    return f;
  }

  transmit(skb: Skb): void {
    macvlanQueueXmit(this, skb);
  }

  /** macvlan_uninit: the port goes when its last macvlan does (macvlan_port_destroy). */
  override detach(): void {
    const p = this.port;
    p.vlans = p.vlans.filter((v) => v !== this);
    if (p.vlans.length === 0) macvlanPortDelete(p.lower);
  }

  override detail(): string {
    return `mode ${this.mode} bcqueuelen 1000 usedbcqueuelen 1000`;
  }
}

/**
 * macvlan_hash_lookup: the open macvlan (only macvlan_open puts one in the hash) with this
 * MAC. `ip link set up` refuses a MAC the lower or an open macvlan has, so there is one.
 */
export function macvlanLookup(port: MacvlanPort, mac: string): Macvlan | undefined {
  return port.vlans.find((v) => v.adminUp && v.mac === mac);
}
