/**
 * A VXLAN device (drivers/net/vxlan): an Ethernet device whose frames travel inside
 * UDP to the VTEP its own FDB names. `bridge fdb ... dev vxlanX dst IP` fills that FDB;
 * with learning on, received frames teach it; with proxy on, ARP requests are answered
 * from the neighbour table instead of being carried.
 */
import { formatIp } from '../../net/ipv4';
import { Device, type DeviceKind } from '../device';
import type { Netns } from '../netns';
import type { Skb } from '../skb';
import { vxlanXmit } from '../stack/vxlan';

export interface VxlanFdbEntry {
  /** Inner MAC; 00:00:00:00:00:00 is a default destination (flooding). */
  mac: string;
  dst: number;
  port?: number;
  vni?: number;
  /** permanent (bridge fdb add/append), static, or learned from a received frame. */
  state: 'permanent' | 'static' | 'learned';
  updated: number;
  origin: string;
}

export interface VxlanParams {
  vni: number;
  port: number;
  local?: number;
  /** The underlay device (`dev eth0`). */
  dev?: Device;
  /** A point-to-point remote or a multicast group: a default destination. */
  remote?: number;
  learning: boolean;
  proxy: boolean;
  l2miss: boolean;
  l3miss: boolean;
  ttl: number;
  /** Outer UDP checksum (iproute2 `[no]udpcsum`): Linux computes it unless told not to. */
  udpCsum: boolean;
}

export class Vxlan extends Device {
  readonly kind: DeviceKind = 'vxlan';
  readonly fdb: VxlanFdbEntry[] = [];

  constructor(...args: [...ConstructorParameters<typeof Device>, VxlanParams]) {
    const [ns, name, ifindex, mac, mtu, params] = args;
    super(ns, name, ifindex, mac, mtu);
    this.params = params;
    this.underlay = ns;
  }

  readonly params: VxlanParams;
  /**
   * The namespace of the UDP socket (vxlan->net): the one the device was created in. It
   * stays there when `ip link set vxlanX netns NS` moves the device, which is how Docker's
   * overlay driver gives a namespace with no underlay address a tunnel through the host.
   */
  readonly underlay: Netns;

  transmit(skb: Skb): void {
    vxlanXmit(this, skb);
  }

  /** Unicast entries for a MAC, else the default (all-zeros) destinations. */
  destinations(mac: string): { entries: VxlanFdbEntry[]; byDefault: boolean } {
    const exact = this.fdb.filter((e) => e.mac === mac);
    if (exact.length > 0) return { entries: exact, byDefault: false };
    return { entries: this.fdb.filter((e) => e.mac === '00:00:00:00:00:00'), byDefault: true };
  }

  override detail(): string {
    const p = this.params;
    const parts = [`id ${p.vni}`];
    if (p.remote !== undefined) parts.push(`remote ${formatIp(p.remote)}`);
    if (p.local !== undefined) parts.push(`local ${formatIp(p.local)}`);
    if (p.dev) parts.push(`dev ${p.dev.name}`);
    parts.push(`srcport 0 0 dstport ${p.port}`);
    if (!p.learning) parts.push('nolearning');
    if (p.proxy) parts.push('proxy');
    if (p.l2miss) parts.push('l2miss');
    if (p.l3miss) parts.push('l3miss');
    parts.push(p.ttl ? `ttl ${p.ttl}` : 'ttl auto');
    return parts.join(' ');
  }

  /** A row as `bridge fdb show` prints this device's own entries. */
  static formatFdb(dev: Vxlan, e: VxlanFdbEntry): string {
    const state = e.state === 'learned' ? '' : ` ${e.state}`;
    const port = e.port !== undefined && e.port !== dev.params.port ? ` port ${e.port}` : '';
    const vni = e.vni !== undefined && e.vni !== dev.params.vni ? ` vni ${e.vni}` : '';
    return `${e.mac} dev ${dev.name} dst ${formatIp(e.dst)}${port}${vni} self${state}`;
  }
}
