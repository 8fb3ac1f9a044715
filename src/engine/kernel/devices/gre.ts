/**
 * A GRE tunnel (net/ipv4/ip_gre.c, "gre" link kind): IPv4 carried behind an outer IPv4 header
 * (protocol 47) and a 4-byte GRE header, 8 with a key. gre0 is the fallback device the ip_gre
 * module creates in every namespace, as ipip's tunl0 is; the module also creates gretap0 and
 * erspan0, Ethernet-over-GRE devices this model does not carry (it models GRE for IPv4 only).
 */
import { formatIp } from '../../net/ipv4';
import type { DeviceKind } from '../device';
import { IpTunnel, type IpTunnelParams } from './ip-tunnel';
import type { Skb } from '../skb';
import { greXmit } from '../stack/gre';

export interface GreParams extends IpTunnelParams {
  /** i_key: the key a received packet must carry to be this tunnel's (`key`/`ikey`). */
  ikey?: number;
  /** o_key: the key sent packets carry (`key`/`okey`). */
  okey?: number;
}

/** GRE's header: 4 bytes, plus 4 for the key. */
export function greHeaderLen(p: GreParams): number {
  return p.okey !== undefined ? 8 : 4;
}

/** A key as iproute2 prints it (`ikey 0.0.0.42`): the 32 bits as a dotted quad. */
export const formatKey = (k: number): string => formatIp(k >>> 0);

export class Gre extends IpTunnel<GreParams> {
  readonly kind: DeviceKind = 'gre';

  transmit(skb: Skb): void {
    greXmit(this, skb);
  }

  /** The words `ip -d link` prints after "gre" (iproute2's gre_print_opt). */
  override detail(): string {
    const p = this.params;
    const w = [this.endsText()];
    if (!p.pmtudisc) w.push('nopmtudisc');
    if (p.ikey !== undefined) w.push(`ikey ${formatKey(p.ikey)}`);
    if (p.okey !== undefined) w.push(`okey ${formatKey(p.okey)}`);
    return w.join(' ');
  }
}
