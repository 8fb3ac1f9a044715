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
  /** The module's own tunl0: `ip tunnel del` refuses it (EPERM), as ip_tunnel_ctl does. */
  declare fallback: boolean;

  constructor(...args: [...ConstructorParameters<typeof Device>, IpipParams]) {
    const [ns, name, ifindex, mac, mtu, params] = args;
    super(ns, name, ifindex, mac, mtu);
    this.params = params;
    this.fallback = false;
  }

  override get linkType(): 'eth' | 'raw' {
    return 'raw';
  }

  /** ip_tunnel_bind_dev: a point-to-point device once it has a fixed remote. */
  override linkFlags(): string[] {
    return super.linkFlags().filter((f) => f !== 'POINTOPOINT' || this.params.remote !== undefined);
  }

  /** iflink is the bound device (parms.link); 0 shows as `@NONE`. */
  override iflink(): number {
    return this.params.dev?.ifindex ?? 0;
  }

  transmit(skb: Skb): void {
    ipipXmit(this, skb);
  }

  /** The words `ip -d link` prints after "ipip" (iproute2's iptunnel_print_opt, proto first). */
  override detail(): string {
    const p = this.params;
    const dev = p.dev ? ` dev ${p.dev.name}` : '';
    return `ipip remote ${p.remote !== undefined ? formatIp(p.remote) : 'any'} local ${p.local !== undefined ? formatIp(p.local) : 'any'}${dev} ttl ${p.ttl || 'inherit'} ${p.pmtudisc ? 'pmtudisc' : 'nopmtudisc'}`;
  }
}
