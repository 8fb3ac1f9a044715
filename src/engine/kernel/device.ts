/**
 * One device interface for every link type (after ns-3's NetDevice). The stack hands
 * a finished frame to `transmit`; the device carries it to its medium (the veth peer,
 * the L2 segment, the bridge's ports, the loopback) which calls `netifReceive` on the
 * receiving device.
 */
import type { Netns } from './netns';
import type { Skb } from './skb';

export interface IfAddr {
  addr: number;
  len: number;
  /** Broadcast address, or undefined when none is set. */
  broadcast?: number;
  scope: 'global' | 'link' | 'host';
  /** Secondary addresses are those added after a primary in the same subnet. */
  secondary: boolean;
  origin: string;
}

/** An IPv6 address (struct inet6_ifaddr): no broadcast, a scope from the address itself. */
export interface If6Addr {
  addr: bigint;
  len: number;
  scope: 'global' | 'link' | 'host';
  /** IFA_F_NODAD: `ip -6 addr add ... nodad`, printed back as a flag. */
  nodad: boolean;
  /** IFA_F_NOPREFIXROUTE. */
  noprefixroute: boolean;
  origin: string;
}

export type DeviceKind =
  'loopback' | 'veth' | 'bridge' | 'dummy' | 'ether' | 'vxlan' | 'tun' | 'ipip' | 'gre' | 'macvlan';

/*
 * Device's fields are declared, then assigned in its constructor, not initialised as class
 * fields: a class field is defined on the new instance, and with eight device classes that
 * define runs on V8's slow megamorphic path (microseconds per device in Node 20).
 */
/** What lowerEvent tells a master about one of its ports. */
export type LowerEvent = 'linked' | 'unlinked' | 'up' | 'down';

/**
 * A device's rx_handler (br_handle_frame for a bridge port, macvlan_handle_frame for a
 * macvlan's lower): 'consumed' when it took the frame, 'pass' when the device's own
 * protocols get it as usual (RX_HANDLER_CONSUMED / RX_HANDLER_PASS).
 */
export type RxHandler = (dev: Device, skb: Skb) => 'consumed' | 'pass';

export abstract class Device {
  abstract readonly kind: DeviceKind;
  declare netns: Netns;
  declare name: string;
  declare ifindex: number;
  declare mac: string;
  declare mtu: number;
  /** Devices without ARP (loopback, tun, ipip) send IP without neighbour resolution. */
  declare noarp: boolean;
  declare adminUp: boolean;
  declare addrs: IfAddr[];
  /** IPv6 addresses in idev->addr_list order: larger scope first, the newest first within one. */
  declare addrs6: If6Addr[];
  /** The bridge this device is a port of. */
  declare master?: Device;
  /**
   * netdev_rx_handler_register: set by the master this device is a port of, so that
   * netif_receive_skb hands it the device's frames without knowing what a bridge is.
   */
  declare rxHandler?: RxHandler;
  /**
   * The devices stacked on this one that go when it is unregistered (macvlan_device_event on
   * NETDEV_UNREGISTER deletes a lower's macvlans); set by the upper device's driver.
   */
  declare stackedOn?: () => Device[];
  /** True once an address was set explicitly (NET_ADDR_SET): a bridge then keeps it. */
  declare macSet: boolean;
  declare origin: string;

  constructor(netns: Netns, name: string, ifindex: number, mac: string, mtu: number) {
    this.netns = netns;
    this.name = name;
    this.ifindex = ifindex;
    this.mac = mac;
    this.mtu = mtu;
    this.noarp = false;
    this.adminUp = false;
    this.addrs = [];
    this.addrs6 = [];
    this.master = undefined;
    this.rxHandler = undefined;
    this.macSet = false;
    this.origin = '';
    netns.world.created.push({ name, mac, kind: this.constructor.name });
  }

  /** Link-layer framing at capture points: Ethernet, or raw IP for TUN/IPIP. */
  get linkType(): 'eth' | 'raw' {
    return 'eth';
  }

  /** Physical carrier (LOWER_UP). */
  carrier(): boolean {
    return true;
  }

  /** Operational state: up and with carrier. */
  operUp(): boolean {
    return this.adminUp && this.carrier();
  }

  /** iflink: the ifindex of the link this device sits on (the peer for veth, else itself). */
  iflink(): number {
    return this.ifindex;
  }

  /** Carries a frame to the medium; the stack has already recorded the tx capture. */
  abstract transmit(skb: Skb): void;

  /**
   * News about a device enslaved to this one, as the netdevice notifiers bring it to its
   * master (br_device_event): linked or unlinked (NETDEV_CHANGEUPPER), up or down. The
   * namespace tells the master without knowing what it is; only a bridge keeps port state.
   */
  lowerEvent(_event: LowerEvent, _port: Device): void {}

  /** Extra `ip -d link` words for this kind, e.g. "vxlan id 1 ...". */
  detail(): string {
    return '';
  }

  /** Called when the device is deleted or moved, to unhook it from its medium. */
  detach(): void {}

  linkFlags(): string[] {
    const f: string[] = [];
    if (this.kind === 'loopback') f.push('LOOPBACK');
    else if (this.noarp) f.push('POINTOPOINT', 'NOARP');
    else f.push('BROADCAST', 'MULTICAST');
    if (this.adminUp) f.push('UP');
    if (this.adminUp && this.carrier()) f.push('LOWER_UP');
    else if (this.adminUp) f.unshift('NO-CARRIER');
    return f;
  }

  operState(): string {
    if (!this.adminUp) return 'DOWN';
    if (
      this.kind === 'loopback' ||
      this.kind === 'dummy' ||
      this.kind === 'tun' ||
      this.kind === 'ipip' ||
      this.kind === 'gre' ||
      this.kind === 'vxlan'
    ) {
      return 'UNKNOWN';
    }
    return this.carrier() ? 'UP' : 'DOWN';
  }
}
