/**
 * An IPIP tunnel (net/ipv4/ipip.c): IPv4 carried in IPv4 (protocol 4), no Ethernet
 * inside. tunl0 is the fallback device the ipip module creates in every namespace: with
 * no fixed remote, the route's gateway (`via X dev tunl0 onlink`) is the tunnel's far end.
 */
import { formatIp } from '../../net/ipv4';
import { Device, type DeviceKind } from '../device';
import type { Skb } from '../skb';
import { ipipXmit } from '../stack/ipip';

export interface IpipParams {
  local?: number;
  remote?: number;
  /** 0: inherit the inner packet's TTL. */
  ttl: number;
  pmtudisc: boolean;
  dev?: Device;
}

export class Ipip extends Device {
  readonly kind: DeviceKind = 'ipip';
  override noarp = true;
  readonly params: IpipParams;

  constructor(...args: [...ConstructorParameters<typeof Device>, IpipParams]) {
    const [ns, name, ifindex, mac, mtu, params] = args;
    super(ns, name, ifindex, mac, mtu);
    this.params = params;
  }

  override get linkType(): 'eth' | 'raw' {
    return 'raw';
  }

  transmit(skb: Skb): void {
    ipipXmit(this, skb);
  }

  override detail(): string {
    const p = this.params;
    return `ipip remote ${p.remote !== undefined ? formatIp(p.remote) : 'any'} local ${p.local !== undefined ? formatIp(p.local) : 'any'} ttl ${p.ttl || 'inherit'}${p.pmtudisc ? '' : ' nopmtudisc'}`;
  }
}
