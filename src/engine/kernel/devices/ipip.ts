/**
 * An IPIP tunnel (net/ipv4/ipip.c): IPv4 carried in IPv4 (protocol 4), no Ethernet
 * inside. tunl0 is the fallback device the ipip module creates in every namespace: with
 * no fixed remote, the route's gateway (`via X dev tunl0 onlink`) is the tunnel's far end.
 */
import type { DeviceKind } from '../device';
import { IpTunnel, type IpTunnelParams } from './ip-tunnel';
import type { Skb } from '../skb';
import { ipipXmit } from '../stack/ipip';

export type IpipParams = IpTunnelParams;

export class Ipip extends IpTunnel {
  readonly kind: DeviceKind = 'ipip';

  transmit(skb: Skb): void {
    ipipXmit(this, skb);
  }

  /** The words `ip -d link` prints after "ipip" (iproute2's iptunnel_print_opt, proto first). */
  override detail(): string {
    return `ipip ${this.endsText()} ${this.params.pmtudisc ? 'pmtudisc' : 'nopmtudisc'}`;
  }
}
