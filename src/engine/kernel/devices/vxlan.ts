/**
 * A VXLAN device (drivers/net/vxlan): an Ethernet device whose frames travel inside
 * UDP to the VTEP its own FDB names. `bridge fdb ... dev vxlanX dst IP` fills that FDB;
 * with learning on, received frames teach it; with proxy on, ARP requests are answered
 * from the neighbour table instead of being carried.
 */
import { formatIp } from '../../net/ipv4';
import { formatIp6 } from '../../net/ipv6';
import { Device, type DeviceKind } from '../device';
import type { Netns } from '../netns';
import type { Skb } from '../skb';
import { vxlanXmit } from './vxlan-core';

/**
 * A VTEP address: an IPv4 address as a number, an IPv6 one as a bigint. A device opens the socket
 * of its local or remote address's family (vxlan_sock_add: AF_INET6 when VXLAN_F_IPV6 is set).
 */
export type VtepAddr = number | bigint;

export const formatVtep = (a: VtepAddr): string => (typeof a === 'bigint' ? formatIp6(a) : formatIp(a));

export interface VxlanFdbEntry {
  /** Inner MAC; 00:00:00:00:00:00 is a default destination (flooding). */
  mac: string;
  dst: VtepAddr;
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
  local?: VtepAddr;
  /** The underlay device (`dev eth0`). */
  dev?: Device;
  /** A point-to-point remote or a multicast group: a default destination. */
  remote?: VtepAddr;
  learning: boolean;
  proxy: boolean;
  l2miss: boolean;
  l3miss: boolean;
  ttl: number;
  /** Outer UDP checksum (iproute2 `[no]udpcsum`): Linux computes it unless told not to. */
  udpCsum: boolean;
  /** `udp6zerocsumtx`: over IPv6, send a zero UDP checksum (off by default: IPv6 requires one). */
  udp6ZeroCsumTx: boolean;
  /** `udp6zerocsumrx`: over IPv6, accept a zero UDP checksum (off: udp6_csum_init drops it). */
  udp6ZeroCsumRx: boolean;
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

  /** VXLAN_F_IPV6: the outer header is IPv6 (the local or remote address is IPv6). */
  get ipv6(): boolean {
    return typeof this.params.local === 'bigint' || typeof this.params.remote === 'bigint';
  }

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
    if (p.remote !== undefined) parts.push(`remote ${formatVtep(p.remote)}`);
    if (p.local !== undefined) parts.push(`local ${formatVtep(p.local)}`);
    if (p.dev) parts.push(`dev ${p.dev.name}`);
    parts.push(`srcport 0 0 dstport ${p.port}`);
    if (!p.learning) parts.push('nolearning');
    if (p.proxy) parts.push('proxy');
    if (p.l2miss) parts.push('l2miss');
    if (p.l3miss) parts.push('l3miss');
    parts.push(p.ttl ? `ttl ${p.ttl}` : 'ttl auto');
    parts.push('ageing 300', p.udpCsum ? 'udpcsum' : 'noudpcsum');
    parts.push(p.udp6ZeroCsumTx ? 'udp6zerocsumtx' : 'noudp6zerocsumtx');
    parts.push(p.udp6ZeroCsumRx ? 'udp6zerocsumrx' : 'noudp6zerocsumrx');
    return parts.join(' ');
  }

  /** A row as `bridge fdb show` prints this device's own entries. */
  static formatFdb(dev: Vxlan, e: VxlanFdbEntry): string {
    const state = e.state === 'learned' ? '' : ` ${e.state}`;
    const port = e.port !== undefined && e.port !== dev.params.port ? ` port ${e.port}` : '';
    const vni = e.vni !== undefined && e.vni !== dev.params.vni ? ` vni ${e.vni}` : '';
    return `${e.mac} dev ${dev.name} dst ${formatVtep(e.dst)}${port}${vni} self${state}`;
  }
}
